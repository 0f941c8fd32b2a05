"""Helpers for the hardening tests: the Expo day example with chosen cells replaced,
the `planner` command run in-process or as a process, and snapshots of folders."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

ROOT = Path(__file__).resolve().parents[2]
EXPO = ROOT / "examples" / "expo_day"

#: Free-text columns of the two sheets (bilingual headers as in the example); skills,
#: needs and dietary take words from a list, so anything else there is exit 3.
VOLUNTEER_TEXT = ["姓名/name", "单位/organisation", "备注/notes"]
CHILD_TEXT = [
    "姓名/name",
    "学校/school",
    "村/village",
    "监护人姓名/guardian_name",
    "过敏/allergies",
    "健康备注/medical_notes",
]
#: Strings in event.toml a reader sees on every output (event name, organiser, a budget item).
EVENT_TEXT = {
    "name": 'name = "西安世园一日游"',
    "organiser": 'organiser = "西安市红十字会 / 长安花公益联盟"',
    "budget_item": 'item = "世博园门票(儿童)"',
}

#: What makes a spreadsheet run a cell (OWASP), written here again on purpose.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (control characters escaped)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def expo_event(
    dest: Path,
    *,
    volunteer: dict[str, str] | None = None,
    child: dict[str, str] | None = None,
    event: dict[str, str] | None = None,
) -> Path:
    """A copy of examples/expo_day at ``dest`` with cells of V01's and C01's rows
    (and event.toml strings, keys of EVENT_TEXT) replaced."""
    shutil.copytree(EXPO, dest)
    if volunteer:
        path = dest / "volunteers.csv"
        with open(path, encoding="gb18030", newline="") as fh:
            rows = list(csv.reader(fh))
        for column, value in volunteer.items():
            rows[1][rows[0].index(column)] = value
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
    if child:
        path = dest / "children.xlsx"
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        header = [c.value for c in sheet[1]]
        for column, value in child.items():
            cell = sheet.cell(row=2, column=header.index(column) + 1)
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)  # an .xlsx cannot hold them
            cell.data_type = "s"
        book.save(path)
    if event:
        toml = dest / "event.toml"
        text = toml.read_text(encoding="utf-8")
        for key, value in event.items():
            line = EVENT_TEXT[key]
            assert line in text
            text = text.replace(line, line.split(" = ")[0] + " = " + toml_string(value), 1)
        toml.write_text(text, encoding="utf-8")
    return dest


def planner_process(
    *args: str, umask: int | None = None, env: dict[str, str] | None = None, **kw
) -> subprocess.Popen:
    """``planner ARGS`` as installed, in its own process (Ctrl-C reaches it as at a
    terminal), with ``env`` added to this environment."""

    def child_setup() -> None:
        import signal

        signal.signal(
            signal.SIGINT, signal.SIG_DFL
        )  # Python's own handler, not an inherited ignore
        if umask is not None:
            os.umask(umask)

    return subprocess.Popen(
        [sys.executable, "-m", "planner", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        cwd=ROOT,
        preexec_fn=child_setup,
        **kw,
    )


def planner(
    *args: str, umask: int | None = None, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """``planner ARGS`` as installed: its exit code, stdout and stderr."""
    proc = planner_process(*args, umask=umask, env=env)
    out, err = proc.communicate(timeout=600)
    return proc.returncode, out.decode(), err.decode()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones included) -> its bytes' digest."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[path.relative_to(folder).as_posix()] = digest.encode()
    return found


def leftovers(out: Path) -> list[str]:
    """Temporary folders of a run beside ``out``."""
    return sorted(p.name for p in Path(out).parent.iterdir() if ".planner-" in p.name)


def formula_problems(out: Path) -> list[str]:
    """Every cell in the output that a spreadsheet would run though the tool did not
    mean it: a CSV cell starting with a formula character (other than a plain
    number), any formula in plan.xlsx, a formula in budget.xlsx outside the
    columns where the budget keeps its own (C quantity, E amount, F cap check)."""
    import re

    number = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
    found = []
    for path in sorted(Path(out).rglob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for r, row in enumerate(csv.reader(fh), start=1):
                for c, cell in enumerate(row, start=1):
                    if cell.startswith(FORMULA_START) and not number.fullmatch(cell):
                        found.append(f"{path.name}:{r}:{c}: {cell!r}")
    for path in sorted(Path(out).rglob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    ours = path.name == "budget.xlsx" and (
                        cell.column_letter in "CE"
                        or (cell.column_letter == "F" and str(cell.value).startswith("=IF(E"))
                    )
                    if not ours:
                        found.append(f"{path.name}:{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


def wait_for_library(proc: subprocess.Popen, name: str, timeout: float = 300.0) -> bool:
    """Wait until ``proc`` has loaded a shared library whose path holds ``name`` (so
    it is past start-up and inside its command); False if it ended first."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            maps = Path(f"/proc/{proc.pid}/maps").read_text(errors="replace")
        except OSError:
            return False
        if name in maps:
            return True
        time.sleep(0.02)
    return False
