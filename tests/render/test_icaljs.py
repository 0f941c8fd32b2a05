"""A second, independent parser: Mozilla's ical.js (npm) under Node reads every invite
and agrees with icalendar on each event's UID, text, UTC times, alarms and recurrences.

The session fixture ``icaljs`` (tests/conftest.py) installs ical.js from
tests/render/js/package-lock.json (``npm ci``) when it is missing; the test is
skipped only when Node or npm is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from render.plans import expo_plan

from planner.render import export

NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (needed for ical.js)")


def parse_with_icaljs(folder: Path, files: list[Path]) -> dict[str, dict]:
    done = subprocess.run(
        [NODE, str(folder / "parse.mjs"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {Path(k).name: v for k, v in json.loads(done.stdout).items()}


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_invite_parses_in_icaljs_and_agrees_with_icalendar(
    icaljs: Path, tmp_path: Path, lang: str
) -> None:
    export(expo_plan(), tmp_path, lang=lang, pdf=False)
    files = sorted((tmp_path / "invites").glob("*.ics"))
    assert len(files) == 7
    parsed = parse_with_icaljs(icaljs, files)
    for path in files:
        ours = Calendar.from_ical(path.read_bytes())
        theirs = parsed[path.name]
        assert theirs["method"] == "PUBLISH"
        assert theirs["uid"] is None
        assert theirs["timezones"] == ["Asia/Shanghai"]
        mine = {str(e["UID"]): e for e in ours.walk("VEVENT")}
        assert sorted(mine) == sorted(e["uid"] for e in theirs["events"])
        for event in theirs["events"]:
            twin = mine[event["uid"]]
            assert event["summary"] == str(twin["SUMMARY"])
            assert event["description"] == str(twin["DESCRIPTION"])
            assert event["tzid"] == "Asia/Shanghai"
            assert event["start_utc"] == utc_text(twin.decoded("DTSTART"))
            assert event["end_utc"] == utc_text(twin.decoded("DTEND"))
            assert event["sequence"] == 0
            triggers = sorted(
                int(a.decoded("TRIGGER").total_seconds()) for a in twin.walk("VALARM")
            )
            assert sorted(a["trigger_s"] for a in event["alarms"]) == triggers


def test_icaljs_reads_0930_local_as_0130_utc_and_twelve_monthly_reminders(
    icaljs: Path, tmp_path: Path
) -> None:
    export(expo_plan(), tmp_path, pdf=False)
    parsed = parse_with_icaljs(icaljs, [tmp_path / "invites" / "V01.ics"])["V01.ics"]
    tour = next(e for e in parsed["events"] if "上午" in e["summary"])
    assert tour["start_local"] == "2026-12-12T09:30:00"
    assert tour["start_utc"] == "2026-12-12T01:30:00Z"
    followup = next(e for e in parsed["events"] if e["rrule"])
    assert followup["rrule"].startswith("FREQ=MONTHLY")
    assert followup["occurrences"][:3] == [
        "2027-01-12T11:00:00Z",
        "2027-02-12T11:00:00Z",
        "2027-03-12T11:00:00Z",
    ]
    assert len(followup["occurrences"]) == 12
