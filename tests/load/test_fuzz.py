"""Hypothesis throws random bytes and cell values at the loader.

Whatever comes in, the loader either returns an Event or raises our own
InvalidInput, each problem naming a file; nothing else escapes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import (
    CHILD_HEADER,
    CHILD_ROWS,
    EVENT_TOML,
    VOLUNTEER_HEADER,
    VOLUNTEER_ROWS,
    write_csv,
)

from planner.errors import InvalidInput
from planner.load import load_event

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="planner-fuzz-"))
    (folder / "event.toml").write_text(EVENT_TOML, encoding="utf-8")
    write_csv(folder / "volunteers.csv", VOLUNTEER_HEADER, VOLUNTEER_ROWS)
    write_csv(folder / "children.csv", CHILD_HEADER, CHILD_ROWS)
    return folder


def _load_only_our_errors(folder: Path) -> None:
    try:
        load_event(folder)
    except InvalidInput as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file and problem.message
            assert problem.render("zh") and problem.render("en")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@FUZZ
@given(
    data=st.binary(max_size=400),
    which=st.sampled_from(["volunteers.csv", "children.csv", "event.toml"]),
)
def test_random_bytes_in_any_file(data: bytes, which: str):
    folder = _folder()
    (folder / which).write_bytes(data)
    _load_only_our_errors(folder)


@FUZZ
@given(data=st.binary(min_size=4, max_size=400))
def test_random_bytes_as_xlsx(data: bytes):
    folder = _folder()
    (folder / "children.xlsx").write_bytes(data)
    (folder / "event.toml").write_text(
        EVENT_TOML.replace("children.csv", "children.xlsx"), encoding="utf-8"
    )
    _load_only_our_errors(folder)


cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "是",
            "否",
            "男",
            "女",
            "留守",
            "2026年2月30日",
            "１３８",
            "-1",
            "1e9",
            "NaN",
            "None",
            "\u3000",
            "=SUM(A1)",
            "0x10",
            '"',
            "\n",
        ]
    ),
)


@FUZZ
@given(
    who=st.sampled_from(["volunteers", "children"]),
    row=st.integers(min_value=0, max_value=1),
    col=st.integers(min_value=0, max_value=9),
    value=cell,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_random_cell_values(who: str, row: int, col: int, value: str, encoding: str):
    folder = _folder()
    header, rows = (
        (VOLUNTEER_HEADER, VOLUNTEER_ROWS) if who == "volunteers" else (CHILD_HEADER, CHILD_ROWS)
    )
    rows = [list(r) for r in rows]
    rows[row][col] = value
    try:
        write_csv(folder / f"{who}.csv", header, rows, encoding)
    except UnicodeEncodeError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    _load_only_our_errors(folder)


@FUZZ
@given(
    key=st.sampled_from(["select", "max_children", "date", "timezone", "shape", "id"]),
    value=st.one_of(st.integers(), st.text(max_size=8), st.booleans(), st.floats(allow_nan=False)),
)
def test_random_event_settings(key: str, value):
    import json

    folder = _folder()
    lines = []
    for line in EVENT_TOML.splitlines():
        if line.split("=")[0].strip() == key:
            literal = (
                json.dumps(value, ensure_ascii=False)
                if not isinstance(value, bool)
                else str(value).lower()
            )
            line = f"{key} = {literal}"
        lines.append(line)
    (folder / "event.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _load_only_our_errors(folder)
