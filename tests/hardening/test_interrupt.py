"""Issue 11, item 8: Ctrl-C stops the run, whatever it is doing, with exit 130,
says so in Chinese and English, and writes nothing."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from hardening.events import (
    EXPO,
    ROOT,
    leftovers,
    planner,
    planner_process,
    snapshot,
    wait_for_library,
)

#: A CP-SAT search that runs for a long time: a 60 x 60 assignment, no LP relaxation.
SOLVING = textwrap.dedent(
    """
    import random, signal, sys
    from ortools.sat.python import cp_model
    from planner.solving import cp_solver

    signal.signal(signal.SIGINT, signal.default_int_handler)
    rng = random.Random(1)
    n = 60
    m = cp_model.CpModel()
    x = [[m.new_bool_var("") for _ in range(n)] for _ in range(n)]
    for i in range(n):
        m.add_exactly_one(x[i])
        m.add_exactly_one(x[j][i] for j in range(n))
    m.minimize(sum(rng.randint(0, 1000) * x[i][j] for i in range(n) for j in range(n)))
    solver = cp_solver(seed=1, work=100000.0)
    solver.parameters.linearization_level = 0
    print("solving", flush=True)
    try:
        status = solver.solve(m)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
    print("finished", solver.status_name(status), flush=True)
    """
)


def test_ctrl_c_stops_the_solver_at_once():
    """CP-SAT's own SIGINT handler would end the search quietly and hand back its best
    answer (the run went on to exit 0); the KeyboardInterrupt must reach Python, and
    the search must stop: left alone it runs for hours (the timeout below is only a
    bound for a broken build, not a speed test)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", SOLVING],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "solving"
    time.sleep(1.0)  # inside the solve: it runs for minutes
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, (out, err)
    assert out.strip() == "interrupted", out


def test_ctrl_c_during_plan_exits_130_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    code, _, err = planner("plan", str(EXPO), "--out", str(out), "--no-render")
    assert code == 0, err
    (out / "mine.txt").write_text("mine", encoding="utf-8")
    before = snapshot(out)

    # Ctrl-C once the command runs (OR-Tools loaded: loading, solving or writing)
    proc = planner_process("plan", str(EXPO), "--out", str(out), "--lang", "en")
    assert wait_for_library(proc, "ortools")
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=600)

    # 130 always: the installed command leaves by os._exit, so CPython's exit_sigint
    # (which ended 4 of 40 such runs by SIGINT when the Ctrl-C landed while OR-Tools
    # ran Python code of its own: pybind11_abseil calls PyRun_StringFlags, marking
    # the KeyboardInterrupt unhandled for the whole interpreter) never runs
    assert proc.returncode == 130, stderr.decode()
    assert "已中断" in stderr.decode() and "interrupted (Ctrl-C)" in stderr.decode()
    assert stderr.decode().count("interrupted (Ctrl-C)") == 1, stderr.decode()  # said once
    assert "Traceback" not in stderr.decode()
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_no_solver_resets_ctrl_c():
    """A CP-SAT solver made with its default settings puts SIGINT back to the
    system default when it ends, so the next Ctrl-C kills the run with no word
    (exit -2): every solver comes from planner.solving.cp_solver."""
    code = textwrap.dedent(
        """
        import ctypes, signal
        from planner.load import load_event
        from planner.pipeline import build_plan

        signal.signal(signal.SIGINT, signal.default_int_handler)
        for example in ("examples/expo_day", "examples/school_day"):
            build_plan(load_event(example))
        libc = ctypes.CDLL(None)
        libc.signal.restype = ctypes.c_void_p
        now = libc.signal(signal.SIGINT, ctypes.c_void_p(1))  # read it: set, put back
        libc.signal(signal.SIGINT, ctypes.c_void_p(now))
        print("default" if not now else "python")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "python"


def test_an_interrupt_a_library_turned_into_its_own_error_ends_as_interrupted(monkeypatch, capsys):
    """pydantic's serialiser reports a Ctrl-C that lands inside it as its own error
    ("Error serializing to JSON: KeyboardInterrupt"), not linked to the
    KeyboardInterrupt: the run still ends as interrupted (exit 130), not as an
    internal error to report."""
    import pytest
    import typer

    from planner import clikit

    monkeypatch.setattr(clikit, "_ctrl_c_seen", False)

    def work() -> None:
        with contextlib.suppress(KeyboardInterrupt):  # swallowed inside the library
            clikit._on_ctrl_c(signal.SIGINT, None)  # what Ctrl-C runs
        raise RuntimeError("Error serializing to JSON: KeyboardInterrupt")

    with pytest.raises(typer.Exit) as done:
        clikit.run_reporting(work, lang=clikit.Lang.en, as_json=False)
    assert done.value.exit_code == clikit.EXIT_INTERRUPTED
    said = capsys.readouterr().err
    assert "interrupted (Ctrl-C)" in said and "internal error" not in said


def test_ctrl_c_while_the_command_loads_its_libraries_says_so_too(tmp_path):
    # Typer ends a command a Ctrl-C broke off with exit 130 and no word: the message
    # must still be said (once), whatever the command was doing
    out = tmp_path / "out"
    proc = planner_process("plan", str(EXPO), "--out", str(out), "--lang", "en")
    assert wait_for_library(proc, "pydantic_core")  # parsing its options, or importing
    os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 130, stderr.decode()
    assert stderr.decode().count("interrupted (Ctrl-C)") == 1, stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert not out.exists()


#: The installed command with a Ctrl-C arriving as it starts loading its command
#: line (Typer): the first thing ``planner.launch`` does.
EARLY = textwrap.dedent(
    """
    import importlib.abc, os, signal, sys

    class CtrlC(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "typer":
                os.kill(os.getpid(), signal.SIGINT)
            return None

    sys.meta_path.insert(0, CtrlC())
    sys.argv = ["planner", *sys.argv[1:]]
    from planner.launch import entry

    entry()
    """
)


def test_ctrl_c_while_the_command_line_loads_says_so_and_exits_130(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", EARLY, "plan", str(EXPO), "--out", str(out), "--lang", "en"],
        capture_output=True,
        cwd=ROOT,
        timeout=600,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    stderr = proc.stderr.decode()
    assert proc.returncode == 130, stderr
    assert stderr.count("interrupted (Ctrl-C)") == 1 and "已中断" in stderr, stderr
    assert "Traceback" not in stderr and "typer" not in stderr, stderr
    assert proc.stdout == b"" and not out.exists()

    as_json = subprocess.run(
        [sys.executable, "-c", EARLY, "check", str(EXPO), "--json"],
        capture_output=True,
        cwd=ROOT,
        timeout=600,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert as_json.returncode == 130, as_json.stderr.decode()
    said = json.loads(as_json.stdout)
    assert said["ok"] is False and said["error"] == "interrupted"
    assert said["messages"] == ["已中断(Ctrl-C):运行已停止,未完成的结果没有写入。"]
