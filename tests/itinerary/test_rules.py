"""Two tests per hard rule of the itinerary checker: it holds on a solved
plan, and it is broken by one named change to that plan (or its event)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import cache

import pytest
from itinerary.build import planned, school, trip, violations

import planner.check.itinerary as checker
from planner.check.core import RULES
from planner.model import Bus, Event, ItinerarySettings, MealSettings, Plan

MIN = timedelta(minutes=1)


@cache
def trip_case() -> tuple[Event, Plan]:
    event = trip()
    return event, planned(event)


@cache
def school_case() -> tuple[Event, Plan]:
    event = school()
    return event, planned(event)


# ----------------------------------------------------------- plan surgery


def with_item(plan: Plan, item_id: str, shift: int = 0, **update) -> Plan:
    timeline = []
    for t in plan.timeline:
        if t.id == item_id:
            t = t.model_copy(
                update={"start": t.start + shift * MIN, "end": t.end + shift * MIN, **update}
            )
        timeline.append(t)
    return plan.model_copy(update={"timeline": timeline})


def with_group(plan: Plan, group_id: str, **update) -> Plan:
    groups = [g.model_copy(update=update) if g.id == group_id else g for g in plan.groups]
    return plan.model_copy(update={"groups": groups})


def group(plan: Plan, group_id: str):
    return next(g for g in plan.groups if g.id == group_id)


def with_leg(plan: Plan, bus_id: str, direction: str, change: Callable) -> Plan:
    buses = []
    for bus in plan.buses:
        if bus.id == bus_id:
            legs = [change(leg) if leg.direction == direction else leg for leg in bus.legs]
            bus = bus.model_copy(update={"legs": legs})
        buses.append(bus)
    return plan.model_copy(update={"buses": buses})


def bus_of(plan: Plan, child_id: str) -> str:
    return next(b.id for b in plan.buses for leg in b.legs if child_id in leg.child_ids)


def leg(plan: Plan, bus_id: str, direction: str):
    bus = next(b for b in plan.buses if b.id == bus_id)
    return next(x for x in bus.legs if x.direction == direction)


def moved_child(plan: Plan, child_id: str) -> Plan:
    """``child_id`` taken off their bus's outward leg and put on the other bus."""
    here = bus_of(plan, child_id)
    there = next(b.id for b in plan.buses if b.id != here)
    plan = with_leg(
        plan,
        here,
        "out",
        lambda x: x.model_copy(update={"child_ids": [c for c in x.child_ids if c != child_id]}),
    )
    return with_leg(
        plan,
        there,
        "out",
        lambda x: x.model_copy(update={"child_ids": sorted([*x.child_ids, child_id])}),
    )


# ------------------------------------------------------------- the breaks


def split_a_pair():
    event, plan = school_case()
    g1, g2 = plan.groups
    child = g1.child_ids[0]
    plan = with_group(plan, g1.id, child_ids=g1.child_ids[1:])
    return event, with_group(plan, g2.id, child_ids=[*g2.child_ids, child])


def uneven_groups():
    event, plan = school_case()
    g1, g2 = plan.groups
    vid = g2.volunteer_ids[0]
    kids = next(p.child_ids for p in plan.pairs if p.volunteer_id == vid)
    plan = with_group(
        plan,
        g2.id,
        volunteer_ids=g2.volunteer_ids[1:],
        child_ids=[c for c in g2.child_ids if c not in kids],
    )
    return event, with_group(
        plan, g1.id, volunteer_ids=[*g1.volunteer_ids, vid], child_ids=[*g1.child_ids, *kids]
    )


def group_without_games_leader():
    """V1 and V2 lead games, one in each group; V2 taken out of theirs."""
    event, plan = school_case()
    home = next(g for g in plan.groups if "V2" in g.volunteer_ids)
    return event, with_group(
        plan, home.id, volunteer_ids=[v for v in home.volunteer_ids if v != "V2"]
    )


def both_first_aiders_in_one_group():
    event, plan = school_case()
    home = next(g for g in plan.groups if "V1" in g.volunteer_ids)
    other = next(g for g in plan.groups if g.id != home.id)
    plan = with_group(plan, other.id, volunteer_ids=[v for v in other.volunteer_ids if v != "V3"])
    return event, with_group(plan, home.id, volunteer_ids=[*home.volunteer_ids, "V3"])


def lunch_too_early():
    event, plan = trip_case()
    return event, with_item(plan, "lunch", shift=-60)


def ceremony_too_long():
    event, plan = school_case()
    item = next(t for t in plan.timeline if t.id == "ceremony")
    return event, with_item(plan, "ceremony", end=item.end + 5 * MIN)


def counselling_during_games():
    event, plan = school_case()
    return event, with_item(plan, "counselling", shift=-10)


def exhibition_late():
    event, plan = school_case()
    return event, with_item(plan, "exhibition", shift=5)


def gather_in_the_counselling_room():
    event, plan = school_case()
    counsel = next(t for t in plan.timeline if t.id == "counselling")
    return event, with_item(
        plan, "gather", place=counsel.place, start=counsel.start, end=counsel.start + 15 * MIN
    )


def welcome_during_the_visit():
    event, plan = trip_case()
    visit = next(t for t in plan.timeline if t.id == "visit")
    return event, with_item(plan, "welcome", start=visit.start, end=visit.start + 15 * MIN)


def one_group_plays_late():
    event, plan = school_case()
    return event, with_item(plan, "games-G2", shift=10)


def child_left_at_home():
    event, plan = trip_case()
    bus = bus_of(plan, "C6")

    def drop(x):
        stops = [
            s.model_copy(update={"child_ids": [c for c in s.child_ids if c != "C6"]})
            for s in x.stops
        ]
        return x.model_copy(
            update={"stops": stops, "child_ids": [c for c in x.child_ids if c != "C6"]}
        )

    return event, with_leg(plan, bus, "out", drop)


def smaller_buses():
    event, plan = trip_case()
    return trip(buses=tuple(Bus(id=b.id, seats=5, depot="depot") for b in event.buses)), plan


def one_adult_on_a_bus():
    event, plan = trip_case()
    bus = bus_of(plan, "C6")
    return event, with_leg(
        plan, bus, "out", lambda x: x.model_copy(update={"volunteer_ids": x.volunteer_ids[:1]})
    )


def one_escort_per_child():
    event, plan = trip_case()
    it = event.itinerary.model_copy(update={"escort_ratio": 1})
    return trip(itinerary=it), plan


def siblings_apart():
    event, plan = trip_case()
    return event, moved_child(plan, "C2")


def escort_without_own_child():
    event, plan = trip_case()
    return event, moved_child(plan, "C4")


def five_escorts_wanted():
    event, plan = trip_case()
    return trip(itinerary=ItinerarySettings(**{**event.itinerary.model_dump(), "escorts": 5})), plan


def bus_arrives_late():
    event, plan = trip_case()
    bus = bus_of(plan, "C1")
    return event, with_leg(
        plan,
        bus,
        "out",
        lambda x: x.model_copy(
            update={"depart": x.depart + 30 * MIN, "arrive": x.arrive + 30 * MIN}
        ),
    )


def stop_too_soon():
    event, plan = trip_case()
    bus = bus_of(plan, "C4")

    def hurry(x):
        stops = [x.stops[0].model_copy(update={"time": x.depart + 5 * MIN}), *x.stops[1:]]
        return x.model_copy(update={"stops": stops})

    return event, with_leg(plan, bus, "out", hurry)


def restaurant_opens_at_noon():
    event, plan = trip_case()
    return trip(meals=(MealSettings(**{**event.meals[0].model_dump(), "opens": "12:00"}),)), plan


def restaurant_seats_ten():
    event, plan = trip_case()
    return trip(meals=(event.meals[0].model_copy(update={"capacity": 10}),)), plan


def one_eater_forgotten():
    event, plan = trip_case()
    meal = plan.meals[0].model_copy(update={"headcount": plan.meals[0].headcount - 1})
    return event, plan.model_copy(update={"meals": [meal]})


def a_ticket_short():
    event, plan = trip_case()
    return event, plan.model_copy(update={"tickets": {**plan.tickets, "child": 5}})


def two_on_one_seat():
    event, plan = trip_case()
    bus = next(b for b in plan.buses if len(b.seat_of) > 1)
    first, second = sorted(bus.seat_of, key=bus.seat_of.__getitem__)[:2]
    seats = {**bus.seat_of, second: bus.seat_of[first]}
    swapped = [b.model_copy(update={"seat_of": seats}) if b is bus else b for b in plan.buses]
    return event, plan.model_copy(update={"buses": swapped})


BREAKS: dict[str, Callable[[], tuple[Event, Plan]]] = {
    "pair_never_split": split_a_pair,
    "groups_even_in_size": uneven_groups,
    "group_has_games_leader": group_without_games_leader,
    "group_has_first_aider": both_first_aiders_in_one_group,
    "activity_within_its_window": lunch_too_early,
    "activity_lasts_its_duration": ceremony_too_long,
    "after_means_after": counselling_during_games,
    "beside_starts_together": exhibition_late,
    "one_activity_per_place": gather_in_the_counselling_room,
    "nobody_in_two_places": welcome_during_the_visit,
    "games_for_every_group_at_once": one_group_plays_late,
    "every_child_collected_and_brought_home": child_left_at_home,
    "seats_never_exceeded": smaller_buses,
    "one_seat_each": two_on_one_seat,
    "adults_on_every_bus": one_adult_on_a_bus,
    "escort_per_children": one_escort_per_child,
    "siblings_ride_together": siblings_apart,
    "child_rides_with_escorting_volunteer": escort_without_own_child,
    "escorts_as_planned": five_escorts_wanted,
    "arrive_before_first_activity": bus_arrives_late,
    "stop_times_follow_the_road": stop_too_soon,
    "meal_within_opening_hours": restaurant_opens_at_noon,
    "meal_fits_the_venue": restaurant_seats_ten,
    "meal_counts_everyone": one_eater_forgotten,
    "tickets_counted_by_kind": a_ticket_short,
}


def test_every_itinerary_rule_has_a_break():
    names = {r.name for r in RULES if r.stage == "itinerary"}
    assert names == set(BREAKS)
    assert all(getattr(checker, name).__doc__ for name in names)


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_rule_holds_on_solved_plans(rule):
    for event, plan in (trip_case(), school_case()):
        assert violations(event, plan, rule) == []


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_rule_is_broken_by_its_change(rule):
    event, plan = BREAKS[rule]()
    assert violations(event, plan, rule), f"{rule} did not notice {BREAKS[rule].__name__}"
