"""``planner plan --no-render`` imports what it needs and no more (issue 14: start-up
time is most of an everyday run): no workbook writer, no live progress bar when
stderr is not a terminal, no typesetter. ``check`` and ``export`` solve nothing:
no CP-SAT, and so no pandas (which CP-SAT's Python module imports). A fresh process
each, as an organiser runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import EXAMPLES

PROBE = """
import json, sys
from planner.cli import main
sys.argv = ["planner", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.__stderr__)
"""

#: This environment without what makes Rich take a pipe for a terminal.
ENV = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}

#: Imported by other commands (export, init, budget.xlsx), never by planning alone.
NOT_FOR_PLANNING = (
    "openpyxl",
    "jinja2",
    "icalendar",
    "rich.progress",
    "planner.render.typeset",
    "typst",
)

#: The solvers and what they bring: for commands that solve.
SOLVING = ("ortools.sat.python.cp_model", "ortools.constraint_solver.pywrapcp", "pandas")


def modules_of(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**ENV, **(env or {})},
        cwd=tmp_path,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    return set(report["modules"])


@pytest.mark.parametrize("example", ["expo_day", "school_day"])
def test_plan_without_render_imports_no_workbook_writer_bar_or_typesetter(
    tmp_path: Path, example: str
) -> None:
    loaded = modules_of(
        tmp_path, "plan", str(EXAMPLES / example), "--out", str(tmp_path / "o"), "--no-render"
    )  # stderr is a pipe here
    assert (tmp_path / "o" / "plan.json").exists()
    assert sorted(m for m in NOT_FOR_PLANNING if m in loaded) == []


def test_a_terminal_still_gets_the_progress_bar(tmp_path: Path) -> None:
    loaded = modules_of(
        tmp_path,
        "plan",
        str(EXAMPLES / "expo_day"),
        "--out",
        str(tmp_path / "o"),
        "--no-render",
        env={"TTY_COMPATIBLE": "1"},  # Rich's switch for "this is a terminal"
    )
    assert "rich.progress" in loaded


@pytest.mark.parametrize("example", ["expo_day", "school_day"])
def test_check_imports_no_cp_sat_routing_or_pandas(tmp_path: Path, example: str) -> None:
    # its one count that needs a solver, the Hall shortage, is a max flow
    loaded = modules_of(tmp_path, "check", str(EXAMPLES / example))
    assert "planner.load" in loaded
    assert sorted(m for m in SOLVING if m in loaded) == []


def test_export_imports_no_solver_at_all(tmp_path: Path) -> None:
    planned = modules_of(
        tmp_path, "plan", str(EXAMPLES / "expo_day"), "--out", str(tmp_path / "o"), "--no-render"
    )
    assert "ortools.sat.python.cp_model" in planned  # the probe sees what a command loads
    loaded = modules_of(
        tmp_path,
        "export",
        str(tmp_path / "o" / "plan.json"),
        "--out",
        str(tmp_path / "x"),
    )
    assert (tmp_path / "x").is_dir() and "planner.render" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in ("ortools", "pandas")) == []
