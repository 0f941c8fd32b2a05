"""Benchmark: how long the loader takes to report thousands of problems.

    python bench/bad_input.py                 # 1,000 / 3,000 / 10,000 problems
    python bench/bad_input.py --counts 8000

An event.toml (examples/school_day's, copied) gets N extra ``[[budget.lines]]``,
each with an unknown key: N problems, each located at its event.toml line.
Printed: the file size, the problems reported, the seconds ``load_event``
took (wall and CPU, best of ``--runs``) beside the CPU seconds ``tomllib``
alone takes to parse the file (the floor), then the wall seconds of
``planner check`` in a fresh process (start-up and printing included).
Figures, not pass/fail.

To compare with another version, put its ``planner`` package first:
``PYTHONPATH=/path/to/other python bench/bad_input.py`` (the child processes
run outside the worktree, so they import the same one).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_event(folder: Path, count: int) -> Path:
    shutil.copytree(ROOT / "examples" / "school_day", folder)
    extra = "".join(
        f'\n[[budget.lines]]\nitem = "额外项目 {i}"\nunit_price = "1"\ncolour{i} = "red"\n'
        for i in range(count)
    )
    with open(folder / "event.toml", "a", encoding="utf-8") as fh:
        fh.write(extra)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from planner.errors import InvalidInput
    from planner.load import load_event

    print(
        f"{'problems':>9} {'toml KB':>8} {'load s':>8} {'load cpu':>8} {'toml cpu':>8} "
        f"{'check s':>8} {'printed':>8}"
    )
    for count in args.counts:
        with tempfile.TemporaryDirectory() as tmp:
            folder = make_event(Path(tmp) / "event", count)
            size = (folder / "event.toml").stat().st_size / 1024
            best = cpu = parse = float("inf")
            found = 0
            text = (folder / "event.toml").read_text(encoding="utf-8")
            for _ in range(args.runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                try:
                    load_event(folder)
                except InvalidInput as exc:
                    found = len(exc.problems)
                best = min(best, time.perf_counter() - start)
                cpu = min(cpu, time.process_time() - start_cpu)
                start_cpu = time.process_time()
                tomllib.loads(text)  # the floor: parsing the file at all
                parse = min(parse, time.process_time() - start_cpu)
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "planner", "check", str(folder)],
                capture_output=True,
                text=True,
                cwd=tmp,
            )
            wall = time.perf_counter() - start
            printed = len(done.stderr.splitlines())
            as_json = subprocess.run(
                [sys.executable, "-m", "planner", "check", str(folder), "--json"],
                capture_output=True,
                text=True,
                cwd=tmp,
            )
            in_json = len(json.loads(as_json.stdout).get("problems", []))
            print(
                f"{found:>9} {size:>8.0f} {best:>8.3f} {cpu:>8.3f} {parse:>8.3f} {wall:>8.3f} "
                f"{printed:>8}"
                f"   (--json lists {in_json}; exit {done.returncode})"
            )


if __name__ == "__main__":
    main()
