"""Calendar invites: parse in icalendar, carry the right times, UIDs, alarms and facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from render.plans import TZ, expo_plan

from planner.render import export
from planner.render.invites import (
    EVENING_BEFORE,
    FOLLOWUP_AT,
    FOLLOWUP_MONTHS,
    followup_start,
    item_uid,
    write_invites,
)

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def invites_of(plan, **kw) -> dict[str, Calendar]:
    return {i.filename: Calendar.from_ical(i.data) for i in write_invites(plan, **kw)}


def events(cal: Calendar) -> list:
    return [c for c in cal.walk("VEVENT")]


def by_summary(cal: Calendar, word: str):
    found = [e for e in events(cal) if word in str(e["SUMMARY"])]
    assert len(found) == 1, [str(e["SUMMARY"]) for e in events(cal)]
    return found[0]


def test_one_invite_per_selected_volunteer_and_one_for_the_team() -> None:
    names = sorted(invites_of(expo_plan()))
    assert names == ["V01.ics", "V02.ics", "V03.ics", "V04.ics", "V05.ics", "V06.ics", "team.ics"]


def test_calendar_is_publish_with_no_calendar_uid_and_one_clean_timezone_block() -> None:
    for name, cal in invites_of(expo_plan()).items():
        assert cal["METHOD"] == "PUBLISH", name
        assert "UID" not in cal, name
        zones = list(cal.walk("VTIMEZONE"))
        assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"], name
        blocks = [c for c in zones[0].subcomponents]
        assert len(blocks) == 1 and blocks[0].name == "STANDARD", name
        assert "RDATE" not in blocks[0], name
        assert blocks[0].decoded("TZOFFSETTO") == timedelta(hours=8), name


def test_local_times_are_right_0930_shanghai_is_0130_utc() -> None:
    cal = invites_of(expo_plan())["V01.ics"]
    tour = by_summary(cal, "上午")
    start = tour.decoded("DTSTART")
    assert start.tzinfo is not None and str(tour["DTSTART"].params["TZID"]) == "Asia/Shanghai"
    assert start.astimezone(UTC) == datetime(2026, 12, 12, 1, 30, tzinfo=UTC)
    assert b"DTSTART;TZID=Asia/Shanghai:20261212T093000" in cal.to_ical()


def test_every_event_has_dtstamp_uid_and_sequence() -> None:
    plan = expo_plan()
    plan.revision = 3
    for name, cal in invites_of(plan, now=NOW).items():
        for event in events(cal):
            assert event.decoded("DTSTAMP") == NOW, name
            assert event["UID"], name
            assert event["SEQUENCE"] == 3, name


def test_uids_are_stable_across_exports_and_distinct_within_and_between_people() -> None:
    first = invites_of(expo_plan(), now=NOW)
    later = invites_of(expo_plan(), now=NOW + timedelta(days=2))
    all_uids: list[str] = []
    for name in first:
        uids = [str(e["UID"]) for e in events(first[name])]
        assert uids == [str(e["UID"]) for e in events(later[name])], name
        assert len(uids) == len(set(uids)), name
        all_uids += uids
    assert len(all_uids) == len(set(all_uids))
    assert item_uid("expo-test", "V01", "lunch") in all_uids


def test_without_a_clock_the_output_is_byte_for_byte_repeatable() -> None:
    one = [i.data for i in write_invites(expo_plan())]
    two = [i.data for i in write_invites(expo_plan())]
    assert one == two


def test_dtstamp_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        write_invites(expo_plan(), now=datetime(2026, 12, 1, 8, 0))


def test_alarms_ring_the_evening_before_the_first_item_and_an_hour_before_each() -> None:
    cal = invites_of(expo_plan())["V01.ics"]
    day_events = [e for e in events(cal) if "RRULE" not in e]
    first = min(day_events, key=lambda e: e.decoded("DTSTART"))
    for event in day_events:
        start = event.decoded("DTSTART")
        triggers = sorted(a.decoded("TRIGGER") for a in event.walk("VALARM"))
        assert timedelta(hours=-1) in triggers
        if event is first:
            evening = datetime.combine(start.date() - timedelta(days=1), EVENING_BEFORE, TZ)
            assert triggers[0] == evening - start
            assert len(triggers) == 2
        else:
            assert len(triggers) == 1


def test_the_pair_gets_a_monthly_follow_up_reminder() -> None:
    cal = invites_of(expo_plan())["V01.ics"]
    recurring = [e for e in events(cal) if "RRULE" in e]
    assert len(recurring) == 1
    rule = recurring[0]["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["COUNT"] == [FOLLOWUP_MONTHS]
    start = recurring[0].decoded("DTSTART")
    assert start == datetime(2027, 1, 12, FOLLOWUP_AT.hour, FOLLOWUP_AT.minute, tzinfo=TZ)
    assert "小明" in str(recurring[0]["SUMMARY"]) and "小红" in str(recurring[0]["SUMMARY"])


def test_follow_up_starts_on_a_day_every_month_has() -> None:
    plan = expo_plan()
    plan.event = plan.event.model_copy(update={"date": date(2026, 1, 31)})
    assert followup_start(plan).date() == date(2026, 2, 28)
    plan.event = plan.event.model_copy(update={"date": date(2026, 12, 31)})
    assert followup_start(plan).date() == date(2027, 1, 28)


def test_a_volunteer_without_children_gets_no_follow_up() -> None:
    plan = expo_plan()
    plan.pairs = [p for p in plan.pairs if p.volunteer_id != "V06"]
    cal = invites_of(plan)["V06.ics"]
    assert not [e for e in events(cal) if "RRULE" in e]


def test_organizer_is_the_coordinator_and_the_only_attendee_is_the_owner() -> None:
    cals = invites_of(expo_plan())
    for event in events(cals["V01.ics"]):
        assert str(event["ORGANIZER"]) == "mailto:coordinator@example.org"
        assert [str(a) for a in [event["ATTENDEE"]]] == ["mailto:v01@example.org"]
    for event in events(cals["V03.ics"]):  # V03 gave no email
        assert "ATTENDEE" not in event
    for event in events(cals["team.ics"]):
        assert "ATTENDEE" not in event


def test_description_says_role_group_bus_pickup_meeting_point_coordinator_and_given_names() -> None:
    cal = invites_of(expo_plan())["V01.ics"]
    text = str(by_summary(cal, "上午")["DESCRIPTION"])
    for expected in (
        "跟车志愿者",
        "组长",
        "第一组",
        "一号车",
        "06:30",
        "石井村村委会 07:25",
        "世博园长安塔南门",
    ):
        assert expected in text, expected
    assert "陈建国 029-87650000" in text
    assert "您负责的儿童：小明、小红" in text
    assert "王小明" not in text


def test_a_pair_volunteer_not_riding_learns_when_the_childrens_bus_arrives() -> None:
    cal = invites_of(expo_plan())["V02.ics"]  # V02's children C03 (bus B1) and C04 (bus B2)
    text = str(by_summary(cal, "午餐")["DESCRIPTION"])
    assert "刚：一号车(19 座中巴)，09:00 到达西安世博园" in text
    assert "丽：二号车(19 座中巴)，09:00 到达西安世博园" in text


def test_location_of_a_bus_ride_is_where_the_escorts_bus_leaves() -> None:
    cal = invites_of(expo_plan())["V04.ics"]
    assert str(by_summary(cal, "接孩子")["LOCATION"]).startswith("西安市红十字会")
    assert str(by_summary(cal, "午餐")["LOCATION"]) == "浐灞生态农家菜馆"


def test_english_invites() -> None:
    cal = invites_of(expo_plan(), lang="en")["V01.ics"]
    event = by_summary(cal, "Guided visit")
    assert "Your role: paired volunteer, bus escort, group leader" in str(event["DESCRIPTION"])


def test_team_calendar_holds_the_shared_day_without_children() -> None:
    cal = invites_of(expo_plan())["team.ics"]
    text = cal.to_ical().decode()
    assert len(events(cal)) == 9
    for child_word in ("小明", "王小明", "王奶奶"):
        assert child_word not in text


def test_export_writes_the_invites_folder_and_drops_stale_invites(tmp_path: Path) -> None:
    (tmp_path / "invites").mkdir()
    (tmp_path / "invites" / "V99.ics").write_text("old", encoding="utf-8")
    written = export(expo_plan(), tmp_path, pdf=False)
    ics = sorted(p.name for p in written if p.suffix == ".ics")
    assert ics == ["V01.ics", "V02.ics", "V03.ics", "V04.ics", "V05.ics", "V06.ics", "team.ics"]
    assert not (tmp_path / "invites" / "V99.ics").exists()


def test_team_calendar_names_groups_by_their_names() -> None:
    cal = invites_of(expo_plan())["team.ics"]
    games = [e for e in events(cal) if "游戏" in str(e["SUMMARY"])]
    assert sorted(str(e["DESCRIPTION"]).splitlines()[0] for e in games) == [
        "参加人员：第一组",
        "参加人员：第二组",
    ]


TEXT = st.text(
    alphabet=st.sampled_from(list("午餐集合点名游戏abcXYZ 019,;:\\\"'\n（）·—😀")),
    min_size=1,
    max_size=80,
).filter(lambda s: s.strip())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=TEXT, note=TEXT, minutes=st.integers(min_value=0, max_value=23 * 60))
def test_any_title_and_note_survive_the_round_trip(title: str, note: str, minutes: int) -> None:
    """Commas, semicolons, backslashes, quotes, newlines and wide characters are escaped
    and folded so that the parsed calendar gives back exactly what was written."""
    plan = expo_plan()
    start = datetime.combine(plan.event.date, datetime.min.time(), TZ) + timedelta(minutes=minutes)
    item = plan.timeline[1].model_copy(
        update={"title": title, "note": note, "start": start, "end": start + timedelta(minutes=30)}
    )
    plan.timeline = [item]
    cal = invites_of(plan)["V01.ics"]
    (event,) = [e for e in events(cal) if "RRULE" not in e]
    assert str(event["SUMMARY"]) == f"{plan.event.name}：{title}"
    assert str(event["DESCRIPTION"]).splitlines()[: len(note.splitlines())] == note.splitlines()
    assert event.decoded("DTSTART") == start
    raw = cal.to_ical()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
