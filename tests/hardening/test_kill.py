"""Issue 11, item 6 under fire: `planner plan` (rendering and printing on) killed at
20 moments spread over a measured run, by SIGKILL and by Ctrl-C. After each, the
output folder is byte for byte the complete old output or the complete new one."""

from __future__ import annotations

import os
import shutil
import signal
import time

import pytest
from hardening.events import EXPO, leftovers, planner, planner_process, snapshot

from planner.io import clean_stale

KILLS = 20


@pytest.mark.slow
def test_plan_killed_at_twenty_moments(tmp_path):
    out = tmp_path / "out"
    code, _, err = planner("plan", str(EXPO), "--out", str(out), pdf=True)  # old: Chinese
    assert code == 0, err
    (out / "mine.txt").write_text("the organiser's own file", encoding="utf-8")
    old = snapshot(out)
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine, symlinks=True)

    # the new output (English), measured: the kill moments are fractions of its length
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference, symlinks=True)
    started = time.monotonic()
    code, _, err = planner("plan", str(EXPO), "--out", str(reference), "--lang", "en", pdf=True)
    length = time.monotonic() - started
    assert code == 0, err
    new = snapshot(reference)
    assert new != old and "print/roster.pdf" in new and "mine.txt" in new

    seen = []
    for i in range(KILLS):
        how = signal.SIGKILL if i % 2 == 0 else signal.SIGINT
        at = 0.9 * length * (i + 1) / (KILLS + 1)  # runs vary: most moments inside one
        proc = planner_process("plan", str(EXPO), "--out", str(out), "--lang", "en", pdf=True)
        time.sleep(at)
        if proc.poll() is None:
            os.kill(proc.pid, how)
        _, stderr = proc.communicate(timeout=600)
        now = snapshot(out)
        state = "old" if now == old else "new" if now == new else "mixed"
        seen.append((round(at, 1), how.name, proc.returncode, state))
        assert state != "mixed", seen
        if how == signal.SIGINT:
            # Ctrl-C: exit 130 and the old folder, or it came too late and the run finished
            assert (proc.returncode, state) in ((130, "old"), (0, "new")), (seen, stderr)
            assert leftovers(out) == [], seen
        else:
            clean_stale(out)  # what the next run does first
            assert leftovers(out) == [], seen
        if state == "new":
            shutil.rmtree(out)
            shutil.copytree(pristine, out, symlinks=True)
    print("\nkills (seconds, signal, exit, folder):", seen)
    # the moments cover the run: some kills found the old folder, and the later ones
    # came while it was being written or after it was swapped in
    assert any(state == "old" for *_, state in seen)
