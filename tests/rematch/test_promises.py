"""Re-planning on the day keeps what was promised: one test per promise, each
on the files rematch writes (plan.json, changes.csv, the invites)."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta

from rematch.helpers import example_plan, invites, raw_differences, vevents

from planner.check import check_plan
from planner.commands.rematch import rematch_command
from planner.diff import diff_plans, earlier_guardian_times
from planner.io import read_plan, write_plan
from planner.itinerary.previous import Promised, keep_promised_times
from planner.model import BusPlan, Leg, Stop
from planner.render.invites import item_uid


def run_rematch(plan, absent, folder, lang="zh"):
    """`planner rematch` as the command runs it; the new plan, the printed lines, the CSV rows."""
    source = write_plan(plan, folder / "before")
    lines: list[str] = []
    assert rematch_command(source, absent, folder / "after", lang=lang, echo=lines.append) == 0
    new = read_plan(folder / "after" / "plan.json")
    with open(folder / "after" / "changes.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return new, lines, rows


def moved(before, after, fact):
    return sorted(who for who, f in raw_differences(before, after) if f == fact)


def test_expo_absent_v01_c13_moves_only_the_children_of_v01_and_the_absent(tmp_path):
    plan = example_plan("expo_day")
    new, _, _ = run_rematch(plan, "V01,C13", tmp_path)
    assert check_plan(new.event_model(), new) == []
    gone_or_new = {"V01", "C13"} | (set(new.volunteers_selected) - set(plan.volunteers_selected))
    v01_children = next(p.child_ids for p in plan.pairs if p.volunteer_id == "V01")
    # groups: only the absent, the reserve, and a child of V01 who joined another pair's group
    assert set(moved(plan, new, "group")) <= gone_or_new | set(v01_children)
    # buses: nobody present in both plans changes bus; no escort is replaced
    for fact in ("bus_out", "bus_back"):
        assert set(moved(plan, new, fact)) <= gone_or_new
    escorts = lambda p: {v for b in p.buses for leg in b.legs for v in leg.volunteer_ids}  # noqa: E731
    assert escorts(new) == escorts(plan) - {"V01"}
    assert earlier_guardian_times(diff_plans(plan, new)) == []


def test_a_second_rematch_keeps_groups_and_every_time_guardians_were_given(tmp_path):
    first, _, _ = run_rematch(example_plan("expo_day"), "V01,C13", tmp_path / "one")
    second, lines, _ = run_rematch(first, "C20", tmp_path / "two")
    assert check_plan(second.event_model(), second) == []
    assert moved(first, second, "group") == ["C20"]
    assert set(moved(first, second, "bus_out")) == {"C20"}
    for fact in ("pickup", "dropoff"):
        assert moved(first, second, fact) == ["C20"]  # the village's drop-off stays as told
    assert any("没有其他变化" in line for line in lines)


def test_every_change_is_printed_and_in_changes_csv_with_a_reason(tmp_path):
    plan = example_plan("expo_day")
    new, lines, rows = run_rematch(plan, "V01,C13", tmp_path)
    differences = diff_plans(plan, new)
    assert [(r["who"], r["field"], r["before"], r["after"]) for r in rows] == [
        (d.who, d.field, d.before, d.after) for d in differences
    ]
    assert all(r["reason"] for r in rows)
    assert {(r["who"], r["field"]) for r in rows} >= raw_differences(plan, new)
    text = "\n".join(lines)
    for who in {d.who for d in differences} - {"plan"}:
        assert f"  {who}:" in text
    people = {p for p in [*plan.volunteers_selected, *new.volunteers_selected]}
    people |= {c for pl in (plan, new) for p in pl.pairs for c in p.child_ids}
    unchanged = len(people - {d.who for d in differences})
    assert f"其余 {unchanged} 人已与原计划逐项核对:没有其他变化" in text


def test_seats_are_kept_for_who_stays_on_their_bus_and_every_seat_change_is_listed(tmp_path):
    plan = example_plan("expo_day")
    new, lines, rows = run_rematch(plan, "V01,C13", tmp_path)
    written = json.loads((tmp_path / "after" / "plan.json").read_text(encoding="utf-8"))
    seat_of = {bus["id"]: bus["seat_of"] for bus in written["buses"]}
    kept = 0
    for bus in plan.buses:
        for pid, seat in bus.seat_of.items():
            if pid in seat_of[bus.id]:
                assert seat_of[bus.id][pid] == seat, (bus.id, pid)
                kept += 1
    assert kept > 20
    for bus in new.buses:  # one person a seat, no seat twice, the bus's riders all seated
        assert len(set(bus.seat_of.values())) == len(bus.seat_of)
        riders = {p for leg in bus.legs for p in [*leg.volunteer_ids, *leg.child_ids]}
        assert set(bus.seat_of) == riders
    seat_rows = {r["who"]: (r["before"], r["after"]) for r in rows if r["field"] == "seat"}
    changed = {pid for pid, f in raw_differences(plan, new) if f == "seat"}
    assert "C13" in changed and set(seat_rows) == changed
    assert seat_rows["C13"][1] == ""
    assert any("  C13:" in line for line in lines) and any("座位" in line for line in lines)


def test_a_renumbered_seat_is_a_change():
    plan = example_plan("expo_day")
    bus = plan.buses[0]
    first, second = list(bus.seat_of)[:2]
    swapped = {**bus.seat_of, first: bus.seat_of[second], second: bus.seat_of[first]}
    moved_bus = bus.model_copy(update={"seat_of": swapped})
    new = plan.model_copy(update={"buses": [moved_bus, *plan.buses[1:]]})
    seats = {(d.who, d.after) for d in diff_plans(plan, new) if d.field == "seat"}
    assert seats == {
        (first, f"{bus.id} #{swapped[first]}"),
        (second, f"{bus.id} #{swapped[second]}"),
    }


def test_the_dropped_volunteer_gets_a_cancellation_of_every_event_they_had(tmp_path):
    plan = example_plan("expo_day")
    new, _, _ = run_rematch(plan, "V01,C13", tmp_path)
    old = {str(e["UID"]): int(e["SEQUENCE"]) for e in vevents(invites(plan)["V01.ics"])}
    data = invites(new)["V01.ics"]
    assert b"METHOD:CANCEL" in data
    cancelled = vevents(data)
    assert {str(e["UID"]) for e in cancelled} == set(old)
    for e in cancelled:
        assert str(e["STATUS"]) == "CANCELLED"
        assert int(e["SEQUENCE"]) > old[str(e["UID"])]
    # and a second re-plan keeps the cancellation (V01 is still out)
    again, _, _ = run_rematch(new, "C20", tmp_path / "again")
    assert invites(again)["V01.ics"] == data


def test_changed_people_get_an_update_and_everyone_else_the_same_bytes(tmp_path):
    plan = example_plan("expo_day")
    new, _, _ = run_rematch(plan, "V01,C13", tmp_path)
    before, after = invites(plan), invites(new)
    changed = {d.who for d in diff_plans(plan, new)}
    assert "V03" in changed  # C13 was V03's child, C07 joins
    for name, data in after.items():
        person = name.removesuffix(".ics")
        if person == "V01" or name not in before:
            continue
        if person in changed:
            old = {str(e["UID"]): int(e["SEQUENCE"]) for e in vevents(before[name])}
            for e in vevents(data):
                assert str(e["UID"]) in old, name  # same events, updated
                assert int(e["SEQUENCE"]) > old[str(e["UID"])], name
        elif person != "team":
            assert data == before[name], name


def test_team_ics_carries_every_bus_and_invites_name_the_bus_in_the_readers_language():
    plan = example_plan("expo_day")
    team = invites(plan)["team.ics"].decode()
    unfolded = team.replace("\r\n ", "")
    for bus in plan.buses:
        assert f"{bus.name}" in unfolded
    english = invites(plan, lang="en")
    escort = next(v for b in plan.buses for leg in b.legs for v in leg.volunteer_ids)
    text = english[f"{escort}.ics"].decode().replace("\r\n ", "")
    assert "Escort on Bus B" in text
    assert "一号车" not in text and "二号车" not in text
    chinese = invites(plan)[f"{escort}.ics"].decode().replace("\r\n ", "")
    assert "跟车：" in chinese


def _leg(direction, times, promised_stop=None):
    day = datetime.fromisoformat("2026-12-12T00:00:00+08:00")
    stops = [
        Stop(point=f"p{i}", time=day + timedelta(minutes=m), child_ids=[f"C{i}"])
        for i, m in enumerate(times)
    ]
    return Leg(
        from_="depot",
        to="venue",
        depart=day + timedelta(minutes=times[0] - 30),
        arrive=day + timedelta(minutes=times[-1] + 30),
        stops=stops,
        direction=direction,
    )


def _promise(direction, child, minute):
    day = datetime.fromisoformat("2026-12-12T00:00:00+08:00")
    point = f"p{child[1:]}"
    return Promised(stop_of={(child, direction): (point, day + timedelta(minutes=minute))})


def test_a_drop_off_never_moves_earlier_the_bus_waits():
    bus = BusPlan(id="B1", seats=19, legs=[_leg("back", [960, 980])])
    kept, notices = keep_promised_times([bus], _promise("back", "C0", 999), tz())
    stops = kept[0].legs[0].stops
    assert [s.time.hour * 60 + s.time.minute for s in stops] == [999, 1019]
    assert notices == []


def test_a_pickup_kept_when_the_road_allows_and_named_with_its_reason_when_not():
    bus = BusPlan(id="B1", seats=19, legs=[_leg("out", [480, 500])])
    kept, notices = keep_promised_times([bus], _promise("out", "C0", 470), tz())
    assert kept[0].legs[0].stops[0].time.minute == 50  # 07:50 as promised, the bus waits
    assert notices == []
    late, notices = keep_promised_times([bus], _promise("out", "C0", 490), tz())
    assert late[0].legs[0].stops[0].time.hour * 60 + late[0].legs[0].stops[0].time.minute == 480
    (notice,) = notices
    assert notice.code == "pickup_earlier" and "08:10" in notice.zh and "08:00" in notice.zh


def tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_uids_stay_those_of_the_event_person_and_item():
    plan = example_plan("school_day")
    vid = plan.volunteers_selected[0]
    uids = {str(e["UID"]) for e in vevents(invites(plan)[f"{vid}.ics"])}
    assert item_uid(plan.event.id, vid, "followup") in uids or plan.pairs == []


def test_the_cancellation_parses_in_icaljs_as_a_cancel_of_the_same_uids(icaljs, tmp_path):
    from render.test_icaljs import parse_with_icaljs

    plan = example_plan("expo_day")
    new, _, _ = run_rematch(plan, "V01", tmp_path)
    path = tmp_path / "V01.ics"
    path.write_bytes(invites(new)["V01.ics"])
    parsed = parse_with_icaljs(icaljs, [path])["V01.ics"]
    assert parsed["method"] == "CANCEL"
    old = {str(e["UID"]) for e in vevents(invites(plan)["V01.ics"])}
    assert sorted(e["uid"] for e in parsed["events"]) == sorted(old)
    assert {e["sequence"] for e in parsed["events"]} == {new.revision}
