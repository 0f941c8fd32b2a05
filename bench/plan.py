"""Benchmark of the whole plan at programme scale: figures, not pass/fail.

    python bench/plan.py                      # the five sizes
    python bench/plan.py --only pairing-400x300 trip-150-on-4

Each size is a generated event folder (``tests/scale/events.py``: villages
and volunteer districts as points, the generator the scale tests use),
written to a temporary directory and planned by ``planner plan --no-render
--progress`` in a fresh process. Printed per size: the exit code, the wall
time end to end, each stage's time (from the ``--progress`` lines), the
peak memory of that process (its own max RSS, from ``wait4``), and whether screening
and matching proved their answer optimal (a stage that did not leaves a
``not_proved_optimal`` notice in plan.json; ``<=G`` when the notice states the
plan's score is at most G points below the best possible).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "scale"))

from events import SIZES, Size, write_event  # noqa: E402

STAGE_NAMES = ("screening", "matching", "itinerary", "budget")
DONE = re.compile(r"^\[planner\] stage (\w+) (?:done in|stopped after) ([0-9.]+) s")


def run_one(size: Size, root: Path, timeout: float) -> dict[str, object]:
    """Plan one generated event in a fresh process; its figures."""
    folder = write_event(root / size.name, size)
    out = root / f"{size.name}-out"
    planner = Path(sys.executable).with_name("planner")
    command = [str(planner), "plan", str(folder), "--out", str(out), "--no-render", "--progress"]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, text=True)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak memory
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        code = proc.returncode if proc.returncode >= 0 else -1
        err.seek(0)
        stderr = err.read()
    wall = time.perf_counter() - started
    peak = usage.ru_maxrss
    stages: dict[str, float] = {}
    for line in stderr.splitlines():
        if m := DONE.match(line):
            stages[m.group(1)] = float(m.group(2))
    optimal = {"screening": "-", "matching": "-"}
    plan_file = out / "plan.json"
    if code == 0 and plan_file.exists():
        notices = json.loads(plan_file.read_text(encoding="utf-8")).get("notices", [])
        late = {n["stage"]: n for n in notices if n.get("code") == "not_proved_optimal"}
        optimal = {s: ("yes" if s not in late else _gap(late[s])) for s in optimal}
    return {
        "size": size,
        "code": code,
        "wall": wall,
        "stages": stages,
        "peak_mb": peak / 1024,
        "optimal": optimal,
        "tail": [ln for ln in stderr.splitlines() if not ln.startswith("[planner]")][-3:],
    }


GAP = re.compile(r"at most ([0-9.]+) below")


def _gap(notice: dict[str, str]) -> str:
    """``no``, or the gap the notice states ("<=33.10": at most that many points below the best)."""
    m = GAP.search(notice.get("en", ""))
    return f"<={m.group(1)}" if m else "no"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="size names to run")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    sizes = [s for s in SIZES if not args.only or s.name in args.only]
    header = (
        f"{'event':<20} {'appl':>5} {'sel':>5} {'kids':>5} {'bus':>3} {'exit':>4} "
        f"{'total s':>8} "
        + " ".join(f"{n[:9]:>9}" for n in STAGE_NAMES)
        + f" {'peak MB':>8} {'scr opt':>7} {'match opt':>9}"
    )
    print(header)
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        for size in sizes:
            r = run_one(size, Path(tmp), args.timeout)
            stages = r["stages"]
            assert isinstance(stages, dict)
            cells = " ".join(
                f"{stages[n]:>9.2f}" if n in stages else f"{'-':>9}" for n in STAGE_NAMES
            )
            opt = r["optimal"]
            assert isinstance(opt, dict)
            print(
                f"{size.name:<20} {size.applicants:>5} {size.select:>5} {size.children:>5} "
                f"{size.buses:>3} {r['code']:>4} {r['wall']:>8.2f} {cells} "
                f"{r['peak_mb']:>8.0f} {opt['screening']:>7} {opt['matching']:>9}",
                flush=True,
            )
            if r["code"] != 0:
                for line in r["tail"]:  # type: ignore[attr-defined]
                    print(f"    {line}")
    print(f"(cpus: {os.cpu_count()}; each size one fresh process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
