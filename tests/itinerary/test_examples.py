"""Both example events planned end to end: the Expo day trip's whole day and
the school day's, checked against every itinerary rule."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import pytest
from itinerary.build import hm, violations
from support import EXAMPLES

from planner.itinerary import run
from planner.load import load_event
from planner.model import Event, Pair, Plan
from planner.pipeline import build_plan, empty_plan


def simple_pairs(event: Event) -> Plan:
    """Pairs made plainly (screened volunteers in id order, children in id order),
    so these tests do not depend on the matching stage's choices."""
    screened = [
        v
        for v in sorted(event.volunteers, key=lambda v: v.id)
        if v.training_done
        and v.background_check_done
        and v.available
        and v.age >= event.screening.min_age
    ][: event.screening.select]
    kids = [c.id for c in sorted(event.attending_children, key=lambda c: c.id)]
    per = event.matching.max_children
    pairs = [
        Pair(volunteer_id=v.id, child_ids=kids[i * per : (i + 1) * per])
        for i, v in enumerate(screened)
        if kids[i * per : (i + 1) * per]
    ]
    return empty_plan(event).model_copy(
        update={"volunteers_selected": [v.id for v in screened], "pairs": pairs}
    )


@cache
def expo() -> tuple[Event, Plan]:
    event = load_event(EXAMPLES / "expo_day")
    return event, run(event, simple_pairs(event))


@cache
def school() -> tuple[Event, Plan]:
    event = load_event(EXAMPLES / "school_day")
    return event, run(event, simple_pairs(event))


def test_expo_whole_day_in_order():
    _, plan = expo()
    ids = [t.id for t in plan.timeline]
    assert ids == ["pickup", "welcome", "tour_am", "lunch", "tour_pm", "photo", "return"]
    t = {i.id: i for i in plan.timeline}
    assert hm(t["pickup"].start) >= "06:30" and hm(t["return"].end) <= "19:00"
    assert hm(t["lunch"].start) >= "11:45" and hm(t["lunch"].end) <= "13:30"
    assert t["welcome"].start >= t["pickup"].end
    assert t["return"].start >= t["photo"].end


def test_expo_convoy_brings_30_children_from_3_villages_with_5_escorts():
    _event, plan = expo()
    assert [b.id for b in plan.buses] == ["B1", "B2"]
    for direction in ("out", "back"):
        legs = [leg for b in plan.buses for leg in b.legs if leg.direction == direction]
        assert sum(len(leg.child_ids) for leg in legs) == 30
        assert sum(len(leg.volunteer_ids) for leg in legs) == 5
        assert all(len(leg.child_ids) + len(leg.volunteer_ids) <= 18 for leg in legs)
        points = {s.point for leg in legs for s in leg.stops}
        assert points == {"shijing", "liushuwan", "wangjiazhuang"}
    pickup = next(t for t in plan.timeline if t.id == "pickup")
    for bus in plan.buses:
        out = bus.legs[0]
        assert out.arrive == pickup.end
        assert out.stops[0].time > out.depart
        assert all(a.time < b.time for a, b in zip(out.stops, out.stops[1:], strict=False))


def test_expo_meal_and_tickets():
    _, plan = expo()
    (meal,) = plan.meals
    assert meal.headcount == 30 + 15 + 3  # children, volunteers, staff who eat
    assert meal.dietary["halal"] == 2 and meal.dietary["allergy:花生"] == 1
    assert plan.tickets["child"] == 30 and plan.tickets["volunteer"] == 15
    assert plan.tickets["total"] == 45


def test_expo_passes_every_itinerary_rule():
    event, plan = expo()
    assert violations(event, plan) == []


def test_school_day_two_groups_of_15_pairs():
    _, plan = school()
    assert [(g.id, len(g.volunteer_ids), len(g.child_ids)) for g in plan.groups] == [
        ("G1", 15, 15),
        ("G2", 15, 15),
    ]


def test_school_day_in_order_games_beside_the_exhibition():
    _, plan = school()
    t = {i.id: i for i in plan.timeline}
    assert (hm(t["ceremony"].start), hm(t["ceremony"].end)) == ("09:00", "09:45")
    assert t["games-G1"].start == t["games-G2"].start == t["exhibition"].start
    assert t["games-G1"].start >= t["ceremony"].end
    assert (t["games-G1"].place, t["games-G2"].place) == ("playground_a", "playground_b")
    assert t["counselling"].start >= t["games-G1"].end
    assert t["exchange"].end - t["exchange"].start == timedelta(minutes=20)
    assert t["exchange"].start >= t["counselling"].end
    assert t["gather"].start >= t["exchange"].end
    assert plan.buses == [] and plan.tickets == {}


def test_school_day_passes_every_itinerary_rule():
    event, plan = school()
    assert violations(event, plan) == []


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["expo_day", "school_day"])
def test_whole_pipeline_gives_an_itinerary_that_passes_every_rule(folder):
    """Screening and matching choose the people; the itinerary still holds."""
    event = load_event(EXAMPLES / folder)
    plan = build_plan(event, until="itinerary")
    assert plan.timeline and plan.groups
    assert violations(event, plan) == []
