"""Each person's own day, from the plan alone."""

from __future__ import annotations

from itinerary.build import hm, planned, school, trip

from planner.itinerary.schedule import schedule_for
from planner.model import Plan


def test_a_child_is_picked_up_at_their_own_stop_and_handed_home_there():
    plan = planned(trip())
    mine = schedule_for(plan, "C4")
    assert [t.id for t in mine] == ["pickup", "welcome", "visit", "lunch", "return"]
    bus = next(b for b in plan.buses if "C4" in b.legs[0].child_ids)
    out, back = bus.legs
    stop_out = next(s for s in out.stops if "C4" in s.child_ids)
    stop_back = next(s for s in back.stops if "C4" in s.child_ids)
    assert (mine[0].start, mine[0].place) == (stop_out.time, "west")
    assert (mine[-1].end, mine[-1].place) == (stop_back.time, "west")


def test_an_escort_rides_their_own_bus():
    plan = planned(trip())
    bus = next(b for b in plan.buses if "V4" in b.legs[0].volunteer_ids)
    mine = schedule_for(plan, "V4")
    assert (mine[0].start, mine[0].end) == (bus.legs[0].depart, bus.legs[0].arrive)
    assert bus.id in mine[0].note


def test_a_volunteer_sees_only_their_group_game():
    plan = planned(school())
    group = next(g for g in plan.groups if "V3" in g.volunteer_ids)
    ids = [t.id for t in schedule_for(plan, "V3")]
    assert ids == ["ceremony", f"games-{group.id}", "exchange", "gather"]


def test_staff_by_name_or_id():
    plan = planned(school())
    by_id = [t.id for t in schedule_for(plan, "staff:孙老师")]
    assert by_id == [t.id for t in schedule_for(plan, "孙老师")]
    assert by_id == ["ceremony", "exhibition", "counselling", "gather"]


def test_schedule_survives_plan_json():
    plan = planned(trip())
    again = Plan.model_validate_json(plan.to_json())
    assert [(t.id, hm(t.start)) for t in schedule_for(again, "C1")] == [
        (t.id, hm(t.start)) for t in schedule_for(plan, "C1")
    ]


def test_nobody_unknown_has_no_day():
    assert schedule_for(planned(trip()), "V99") == []
