"""Benchmark: `planner rematch` on the Expo day without PDFs, as an organiser
runs it on the morning (figures, not pass/fail):

    python bench/rematch.py [--runs 7] [--absent V01,C13] [--example expo_day]

The example is planned once (``plan --no-render``); then, interleaved so a
busy spell hits each alike, in fresh processes:

* ``planner rematch out/plan.json --absent V01,C13 --no-render``;
* the floor: a fresh ``python -c`` importing what the command imports
  (the CLI, pydantic, OR-Tools' CP-SAT, which imports pandas, its max flow
  and its routing solver, all three imported by the planner only when it
  solves);

and, in one process, the re-plan itself (read, re-plan every stage, compare
the two plans, write plan.json and changes.csv) timed after the imports, each
run searching afresh (CP-SAT answers kept from the run before are dropped).
The planner's bytecode is compiled first, as installing it does (with
``PYTHONDONTWRITEBYTECODE`` set every fresh process would compile it again).
Printed: median and min–max of wall and CPU seconds, and the ratio of the
command to its floor. CPU time is what a busy machine distorts least.
"""

from __future__ import annotations

import argparse
import compileall
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = (
    "import planner.cli, planner.commands.rematch, ortools.sat.python.cp_model,"
    " ortools.graph.python.max_flow, ortools.constraint_solver.pywrapcp"
)


def timed(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} s ({min(values):.3f}–{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--absent", default="V01,C13")
    parser.add_argument("--example", default="expo_day")
    args = parser.parse_args()
    python = sys.executable
    compileall.compile_dir(ROOT / "planner", quiet=1)  # as an install does: see the module
    cli = [python, "-c", "from planner.launch import entry; entry()"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "plan"
        subprocess.run(
            [*cli, "plan", str(ROOT / "examples" / args.example), "--out", str(out), "--no-render"],
            check=True,
            capture_output=True,
        )
        command = [*cli, "rematch", str(out / "plan.json"), "--absent", args.absent]
        command += ["--out", str(Path(tmp) / "after"), "--no-render"]
        runs: dict[str, list[tuple[float, float]]] = {"rematch": [], "floor": []}
        for _ in range(args.runs):
            runs["rematch"].append(timed(command))
            runs["floor"].append(timed([python, "-c", FLOOR]))
        from planner.commands.rematch import rematch_command
        from planner.solving import forget_proved

        work = []
        for _ in range(args.runs):
            forget_proved()
            start = time.perf_counter()
            rematch_command(
                out / "plan.json", args.absent, Path(tmp) / "inproc", echo=lambda _line: None
            )
            work.append(time.perf_counter() - start)
    print(f"planner rematch {args.example} --absent {args.absent} --no-render, {args.runs} runs")
    for name, label in (("rematch", "fresh process"), ("floor", "imports only")):
        walls = [w for w, _ in runs[name]]
        cpus = [c for _, c in runs[name]]
        print(f"  {label:14} wall {spread(walls)}   cpu {spread(cpus)}")
    ratio = statistics.median(c for _, c in runs["rematch"]) / statistics.median(
        c for _, c in runs["floor"]
    )
    print(f"  command / floor (cpu medians): {ratio:.2f}")
    print(f"  the re-plan in process (after imports): wall {spread(work)}")


if __name__ == "__main__":
    main()
