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
from typing import Any

import pytest
from support import EXAMPLES

PROBE = """
import gc, json, os, sys, threading
from planner.cli import main
sys.argv = ["planner", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
loader = sys.modules.get("pydantic.plugin._loader")
plugins_looked_for = loader is not None and loader._plugins is not None
report = {
    "code": code,
    "modules": sorted(sys.modules),
    "plugins_looked_for": plugins_looked_for,
    "gc": gc.get_threshold(),
    # threads no Python code started (a library's own workers)
    "native_threads": (
        len(os.listdir("/proc/self/task")) - threading.active_count()
        if os.path.isdir("/proc/self/task")
        else None
    ),
}
print(json.dumps(report), file=sys.__stderr__)
"""

#: This environment without what makes Rich take a pipe for a terminal.
ENV = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}

#: Imported by other commands (export, init, budget.xlsx, the ledger's), never by
#: planning alone.
NOT_FOR_PLANNING = (
    "planner.followup",
    "openpyxl",
    "jinja2",
    "icalendar",
    "rich.progress",
    "planner.render.typeset",
    "typst",
)

#: The solvers and what they bring: for commands that solve.
SOLVING = ("ortools.sat.python.cp_model", "ortools.constraint_solver.pywrapcp", "pandas")


def planning(tmp_path: Path, example: str = "expo_day") -> tuple[str, ...]:
    """``plan EXAMPLE --out TMP/o --no-render``."""
    return ("plan", str(EXAMPLES / example), "--out", str(tmp_path / "o"), "--no-render")


def modules_of(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> set[str]:
    return set(probe(tmp_path, *args, env=env)["modules"])


def probe(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, unset: tuple[str, ...] = ()
) -> dict[str, Any]:
    """What ``planner ARGS`` left behind in a fresh process (this environment with
    ``env`` and without ``unset``): its exit code, the modules it imported, whether
    pydantic looked for plugins, the garbage collector's thresholds."""
    environ = {k: v for k, v in {**ENV, **(env or {})}.items() if k not in unset}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=environ,
        cwd=tmp_path,
    )
    report: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    return report


@pytest.mark.parametrize("example", ["expo_day", "school_day"])
def test_plan_without_render_imports_no_workbook_writer_bar_or_typesetter(
    tmp_path: Path, example: str
) -> None:
    loaded = modules_of(tmp_path, *planning(tmp_path, example))  # stderr is a pipe here
    assert (tmp_path / "o" / "plan.json").exists()
    assert sorted(m for m in NOT_FOR_PLANNING if m in loaded) == []


def test_a_terminal_still_gets_the_progress_bar(tmp_path: Path) -> None:
    # Rich's switch for "this is a terminal"
    loaded = modules_of(tmp_path, *planning(tmp_path), env={"TTY_COMPATIBLE": "1"})
    assert "rich.progress" in loaded


@pytest.mark.parametrize("example", ["expo_day", "school_day"])
def test_check_imports_no_cp_sat_routing_or_pandas(tmp_path: Path, example: str) -> None:
    # its one count that needs a solver, the Hall shortage, is a max flow
    loaded = modules_of(tmp_path, "check", str(EXAMPLES / example))
    assert "planner.load" in loaded
    assert sorted(m for m in SOLVING if m in loaded) == []


def test_export_imports_no_solver_at_all(tmp_path: Path) -> None:
    planned = modules_of(tmp_path, *planning(tmp_path))
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


def test_pydantic_plugins_are_not_looked_for_unless_asked(tmp_path: Path) -> None:
    # looking reads the entry points of every installed package (~0.02 s a command)
    args = planning(tmp_path, "school_day")
    unasked = probe(tmp_path, *args, unset=("PYDANTIC_DISABLE_PLUGINS",))
    assert unasked["plugins_looked_for"] is False
    asked = probe(tmp_path, *args, env={"PYDANTIC_DISABLE_PLUGINS": ""})
    assert asked["plugins_looked_for"] is True


def test_the_collector_runs_seldom_in_a_command(tmp_path: Path) -> None:
    # most of what a command makes lives as long as it does: ~0.06 s of plan --no-render
    # went on collections at CPython's default thresholds (700, 10, 10)
    from planner.cli import GC_THRESHOLDS

    ran = probe(tmp_path, "check", str(EXAMPLES / "school_day"))
    assert tuple(ran["gc"]) == GC_THRESHOLDS != (700, 10, 10)


def test_numpys_blas_starts_no_threads_in_a_command(tmp_path: Path) -> None:
    # OpenBLAS's worker spun ~0.15 s of CPU on the other core as NumPy loaded
    ran = probe(tmp_path, *planning(tmp_path), unset=("OPENBLAS_NUM_THREADS",))
    if ran["native_threads"] is None:
        pytest.skip("no /proc/self/task to count threads in")
    assert "numpy" in ran["modules"] and ran["code"] == 0
    assert ran["native_threads"] == 0


def test_records_are_structs_and_only_the_errors_are_dataclasses() -> None:
    # a frozen dataclass costs ~1 ms to define on Python 3.11 (six methods compiled
    # from text), a msgspec Struct a tenth of that; plan --no-render defines over fifty
    import ast

    from support import planner_syntax

    decorated = sorted(
        f"{path}:{node.name}"
        for path, node in planner_syntax()
        if isinstance(node, ast.ClassDef)
        and any("dataclass" in ast.unparse(d) for d in node.decorator_list)
    )
    errors = ["Infeasible", "InvalidInput", "Problem", "TimeLimitReached"]
    assert decorated == [f"planner/errors.py:{name}" for name in errors]
