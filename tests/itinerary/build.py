"""Tiny named events for the itinerary tests, built in Python.

``trip()`` is a day trip in miniature (two villages, two buses, a meal,
tickets); ``school()`` a school day in miniature (ceremony, two game groups
beside an exhibition, counselling, exchange, gather). Both take keyword
overrides so a test can break one thing at a time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from planner.itinerary import run
from planner.model import (
    Activity,
    Bus,
    Child,
    Event,
    GroupSettings,
    ItinerarySettings,
    MealSettings,
    Pair,
    Place,
    Plan,
    StaffMember,
    TicketSettings,
    Travel,
    Volunteer,
)
from planner.pipeline import empty_plan

DAY = date(2026, 12, 12)


def volunteer(vid: str, *skills: str, gender: str = "female", age: int = 25) -> Volunteer:
    return Volunteer(
        id=vid,
        name=f"志愿者{vid}",
        gender=gender,
        age=age,
        skills=skills,
        training_done=True,
        background_check_done=True,
        max_children=2,
    )


def child(
    cid: str,
    *,
    gender: str = "male",
    born: date = date(2015, 6, 1),
    pickup: str | None = None,
    sibling: str | None = None,
    dietary: tuple[str, ...] = (),
    allergies: tuple[str, ...] = (),
) -> Child:
    return Child(
        id=cid,
        name=f"儿童{cid}",
        gender=gender,
        birth_date=born,
        pickup_point=pickup,
        sibling_group=sibling,
        dietary=dietary,
        allergies=allergies,
        outing_consent=True,
    )


TRIP_PLACES = (
    Place(id="depot", name="红十字会", kind="depot"),
    Place(id="east", name="东村村委会", kind="pickup"),
    Place(id="west", name="西村小学", kind="pickup"),
    Place(id="park", name="公园", kind="venue"),
    Place(id="gate", name="公园南门", kind="meeting"),
    Place(id="inn", name="农家菜馆", kind="restaurant", capacity=30),
)

TRIP_MINUTES = {
    "depot": {"east": 30, "west": 40, "park": 20},
    "east": {"west": 15, "park": 50},
    "west": {"park": 45},
    "park": {"inn": 10, "gate": 2},
    "inn": {"east": 55, "west": 50},
}

TRIP_VOLUNTEERS = (
    volunteer("V1", "first_aid", gender="male"),
    volunteer("V2", "driving"),
    volunteer("V3", "games", gender="male"),
    volunteer("V4", "first_aid"),
)

TRIP_CHILDREN = (
    child("C1", pickup="东村村委会", sibling="S1", born=date(2014, 3, 1)),
    child("C2", pickup="east", sibling="S1", gender="female", born=date(2017, 9, 1)),
    child("C3", pickup="east", dietary=("halal",), born=date(2016, 1, 1)),
    child("C4", pickup="west", gender="female", allergies=("花生",), born=date(2013, 5, 5)),
    child("C5", pickup="west", gender="female", dietary=("vegetarian",)),
    child("C6", pickup="west", allergies=("花生", "芒果"), born=date(2018, 2, 2)),
)

TRIP_PAIRS = (("V1", ("C1", "C2")), ("V2", ("C3",)), ("V3", ("C4", "C5")), ("V4", ("C6",)))

TRIP_ACTIVITIES = (
    Activity(
        id="pickup",
        title="接孩子",
        kind="travel_out",
        duration=120,
        earliest="07:00",
        who=("escorts", "children"),
    ),
    Activity(
        id="welcome", title="集合", kind="gather", duration=15, after=("pickup",), place="gate"
    ),
    Activity(id="visit", title="参观", kind="tour", duration=90, after=("welcome",), place="park"),
    Activity(
        id="lunch",
        title="午餐",
        kind="meal",
        duration=60,
        after=("visit",),
        place="inn",
        earliest="11:30",
    ),
    Activity(
        id="return",
        title="送孩子回家",
        kind="travel_back",
        duration=120,
        after=("lunch",),
        who=("escorts", "children"),
    ),
)


def trip(**overrides: Any) -> Event:
    """A day trip: 4 volunteers, 6 children from two villages, 2 buses of 8 seats."""
    fields: dict[str, Any] = {
        "id": "trip",
        "name": "小小一日游",
        "date": DAY,
        "location": "park",
        "places": TRIP_PLACES,
        "staff": (
            StaffMember(name="讲解员", role="讲解", needs_ticket=False),
            StaffMember(name="司机老王", role="司机", eats=False, needs_ticket=False),
            StaffMember(name="协调员", role="协调"),
        ),
        "groups": GroupSettings(count=2),
        "activities": TRIP_ACTIVITIES,
        "itinerary": ItinerarySettings(
            day_start="07:00",
            day_end="18:00",
            venue="park",
            escorts=4,
            escort_ratio=8,
            min_adults_per_bus=2,
        ),
        "buses": (
            Bus(id="B1", seats=8, cost="500", depot="depot"),
            Bus(id="B2", seats=8, cost="500", depot="depot"),
        ),
        "travel": Travel(minutes=TRIP_MINUTES, boarding_minutes=5),
        "meals": (
            MealSettings(
                id="lunch",
                venue="inn",
                activity="lunch",
                opens="11:00",
                closes="14:00",
                seating_by_group=True,
            ),
        ),
        "tickets": TicketSettings(required=True, free_kinds=("staff",)),
        "volunteers": TRIP_VOLUNTEERS,
        "children": TRIP_CHILDREN,
    }
    fields.update(overrides)
    return Event(**fields)


SCHOOL_PLACES = (
    Place(id="hall", name="礼堂", kind="room"),
    Place(id="pa", name="操场东", kind="room"),
    Place(id="pb", name="操场西", kind="room"),
    Place(id="corridor", name="连廊", kind="room"),
    Place(id="room", name="咨询室", kind="room"),
    Place(id="gate", name="校门", kind="meeting"),
)

SCHOOL_ACTIVITIES = (
    Activity(
        id="ceremony",
        title="启动仪式",
        kind="ceremony",
        duration=45,
        earliest="09:00",
        place="hall",
    ),
    Activity(
        id="games",
        title="游戏",
        kind="games",
        duration=60,
        after=("ceremony",),
        places=("pa", "pb"),
        who=("pairs",),
    ),
    Activity(
        id="exhibition",
        title="展示",
        kind="exhibition",
        duration=60,
        beside=("games",),
        place="corridor",
        who=("staff",),
    ),
    Activity(
        id="counselling",
        title="心理咨询",
        kind="counselling",
        duration=40,
        after=("games",),
        place="room",
        who=("children", "staff"),
    ),
    Activity(id="exchange", title="深入交流", duration=20, after=("counselling",), who=("pairs",)),
    Activity(
        id="gather",
        title="集合离校",
        kind="gather",
        duration=15,
        after=("exchange",),
        place="gate",
        who=("volunteers", "staff"),
    ),
)

SCHOOL_VOLUNTEERS = (
    volunteer("V1", "games", "first_aid", gender="male"),
    volunteer("V2", "games"),
    volunteer("V3", "first_aid", gender="male"),
    volunteer("V4"),
    volunteer("V5", gender="male"),
    volunteer("V6"),
)

SCHOOL_CHILDREN = tuple(
    child(f"C{i}", gender="male" if i % 2 else "female", born=date(2011 + i % 3, 1 + i, 1))
    for i in range(1, 7)
)

SCHOOL_PAIRS = tuple((f"V{i}", (f"C{i}",)) for i in range(1, 7))


def school(**overrides: Any) -> Event:
    """A school day: 6 one-to-one pairs in 2 game groups, no buses."""
    fields: dict[str, Any] = {
        "id": "school",
        "name": "校园一日",
        "date": DAY,
        "shape": "school_day",
        "location": "hall",
        "places": SCHOOL_PLACES,
        "staff": (StaffMember(name="孙老师", role="心理咨询"),),
        "groups": GroupSettings(count=2),
        "activities": SCHOOL_ACTIVITIES,
        "itinerary": ItinerarySettings(day_start="08:30", day_end="12:30", venue="hall"),
        "volunteers": SCHOOL_VOLUNTEERS,
        "children": SCHOOL_CHILDREN,
    }
    fields.update(overrides)
    return Event(**fields)


def paired(event: Event, pairs=None, selected=None) -> Plan:
    """The plan after matching: the given pairs (default: the fixture's own)."""
    if pairs is None:
        pairs = TRIP_PAIRS if event.id == "trip" else SCHOOL_PAIRS
    plan = empty_plan(event)
    chosen = selected if selected is not None else sorted({v.id for v in event.volunteers})
    return plan.model_copy(
        update={
            "volunteers_selected": list(chosen),
            "pairs": [Pair(volunteer_id=v, child_ids=list(cs)) for v, cs in pairs],
        }
    )


def planned(event: Event, pairs=None, selected=None) -> Plan:
    """The itinerary stage run on ``event`` with its pairs."""
    return run(event, paired(event, pairs, selected))


def violations(event: Event, plan: Plan, rule: str | None = None) -> list[str]:
    """Messages of the itinerary's hard rules (one rule, or all of them)."""
    import planner.check.itinerary  # noqa: F401  (registers the rules)
    from planner.check.core import RULES

    return [
        f"{r.name}: {message}"
        for r in RULES
        if r.stage == "itinerary" and (rule is None or r.name == rule)
        for message in r.fn(event, plan)
    ]


def hm(moment) -> str:
    return moment.strftime("%H:%M")
