"""What building the output beside DIR and swapping it in costs: figures, not pass/fail.

    python bench/output_folder.py              # 7 rounds, 2,000 of the organiser's files
    python bench/output_folder.py --rounds 9 --own 10000

Renders the Expo day's plan (no PDFs) into a folder already holding an earlier
run's output and ``--own`` files of the organiser's, two ways, interleaved so a
busy spell on the machine hits both alike:

* ``direct``: ``export(plan, DIR)`` writing into DIR (what the commands did before);
* ``staged``: the same inside ``planner.io.OutputFolder`` (a sibling folder,
  owner-only modes, the organiser's files carried over by hard link, the
  manifest, one atomic exchange).

Printed: the median and spread of each, and staged / direct.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--own", type=int, default=2000, help="organiser's files in DIR")
    args = parser.parse_args()

    from planner.io import OutputFolder
    from planner.load import load_event
    from planner.pipeline import build_plan
    from planner.render import export

    plan = build_plan(load_event(ROOT / "examples" / "expo_day"))
    work = Path(tempfile.mkdtemp(prefix="bench-output-"))
    try:
        folders = {}
        for way in ("direct", "staged"):
            folder = work / way
            own = folder / "photos"
            own.mkdir(parents=True)
            for i in range(args.own):
                (own / f"{i:05d}.txt").write_text(f"photo {i}", encoding="utf-8")
            folders[way] = folder
        times: dict[str, list[float]] = {"direct": [], "staged": []}
        for _ in range(args.rounds):
            for way, folder in folders.items():
                started = time.perf_counter()
                if way == "direct":
                    export(plan, folder, pdf=False, on_note=lambda line: None)
                else:
                    with OutputFolder(folder) as stage:
                        export(plan, stage.folder, pdf=False, on_note=lambda line: None)
                times[way].append(time.perf_counter() - started)
        for way, samples in times.items():
            print(
                f"{way:7s} median {statistics.median(samples) * 1000:8.1f} ms"
                f"  (min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f})"
            )
        ratio = statistics.median(times["staged"]) / statistics.median(times["direct"])
        print(f"staged / direct: {ratio:.2f}  ({args.own} organiser's files in DIR)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
