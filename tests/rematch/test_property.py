"""Random absences on both day examples and on random day trips: the re-plan
passes the plan checker, no time guardians were given moves earlier (unless
the road forces it, and then a notice says so), every difference between the
two plans is in the change list, and everyone it leaves out keeps the same
invite, byte for byte."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itinerary.test_random_events import day_trips
from rematch.helpers import example_plan, invites, raw_differences

from planner.check import check_plan
from planner.diff import diff_plans, earlier_guardian_times, team_changed
from planner.errors import Infeasible
from planner.model import Event, Plan, Scores
from planner.pipeline import build_plan
from planner.rematch import rematch

SETTINGS = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def people_of(plan: Plan) -> list[str]:
    return sorted(plan.volunteers_selected) + sorted({c for p in plan.pairs for c in p.child_ids})


def holds_its_promises(plan: Plan, absent: list[str]) -> None:
    """The properties of one re-plan (an impossible one must say why in numbers)."""
    try:
        new, _ = rematch(plan, absent)
    except Infeasible as err:
        assert any(ch.isdigit() for ch in str(err)), str(err)
        return
    assert check_plan(new.event_model(), new) == []
    differences = diff_plans(plan, new)
    forced = [n for n in new.notices if n.code == "pickup_earlier"]
    for d in earlier_guardian_times(differences):
        stop = next(
            s.point
            for b in new.buses
            for leg in b.legs
            for s in leg.stops
            if d.who in s.child_ids and (leg.direction == "out") == (d.field == "pickup")
        )
        assert d.field == "pickup" and any(f" {stop} " in n.zh for n in forced), d
    listed = {(d.who, d.field) for d in differences}
    assert raw_differences(plan, new) <= listed
    seats_before = {b.id: b.seat_of for b in plan.buses}
    for bus in new.buses:  # every rider seated once; who stays on the bus keeps their seat
        riders = {p for leg in bus.legs for p in [*leg.volunteer_ids, *leg.child_ids]}
        assert set(bus.seat_of) == riders and len(set(bus.seat_of.values())) == len(riders)
        old = seats_before.get(bus.id, {})
        assert all(bus.seat_of[p] == old[p] for p in riders & set(old)), bus.id
    changed = {d.who for d in differences}
    if team_changed(differences):
        changed.add("team")
    before, after = invites(plan), invites(new)
    for name, data in after.items():
        person = name.removesuffix(".ics")
        if person not in changed and name in before:
            assert data == before[name], name


@pytest.mark.parametrize("example", ["expo_day", "school_day"])
@settings(max_examples=5, **SETTINGS)
@given(st.data())
def test_random_absences_on_the_examples(example, data):
    plan = example_plan(example)
    absent = data.draw(st.lists(st.sampled_from(people_of(plan)), min_size=1, max_size=3))
    holds_its_promises(plan, absent)


def screened(event: Event) -> Event:
    """A random day trip whose applicants all pass screening, pairs of up to two
    children, and no brothers and sisters (so that most draws can be planned)."""
    scores = Scores(responsibility=7, patience=7, caring=7, interview=7)
    volunteers = tuple(
        v.model_copy(update={"background_check_date": date(2026, 6, 1), "scores": scores})
        for v in event.volunteers
    )
    children = tuple(c.model_copy(update={"sibling_group": None}) for c in event.children)
    matching = event.matching.model_copy(update={"max_children": 2})
    return event.model_copy(
        update={"volunteers": volunteers, "children": children, "matching": matching}
    )


@settings(max_examples=20, **SETTINGS)
@given(day_trips(), st.data())
def test_random_absences_on_random_day_trips(case, data):
    try:
        plan = build_plan(screened(case[0]))
    except Infeasible:
        return  # the itinerary's own tests hold an impossible trip to its reasons
    absent = data.draw(st.lists(st.sampled_from(people_of(plan)), min_size=1, max_size=3))
    holds_its_promises(plan, absent)
