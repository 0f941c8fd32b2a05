"""event.toml → the settings part of an Event, with line numbers on every error.

Why TOML: ``tomllib`` is in the standard library and fails loudly with line
and column. Keys are ASCII; values and comments may be Chinese.
"""

from __future__ import annotations

import re
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any

from msgspec import Struct

from planner.errors import Problem
from planner.load import cells

#: Keys of the [event] table; every other top-level table is a settings block.
EVENT_KEYS = {
    "id", "name", "organiser", "date", "timezone", "shape", "location", "meeting_point",
    "coordinator", "emergency_phones",
}  # fmt: skip

CURLY = "“”‘’"


class TomlSource(Struct, dict=True):
    shown: str
    text: str

    def line_of(self, loc: tuple) -> int | None:
        """The line where the key path ``loc`` is written (best effort).

        The file is indexed once (:func:`_key_lines`), so locating thousands of
        problems costs one pass over the text, not one pass per problem.
        """
        path = tuple(str(p) for p in loc)
        index = self._index
        for length in range(len(path), 0, -1):
            line = index.get(path[:length])
            if line is not None:
                return line
        return None

    @cached_property
    def _index(self) -> dict[tuple[str, ...], int]:
        return _key_lines(self.text)


#: a time of day written without quotes (``start = 9:00``), which TOML cannot read
_BARE_CLOCK = re.compile(r"=\s*(\d{1,2}):(\d{2})\b")


def read_event_toml(
    path: Path, shown: str, problems: list[Problem]
) -> tuple[dict | None, TomlSource | None]:
    """Parse the TOML file; a syntax error becomes one Problem with its line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(
            Problem(shown, None, None, "找不到活动文件 event.toml", "event.toml not found")
        )
        return None, None
    except OSError as exc:
        problems.append(Problem(shown, None, None, f"无法读取:{exc}", f"cannot read: {exc}"))
        return None, None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(
            Problem(
                shown,
                None,
                None,
                "event.toml 必须保存为 UTF-8 编码",
                "event.toml must be saved as UTF-8",
            )
        )
        return None, None
    source = TomlSource(shown, text)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        line = _too_deep(text)
        problems.append(
            Problem(shown, line, None,
                    f"表或数组嵌套超过 {MAX_NESTING} 层,无法读取",
                    f"tables or arrays nested more than {MAX_NESTING} deep; cannot be read")
        )  # fmt: skip
        return None, source
    except tomllib.TOMLDecodeError as exc:
        line, column = _position(exc)
        hint_zh = hint_en = ""
        bad_line = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
        if any(q in bad_line for q in CURLY):
            hint_zh = '。提示:这一行用了中文引号 “ ”,请改成英文引号 "'
            hint_en = '. Hint: this line uses curly quotes “ ”; use straight quotes "'
        elif clock := _BARE_CLOCK.search(bad_line):
            h, m = clock.group(1), clock.group(2)
            hint_zh = f'。提示:时间要加英文引号,写成 "{int(h):02d}:{m}"'
            hint_en = f'. Hint: write a time in quotes, as "{int(h):02d}:{m}"'
        problems.append(
            Problem(shown, line, str(column) if column else None,
                    f"TOML 语法错误:{_plain(exc)}{hint_zh}", f"TOML syntax error: {_plain(exc)}{hint_en}")
        )  # fmt: skip
        return None, source
    return _clean_strings(data, (), source, problems), source


def _clean_strings(value: object, path: tuple, source: TomlSource, problems: list[Problem]) -> Any:
    """Every string in event.toml through the cells' one rule (:func:`cells.clean`,
    line breaks kept), and no longer than a cell may be."""
    if isinstance(value, dict):
        return {k: _clean_strings(v, (*path, k), source, problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_strings(v, (*path, i), source, problems) for i, v in enumerate(value)]
    if isinstance(value, str):
        if (error := cells.too_long(value)) is not None:
            key = ".".join(str(p) for p in path)
            problems.append(Problem(source.shown, source.line_of(path), key, error.zh, error.en))
            value = value[: cells.MAX_CELL_CHARS]
        return cells.clean(value, keep_lines=True)
    return value


#: deeper than this, a TOML value is not an event setting (the parser itself gives up
#: somewhere in the hundreds, with a RecursionError)
MAX_NESTING = 100


def _too_deep(text: str) -> int | None:
    """The line where brackets first open more than :data:`MAX_NESTING` deep."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for char in line:
            if char in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return number
            elif char in "]}":
                depth = max(depth - 1, 0)
    return None


def _position(exc: tomllib.TOMLDecodeError) -> tuple[int | None, int | None]:
    lineno = getattr(exc, "lineno", None)
    colno = getattr(exc, "colno", None)
    if lineno is None:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        if match:
            lineno, colno = int(match[1]), int(match[2])
    return lineno, colno


def _plain(exc: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", getattr(exc, "msg", str(exc)))


def event_fields(data: dict, source: TomlSource, problems: list[Problem]) -> dict:
    """Flatten [event] and the settings tables into Event's fields."""
    fields: dict = {}
    event = data.get("event")
    if not isinstance(event, dict):
        problems.append(
            Problem(
                source.shown,
                None,
                "event",
                "缺少 [event] 表(活动名称、日期等)",
                "missing the [event] table (name, date ...)",
            )
        )
        event = {}
    for key, value in event.items():
        if key not in EVENT_KEYS:
            problems.append(
                Problem(source.shown, source.line_of(("event", key)), f"event.{key}",
                        f"[event] 里没有这个键「{key}」", f"unknown key {key!r} in [event]")
            )  # fmt: skip
            continue
        fields[key] = value
    if isinstance(fields.get("date"), str):
        try:
            fields["date"] = cells.day(fields["date"])
        except cells.CellError as exc:
            problems.append(
                Problem(
                    source.shown, source.line_of(("event", "date")), "event.date", exc.zh, exc.en
                )
            )
            fields.pop("date")
    for key, value in data.items():
        if key != "event":
            fields[key] = value
    return fields


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Every key path written in ``text``, and each of its prefixes, → its first line.

    A table header ``[[activities]]`` (the third one) gives
    ``("activities", "2")``; a key ``duration = 30`` under it gives
    ``("activities", "2", "duration")``. :meth:`TomlSource.line_of` looks up the
    longest prefix of a problem's path: the key itself, or else the table it
    belongs in.
    """
    counters: dict[str, int] = {}
    table: list[str] = []
    index: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            names = [p.strip().strip("\"'") for p in header[2].split(".")]
            if header[1] == "[[":
                key = ".".join(names)
                counters[key] = counters.get(key, -1) + 1
                table = [*names[:-1], names[-1], str(counters[key])]
            else:
                table = _with_indices(names, counters)
            path = table
        else:
            found = _KEY.match(line)
            if not found:
                continue
            path = table + [p.strip().strip("\"'") for p in found[1].split(".")]
        for length in range(1, len(path) + 1):
            index.setdefault(tuple(path[:length]), number)
    return index


def _with_indices(names: list[str], counters: dict[str, int]) -> list[str]:
    """[budget.lines] inside the n-th [[budget.lines]]-style array keep its index."""
    out: list[str] = []
    for i, name in enumerate(names):
        out.append(name)
        key = ".".join(names[: i + 1])
        if key in counters and i < len(names) - 1:
            out.append(str(counters[key]))
    return out
