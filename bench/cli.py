"""Benchmark of every ``planner`` command: figures, not pass/fail.

    python bench/cli.py              # both examples, 5 runs each
    python bench/cli.py --runs 9 --examples expo_day

Each command runs on each example in a fresh process (as an organiser runs
it), several times, interleaved so a busy spell on the machine hits every
command alike. Printed: the median wall time, the spread (min–max), and the
command's floor beside it, as a ratio; then the same for CPU seconds (the
process and its children), which a busy machine
distorts less than wall time:

* the imports the command needs, timed the same way, in a fresh
  ``python -c "import ..."`` (with pydantic, one model defined: pydantic
  loads the rest of itself then), the garbage collector set as ``planner``
  sets it and out without tearing the modules down, as ``planner`` leaves:
  a command cannot answer faster than Python can load what it uses;
* for ``plan`` (which prints the PDFs), also ``plan --no-render``: printing
  is what it adds.

Each ratio is given three ways: of the medians, of the fastest runs, and
"paired": the median, over the rounds, of the command's time over its
floor's in the same round (a slow spell on a shared machine that hits one
mostly hits both, so this moves least from one run of the benchmark to the
next).

The planner's own bytecode is compiled first (``compileall``), as installing
it does: with ``PYTHONDONTWRITEBYTECODE`` set, as in some shells and CI, every
fresh process would otherwise compile the planner's sources again (~0.1 s of
CPU that no organiser's install pays).

The PDFs are typeset by Typst in the planner's own process (see
``planner.render.typeset``); the header names its version.

On a busy machine the times move by a fifth between runs of the same code.
``--instructions`` counts instead the instructions ``plan --no-render`` and
``plan`` and their floors execute, under Valgrind (callgrind), every thread
together: the same from run to run within a tenth of a percent, however busy
the machine. An instruction is not a fixed time (import code waits on memory
more than a solver does), so it is a second measure, not the target's.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("expo_day", "school_day")
PLANNER = "from planner.launch import entry; entry()"

#: What each command must import: the libraries it uses by design (the CLI, the
#: models, the spreadsheet reader, the solvers it calls, the table it prints).
#: ``pydantic.main``, not ``pydantic``: the package loads its parts on first use, so
#: ``import pydantic`` alone leaves out BaseModel and its schema builder (~0.035 s),
#: which every command's models, and Typer's parameters, need.
CLI = ("typer", "pydantic.main", "zoneinfo", "rich.console", "rich.table")
EVENT = (*CLI, "python_calamine", "tomllib")
SOLVE = (
    "ortools.sat.python.cp_model",  # pairing, groups, timeline
    "ortools.graph.python.min_cost_flow",  # pairing at scale
    "ortools.graph.python.max_flow",  # why a pairing is impossible
    "ortools.constraint_solver.pywrapcp",  # bus routes
)
RENDER = ("jinja2", "icalendar", "openpyxl", "typst")
#: what `check` counts before any solving (``foresee``: a max flow, no CP-SAT)
COUNT = ("numpy", "ortools.graph.python.max_flow")
FLOOR_IMPORTS: dict[str, tuple[str, ...]] = {
    "--help": ("typer",),
    "check": EVENT + COUNT,
    "plan --no-render": EVENT + SOLVE,
    "plan": EVENT + SOLVE + RENDER,
    "export": CLI + RENDER,
    "rematch --no-render": CLI + SOLVE,
}

#: pydantic imports the rest of what a model needs (its fields, its types, its plugin
#: loader and importlib.metadata, ~0.04 s) when the first model is defined: a floor
#: with pydantic defines one, as every command does before it can read its input.
FIRST_MODEL = "class _First(pydantic.BaseModel): x: int"

#: A command timed against another command's median as well (what it adds).
FLOOR_COMMAND = {"plan": "plan --no-render"}


@dataclass(frozen=True)
class Job:
    name: str  # the row label, e.g. "plan --no-render" or "imports of check"
    argv: tuple[str, ...]  # after the interpreter


def cpu_of_children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def adopt_orphans() -> bool:
    """Make this process the one that reaps the orphans of the commands it runs (Linux).

    A command that kills a helper's process group (a browser, once: the PDFs
    are now typeset in process) leaves its grandchildren orphans, reaped by
    init, and their CPU seconds would be counted nowhere. Adopted, they are reaped
    here (see :func:`reap_orphans`) and counted with the command.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    pr_set_child_subreaper = 36
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(pr_set_child_subreaper, 1, 0, 0, 0) == 0


def reap_orphans(timeout_s: float = 10.0) -> None:
    """Wait for every adopted orphan to end; one still running after the command
    ended is a stray process, and the benchmark stops naming it."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0 and time.monotonic() > deadline:
            raise SystemExit(f"a process the command left behind still runs: {stray_children()}")
        if pid == 0:
            time.sleep(0.005)


def stray_children() -> str:
    found = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    pids = found.read_text().split() if found.exists() else []
    return ", ".join(f"{pid} {Path(f'/proc/{pid}/comm').read_text().strip()}" for pid in pids)


def run(argv: tuple[str, ...]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, with any helper processes) of one fresh
    ``python`` process; fails loudly on a non-zero exit."""
    cpu, start = cpu_of_children(), time.perf_counter()
    done = subprocess.run([sys.executable, *argv], capture_output=True, check=False, cwd=ROOT)
    seconds = time.perf_counter() - start
    reap_orphans()
    cpu = cpu_of_children() - cpu
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}: {' | '.join(tail)}")
    return seconds, cpu


def planner(*args: str) -> tuple[str, ...]:
    return ("-c", PLANNER, *args)


def jobs(example: str, work: Path) -> list[Job]:
    """Every command on ``example``, writing under ``work``, each followed by its import floor."""
    folder = str(ROOT / "examples" / example)
    plan_json = work / "base" / "plan.json"
    if not plan_json.exists():  # export and rematch read a plan written once
        run(planner("plan", folder, "--out", str(plan_json.parent), "--no-render"))
    absent = json.loads(plan_json.read_text(encoding="utf-8"))["pairs"][0]["child_ids"][0]
    commands = [
        Job("--help", planner("--help")),
        Job("check", planner("check", folder)),
        Job("plan --no-render", planner("plan", folder, "--out", str(work / "p0"), "--no-render")),
        Job("plan", planner("plan", folder, "--out", str(work / "p1"))),
        Job("export", planner("export", str(plan_json), "--out", str(work / "e"))),
        Job(
            "rematch --no-render",
            planner(
                "rematch",
                str(plan_json),
                "--absent",
                absent,
                "--out",
                str(work / "r"),
                "--no-render",
            ),
        ),
    ]
    floors = {
        name: Job(f"imports of {name}", ("-c", floor_code(mods)))
        for name, mods in FLOOR_IMPORTS.items()
    }
    # each floor right after its command: the paired ratio compares runs made together
    return [job for command in commands for job in (command, floors[command.name])]


def floor_code(modules: tuple[str, ...]) -> str:
    """The program a floor times: the imports, and pydantic's first model where it is one,
    run as ``planner`` runs (the environment it sets for its libraries, its garbage
    collector's setting, and out at once without tearing the modules down, as
    :func:`planner.cli.entry` leaves): what the command spares itself in plugin
    searches, threads, collections and teardown is not counted as its gain."""
    from planner.cli import ENVIRONMENT, GC_THRESHOLDS

    code = "import os\n" + "".join(
        f"os.environ.setdefault({name!r}, {value!r})\n" for name, value in ENVIRONMENT
    )
    code += f"import gc; gc.set_threshold{GC_THRESHOLDS}\nimport " + ", ".join(modules)
    if "pydantic.main" in modules:
        code += f"\n{FIRST_MODEL}"
    return code + "\nos._exit(0)"


def spread(samples: list[float]) -> str:
    return f"{statistics.median(samples):7.3f} {min(samples):7.3f} {max(samples):7.3f}"


def paired(times: dict[str, list[float]], name: str, floor: str) -> float:
    """The median of the command's time over its floor's, round by round (both ran in
    every round, one soon after the other: a slow spell that hits one mostly hits both)."""
    return statistics.median(a / b for a, b in zip(times[name], times[floor], strict=True))


def floors_of(name: str) -> list[str]:
    """The jobs a command is set beside: its imports, and the command it adds to."""
    return [f"imports of {name}", *([FLOOR_COMMAND[name]] if name in FLOOR_COMMAND else [])]


def beside_floors(
    names: Iterable[str], head: Callable[[str], str]
) -> Iterator[tuple[str, str, str, str]]:
    """A table's rows: (the row's head, the floor's label, command, floor), the
    command's ``head`` on its first row and blanks as wide on the next."""
    for name in names:
        first = head(name)
        for i, floor in enumerate(floors_of(name)):
            label = "its imports" if floor.startswith("imports of") else floor
            yield (first if i == 0 else " " * len(first)), label, name, floor


def report(example: str, times: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
    median = {name: statistics.median(s) for name, s in times.items()}
    print(f"\n## {example}: wall seconds")
    least = {name: min(s) for name, s in times.items()}
    print(
        f"{'command':22} {'median':>7} {'min':>7} {'max':>7}   {'floor':24} {'median':>7}"
        f" {'ratio':>6} {'min/min':>7} {'paired':>7}"
    )
    for head, label, name, floor in beside_floors(
        FLOOR_IMPORTS, lambda name: f"{name:22} {spread(times[name])}"
    ):
        print(
            f"{head}   {label:24} {median[floor]:7.3f} {median[name] / median[floor]:5.2f}×"
            f" {least[name] / least[floor]:6.2f}× {paired(times, name, floor):6.2f}×"
        )
    print(f"\n## {example}: CPU seconds (user + system, helpers included; steadier when busy)")
    cpu_median = {name: statistics.median(s) for name, s in cpu.items()}
    for head, label, name, floor in beside_floors(
        FLOOR_IMPORTS, lambda name: f"{name:22} {cpu_median[name]:7.3f}"
    ):
        print(
            f"{head}   {label:24} {cpu_median[floor]:7.3f}"
            f" {cpu_median[name] / cpu_median[floor]:5.2f}× {paired(cpu, name, floor):6.2f}×"
        )
    print("\nimports timed (fresh python -c), wall median min max:")
    for name, mods in FLOOR_IMPORTS.items():
        model = " + one pydantic model" if "pydantic.main" in mods else ""
        print(f"  {name:22} {spread(times[f'imports of {name}'])}  {', '.join(mods)}{model}")
    sys.stdout.flush()


#: The commands ``--instructions`` counts (each beside its floors): the two the
#: issue's targets name. Under Valgrind a run takes about a minute.
COUNTED = ("plan --no-render", "plan")


def instructions(argv: tuple[str, ...]) -> int:
    """The instructions one fresh ``python`` process executes, all its threads
    together (Valgrind's callgrind runs them one at a time): the same from run
    to run within a tenth of a percent, however busy the machine is."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, *argv],
        capture_output=True, check=False, cwd=ROOT,
    )  # fmt: skip
    found = re.search(rb"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise SystemExit(f"{' '.join(argv)} under valgrind: exit {done.returncode}: {tail}")
    return int(found.group(1))


def count_instructions(examples: list[str]) -> None:
    """Instructions of the counted commands and their floors, run two at a time."""
    from concurrent.futures import ThreadPoolExecutor

    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt install valgrind)")
    print(
        "# instructions executed (Valgrind callgrind, one run each, every thread counted):"
        " a measure of work the machine's load does not move"
    )
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        for example in examples:
            todo = [
                job
                for job in jobs(example, Path(tmp) / example)
                if job.name in COUNTED or job.name.removeprefix("imports of ") in COUNTED
            ]
            with ThreadPoolExecutor(2) as pool:
                counted = pool.map(instructions, (job.argv for job in todo))
                counts = dict(zip((job.name for job in todo), counted, strict=True))
            print(f"\n## {example}")
            for head, label, name, floor in beside_floors(
                COUNTED, lambda name, counts=counts: f"{name:22} {counts[name] / 1e9:6.3f} G"
            ):
                print(
                    f"{head}   {label:24} {counts[floor] / 1e9:6.3f} G"
                    f" {counts[name] / counts[floor]:5.2f}×"
                )
            sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per command")
    parser.add_argument("--examples", nargs="+", default=list(EXAMPLES), choices=EXAMPLES)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count the instructions of plan --no-render and plan and their floors"
        " under Valgrind instead of timing every command",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from importlib.metadata import version

    adopted = adopt_orphans()

    compileall.compile_dir(ROOT / "planner", quiet=1)  # as an install does: see the module
    if args.instructions:
        count_instructions(args.examples)
        return
    print(
        f"# planner commands, fresh processes, {args.runs} runs each; python {sys.version.split()[0]}; "
        f"PDFs by Typst (typst {version('typst')})"
        + ("" if adopted else "; orphaned helper processes are not counted in CPU seconds")
    )
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        for example in args.examples:
            work = Path(tmp) / example
            todo = jobs(example, work)
            times: dict[str, list[float]] = {job.name: [] for job in todo}
            cpu: dict[str, list[float]] = {job.name: [] for job in todo}
            for job in todo:  # once untimed: disk caches, the font files
                run(job.argv)
            for _ in range(args.runs):
                for job in todo:
                    wall, used = run(job.argv)
                    times[job.name].append(wall)
                    cpu[job.name].append(used)
            report(example, times, cpu)


if __name__ == "__main__":
    main()
