"""Duty reminders: one .ics per carer, only their children by given name, stable and private."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from followup.test_due import SCHOOL, LedgerBuilder, school
from icalendar import Calendar
from sqlalchemy import Engine, create_engine, update

from planner.followup import schema
from planner.followup.remind import write_reminders

AS_OF = date(2026, 11, 20)

#: Written into the ledger, never into any reminder.
GUARDIAN_NAME = "陈监护甲"
GUARDIAN_PHONE = "13912345678"
MEDICAL = "哮喘随身带药"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


def ledger(engine: Engine) -> LedgerBuilder:
    """The school programme, with a guardian and a medical note on every child."""
    built = school(engine)
    with engine.begin() as conn:
        conn.execute(
            update(schema.child).values(
                guardian_name=GUARDIAN_NAME, guardian_phone=GUARDIAN_PHONE, medical_notes=MEDICAL
            )
        )
    return built


def unfolded(path: Path) -> str:
    """The file's text with folded lines joined (RFC 5545 §3.1) and escapes undone."""
    return path.read_bytes().decode().replace("\r\n ", "").replace("\\n", "\n")


def events(path: Path) -> dict[str, Any]:
    cal = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_one_private_file_per_carer_with_an_event_per_duty_period(
    engine: Engine, tmp_path: Path
) -> None:
    ledger(engine)
    paths = write_reminders(engine, SCHOOL, out=tmp_path, as_of=AS_OF, lang="zh")
    assert sorted(p.name for p in paths) == ["T1.ics", "T2.ics", "V1.ics"]
    folder = tmp_path / "reminders"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    cal = Calendar.from_ical((folder / "V1.ics").read_bytes())
    assert str(cal["METHOD"]) == "PUBLISH"
    assert "UID" not in cal
    assert [z["TZID"] for z in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    # V1's monthly contacts from November to July: 9 periods
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert len(summaries) == 9
    assert summaries[0] == "联系 · 2026-11 · 截止 11月30日"
    t2 = Calendar.from_ical((folder / "T2.ics").read_bytes())
    assert "家访 · 2026秋 · 截止 1月20日" in [str(e["SUMMARY"]) for e in t2.walk("VEVENT")]


def test_event_days_alarm_and_stamp(engine: Engine, tmp_path: Path) -> None:
    ledger(engine)
    write_reminders(engine, SCHOOL, out=tmp_path, as_of=AS_OF, lang="zh")
    cal = Calendar.from_ical((tmp_path / "reminders" / "T2.ics").read_bytes())
    visit = next(e for e in cal.walk("VEVENT") if "家访 · 2026秋" in str(e["SUMMARY"]))
    # remind_days 7 before 20 January; all day to the end of the period
    assert visit.decoded("DTSTART") == date(2027, 1, 13)
    assert visit.decoded("DTEND") == date(2027, 1, 21)
    assert str(visit["STATUS"]) == "CONFIRMED"
    (alarm,) = visit.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(hours=9)
    assert visit.decoded("DTSTAMP").isoformat() == "2026-11-19T16:00:00+00:00"
    assert "小明" in str(visit["DESCRIPTION"])


def test_a_carer_file_holds_only_their_children_by_given_name(
    engine: Engine, tmp_path: Path
) -> None:
    ledger(engine)
    write_reminders(engine, SCHOOL, out=tmp_path, as_of=AS_OF, lang="zh")
    folder = tmp_path / "reminders"
    texts = {
        p.stem: Calendar.from_ical(p.read_bytes()).to_ical().decode() for p in folder.iterdir()
    }
    raw = {p.stem: p.read_bytes().decode() for p in folder.iterdir()}
    for carer, text in texts.items():
        for marker in (GUARDIAN_NAME, GUARDIAN_PHONE, MEDICAL, "陈小明", "刘小红", "赵小刚"):
            assert marker not in text and marker not in raw[carer], (carer, marker)
    # T2 holds 小明 from 16 November; T1 keeps 小红; V1 has 小明 and 小刚
    assert "小明" in texts["T2"] and "小红" not in texts["T2"] and "小刚" not in texts["T2"]
    assert "小红" in texts["T1"] and "小明" not in texts["T1"]
    assert "小刚" in texts["V1"] and "小红" not in texts["V1"]


def test_rerun_is_byte_identical_and_uids_stable(engine: Engine, tmp_path: Path) -> None:
    ledger(engine)
    first = [
        p.read_bytes()
        for p in write_reminders(engine, SCHOOL, out=tmp_path / "a", as_of=AS_OF, lang="zh")
    ]
    again = [
        p.read_bytes()
        for p in write_reminders(engine, SCHOOL, out=tmp_path / "b", as_of=AS_OF, lang="zh")
    ]
    assert first == again
    later = write_reminders(
        engine, SCHOOL, out=tmp_path / "c", as_of=AS_OF + timedelta(days=3), lang="en"
    )
    old = events(tmp_path / "a" / "reminders" / "V1.ics")
    new = events(later[-1])
    assert set(new) <= set(old)  # same duty periods keep their UIDs


def test_sequence_rises_and_a_done_period_is_cancelled(engine: Engine, tmp_path: Path) -> None:
    built = ledger(engine)
    before = events(write_reminders(engine, SCHOOL, out=tmp_path / "a", as_of=AS_OF, lang="zh")[-1])
    built.record("V1", "C1", "contact", date(2026, 11, 18))
    built.record("V1", "C3", "contact", date(2026, 11, 19))
    after = events(write_reminders(engine, SCHOOL, out=tmp_path / "b", as_of=AS_OF, lang="zh")[-1])
    assert set(before) == set(after)
    changed = [uid for uid in after if str(after[uid]["SUMMARY"]) != str(before[uid]["SUMMARY"])]
    assert len(changed) == 1
    (uid,) = changed
    assert str(after[uid]["STATUS"]) == "CANCELLED" and not after[uid].walk("VALARM")
    assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
    # a new pair changes who is owed: every event's SEQUENCE rises
    built.child("C5", "周小丽").pair("V1", "C5", date(2026, 11, 1))
    third = events(write_reminders(engine, SCHOOL, out=tmp_path / "c", as_of=AS_OF, lang="zh")[-1])
    assert all(int(third[u]["SEQUENCE"]) > int(after[u]["SEQUENCE"]) for u in third)
    # 小丽 owes November's contact too: the period is open again
    assert str(third[uid]["STATUS"]) == "CONFIRMED"
    assert "小丽" in str(third[uid]["DESCRIPTION"])


@pytest.mark.xfail(
    strict=True,
    reason="known limit (remind.py docstring): SEQUENCE comes from the ledger only, "
    "so an edit made only in programme.toml does not raise it",
)
def test_a_programme_only_change_of_an_events_days_raises_its_sequence(
    engine: Engine, tmp_path: Path
) -> None:
    ledger(engine)
    before = events(write_reminders(engine, SCHOOL, out=tmp_path / "a", as_of=AS_OF, lang="zh")[-1])
    duties = tuple(
        d.model_copy(update={"remind_days": d.remind_days + 3}) if d.id == "contact" else d
        for d in SCHOOL.duties
    )
    edited = SCHOOL.model_copy(update={"duties": duties})
    after = events(write_reminders(engine, edited, out=tmp_path / "b", as_of=AS_OF, lang="zh")[-1])
    moved = [u for u in after if after[u].decoded("DTSTART") != before[u].decoded("DTSTART")]
    assert moved  # the reminder days moved ...
    assert all(int(after[u]["SEQUENCE"]) > int(before[u]["SEQUENCE"]) for u in moved)


def test_a_carer_who_left_gets_no_file(engine: Engine, tmp_path: Path) -> None:
    ledger(engine)
    with engine.begin() as conn:
        conn.execute(
            update(schema.carer).where(schema.carer.c.id == "T1").values(left_on=date(2026, 11, 1))
        )
    paths = write_reminders(engine, SCHOOL, out=tmp_path, as_of=AS_OF, lang="en")
    assert "T1.ics" not in [p.name for p in paths]
    summaries = [
        str(e["SUMMARY"]) for e in Calendar.from_ical(paths[-1].read_bytes()).walk("VEVENT")
    ]
    assert summaries[0] == "contact · 2026-11 · due 30 Nov"


ICALJS = Path(__file__).resolve().parents[1] / "render" / "js"


@pytest.mark.usefixtures("icaljs")  # tests/conftest.py: installs ical.js, or skips without npm
def test_reminders_parse_in_icaljs_with_the_same_uids_and_alarms(
    engine: Engine, tmp_path: Path
) -> None:
    ledger(engine)
    paths = write_reminders(engine, SCHOOL, out=tmp_path, as_of=AS_OF, lang="zh")
    done = subprocess.run(
        [str(shutil.which("node")), str(ICALJS / "parse.mjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    parsed = {Path(k).name: v for k, v in json.loads(done.stdout).items()}
    for path in paths:
        theirs = parsed[path.name]
        assert theirs["method"] == "PUBLISH" and theirs["timezones"] == ["Asia/Shanghai"]
        ours = events(path)
        assert sorted(ours) == sorted(e["uid"] for e in theirs["events"])
        for event in theirs["events"]:
            twin = ours[event["uid"]]
            assert event["summary"] == str(twin["SUMMARY"])
            assert event["start_local"] == twin.decoded("DTSTART").isoformat()
            rings = [] if str(twin["STATUS"]) == "CANCELLED" else [9 * 3600]
            assert [a["trigger_s"] for a in event["alarms"]] == rings


def test_a_reminder_never_starts_before_its_period(engine: Engine, tmp_path: Path) -> None:
    ledger(engine)
    programme = SCHOOL.model_copy(
        update={"duties": tuple(d.model_copy(update={"remind_days": 60}) for d in SCHOOL.duties)}
    )
    paths = write_reminders(engine, programme, out=tmp_path, as_of=AS_OF, lang="zh")
    cal = Calendar.from_ical((tmp_path / "reminders" / "V1.ics").read_bytes())
    november = next(e for e in cal.walk("VEVENT") if "2026-11" in str(e["SUMMARY"]))
    assert november.decoded("DTSTART") == date(2026, 11, 1)
    assert paths
