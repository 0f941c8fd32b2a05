"""Issue 11, items 5 and 6: `--out` deletes only what the tool wrote, never
overwrites an input, and a failed run leaves the old folder exactly as it was."""

from __future__ import annotations

import errno
import json
import subprocess
import sys

import pytest
from hardening.events import EXPO, expo_event, leftovers, planner, snapshot
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import InvalidInput
from planner.io import MANIFEST, OutputFolder, clean_stale


@pytest.fixture
def planned(tmp_path):
    """out/ from `planner plan` on the Expo day, with the organiser's own files in it."""
    out = tmp_path / "out"
    code, _, err = planner("plan", str(EXPO), "--out", str(out))
    assert code == 0, err
    (out / "invites" / "my-own.ics").write_bytes(b"BEGIN:VCALENDAR\r\n")
    (out / "volunteers" / "extra.html").write_text("<p>mine</p>", encoding="utf-8")
    (out / "README.txt").write_text("my notes", encoding="utf-8")
    (out / "photos").mkdir()
    return out


def test_rerun_deletes_only_what_a_run_wrote(planned, tmp_path):
    listed = set(json.loads((planned / MANIFEST).read_text(encoding="utf-8"))["files"])
    assert "invites/V01.ics" in listed and "invites/my-own.ics" not in listed

    # V01 drops out: the re-plan has no sheet for V01, and V01's invite becomes
    # its cancellation (so V01's calendar clears)
    code, _, err = planner(
        "rematch", str(planned / "plan.json"), "--absent", "V01", "--out", str(planned)
    )
    assert code == 0, err

    assert b"METHOD:CANCEL" in (planned / "invites" / "V01.ics").read_bytes()
    assert not (planned / "volunteers" / "V01.html").exists()
    assert (planned / "invites" / "my-own.ics").read_bytes() == b"BEGIN:VCALENDAR\r\n"
    assert (planned / "volunteers" / "extra.html").is_file()
    assert (planned / "README.txt").read_text(encoding="utf-8") == "my notes"
    assert (planned / "photos").is_dir()
    assert leftovers(planned) == []

    # a plan.json-only run drops every rendered file of the earlier run, keeps the user's
    code, _, err = planner("plan", str(EXPO), "--out", str(planned), "--no-render")
    assert code == 0, err
    left = set(snapshot(planned))
    assert left == {
        "plan.json",
        MANIFEST,
        "invites/my-own.ics",
        "volunteers/extra.html",
        "README.txt",
    }


def test_export_into_the_plans_own_folder_keeps_plan_json(planned):
    before = (planned / "plan.json").read_bytes()
    code, _, err = planner("export", str(planned / "plan.json"), "--out", str(planned))
    assert code == 0, err
    assert (planned / "plan.json").read_bytes() == before
    assert "plan.json" in json.loads((planned / MANIFEST).read_text(encoding="utf-8"))["files"]


def test_out_equal_to_the_event_folder_never_overwrites_an_input(tmp_path):
    event = expo_event(tmp_path / "event")
    (event / "volunteers.csv").rename(event / "pairs.csv")  # an input named like an output
    toml = event / "event.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'volunteers = "volunteers.csv"', 'volunteers = "pairs.csv"'
        ),
        encoding="utf-8",
    )
    before = snapshot(event)

    code, out, err = planner("plan", str(event), "--out", str(event), "--json")

    assert code == 3, err
    problems = json.loads(out)["problems"]
    assert [(p["file"], p["column"]) for p in problems] == [(str(event / "pairs.csv"), "--out")]
    assert "input" in problems[0]["message_en"]
    assert snapshot(event) == before
    assert leftovers(event) == []

    # without a clash, the event folder may hold the outputs too: inputs untouched
    ok = expo_event(tmp_path / "ok")
    inputs = snapshot(ok)
    code, _, err = planner("plan", str(ok), "--out", str(ok))
    assert code == 0, err
    after = snapshot(ok)
    assert {k: after[k] for k in inputs} == inputs
    assert "plan.json" in after and "pairs.csv" in after


def test_a_failed_run_leaves_the_old_folder_as_it_was(planned, monkeypatch):
    """The disk fills up half-way through rendering: nothing of the new run stays."""
    import planner.io as io

    before = snapshot(planned)
    real = io.write_bytes
    calls = []

    def full_disk(path, data, **kw):
        calls.append(path)
        if len(calls) > 6:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data, **kw)

    # tables and budget.output bind write_bytes when first imported: patch those
    # bindings too (monkeypatch puts them all back), not io's alone, or a module
    # first imported during this test would keep the full disk for later tests
    import planner.budget.output
    import planner.render.tables

    for module in (io, planner.render.tables, planner.budget.output):
        monkeypatch.setattr(module, "write_bytes", full_disk)
    result = CliRunner().invoke(app, ["plan", str(EXPO), "--out", str(planned)])

    assert result.exit_code == 3  # ordinary trouble, named
    assert "磁盘已满" in result.output or "the disk is full" in result.output
    assert len(calls) > 6
    assert snapshot(planned) == before
    assert leftovers(planned) == []


def test_folders_left_by_killed_runs_are_cleaned(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old", encoding="utf-8")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    dead_pid = int(dead.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f".out.planner-tmp-{dead_pid}-abc").mkdir()
        (tmp_path / f".out.planner-tmp-{dead_pid}-abc" / "plan.json").write_text("{}")
        (tmp_path / f".out.planner-tmp-{live.pid}-def").mkdir()  # a run still going
        clean_stale(out)
        assert leftovers(out) == [f".out.planner-tmp-{live.pid}-def"]

        # killed between the two renames of a swap (systems without an atomic exchange)
        out.rename(tmp_path / f".out.planner-old-{dead_pid}-xyz")
        clean_stale(out)
        assert (out / "a.txt").read_text(encoding="utf-8") == "old"
    finally:
        live.kill()
        live.wait()


def test_out_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "out"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught, OutputFolder(target):
        pass
    assert [(p.file, p.column) for p in caught.value.problems] == [(str(target), "--out")]
    assert target.read_text(encoding="utf-8") == "not a folder"
    assert leftovers(target) == []


def test_rematch_in_place_in_a_folder_without_a_manifest(planned):
    """A folder written before manifests existed: rematch may still replace the
    plan.json it read (that is what it is for), and keeps every other file."""
    (planned / MANIFEST).unlink()
    before = snapshot(planned)
    code, _, err = planner(
        "rematch", str(planned / "plan.json"), "--absent", "V01", "--out", str(planned)
    )
    assert code == 0, err
    after = snapshot(planned)
    assert after["plan.json"] != before["plan.json"]
    # nothing listed as the tool's: the old files stay (a new run cannot tell them
    # from the organiser's), the re-rendered ones are replaced
    assert set(before) <= set(after)
    assert "volunteers/V01.html" in after
    listed = set(json.loads((planned / MANIFEST).read_text(encoding="utf-8"))["files"])
    assert "plan.json" in listed and "volunteers/V01.html" not in listed
    assert b"METHOD:CANCEL" in (planned / "invites" / "V01.ics").read_bytes()
