"""Named fixtures for the budget tests: the two examples and plans built by hand.

Plans are built in Python (not solved) so that each test says exactly which
counts the budget sees.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from support import EXAMPLES

from planner.load import load_event
from planner.model import (
    BudgetLineSpec,
    BudgetSettings,
    BusPlan,
    Child,
    Event,
    Group,
    Leg,
    MealPlan,
    Pair,
    Plan,
    TimelineItem,
)
from planner.pipeline import empty_plan

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="session")
def school_event() -> Event:
    return load_event(EXAMPLES / "school_day")


@pytest.fixture(scope="session")
def expo_event() -> Event:
    return load_event(EXAMPLES / "expo_day")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 12, hour, minute, tzinfo=TZ)


def expo_day_plan(event: Event, *, absent: tuple[str, ...] = ()) -> tuple[Plan, Event]:
    """The Expo day as the earlier stages would fill it: 15 volunteers, two children
    each, three groups, two buses, one lunch, tickets by kind. Children in
    ``absent`` are marked not attending and left out of pairs, buses, meal and tickets.
    """
    if absent:
        event = event.model_copy(
            update={
                "children": tuple(
                    c.model_copy(update={"attending": False}) if c.id in absent else c
                    for c in event.children
                )
            }
        )
    volunteers = [v.id for v in event.volunteers][:15]
    children = [c.id for c in event.children if c.attending]
    pairs = []
    for i, vid in enumerate(volunteers):
        kids = children[2 * i : 2 * i + 2]
        if kids:
            pairs.append(Pair(volunteer_id=vid, child_ids=kids))
    groups = [
        Group(
            id=f"G{g + 1}",
            volunteer_ids=[p.volunteer_id for p in pairs[g::3]],
            child_ids=[c for p in pairs[g::3] for c in p.child_ids],
        )
        for g in range(3)
    ]
    half = len(children) // 2
    buses = [
        BusPlan(
            id=bus_id,
            seats=19,
            cost=None,
            legs=[
                Leg.model_validate(
                    {
                        "from": "depot",
                        "to": "expo",
                        "depart": at(6, 30),
                        "arrive": at(9, 0),
                        "volunteer_ids": escorts,
                        "child_ids": kids,
                    }
                )
            ],
        )
        for bus_id, escorts, kids in (
            ("B1", volunteers[:3], children[:half]),
            ("B2", volunteers[3:5], children[half:]),
        )
    ]
    eating = len(children) + len(volunteers) + sum(1 for s in event.staff if s.eats)
    plan = empty_plan(event)
    return plan.model_copy(
        update={
            "volunteers_selected": volunteers,
            "pairs": pairs,
            "groups": groups,
            "timeline": [TimelineItem(id="lunch", title="午餐", start=at(12), end=at(13))],
            "buses": buses,
            "meals": [MealPlan(id="lunch", venue="restaurant", time=at(12), headcount=eating)],
            # as the itinerary counts them: the coordinator's staff ticket is free
            "tickets": {
                "child": len(children),
                "volunteer": len(volunteers),
                "staff": 1,
                "free": 1,
                "total": len(children) + len(volunteers),
            },
        }
    ), event


@pytest.fixture
def expo_plan(expo_event: Event) -> Callable[..., tuple[Plan, Event]]:
    """``expo_plan(absent=("C01", "C02"))`` -> (plan, event with those children absent)."""

    def build(absent: tuple[str, ...] = ()) -> tuple[Plan, Event]:
        return expo_day_plan(expo_event, absent=absent)

    return build


def budget_event(*lines: BudgetLineSpec | dict, children: int = 0, **settings: object) -> Event:
    """A bare event holding a budget and ``children`` attending children:
    ``budget_event({"item": "水", "quantity": 50, "unit_price": "1.5"}, cap="100")``."""
    specs = tuple(
        line if isinstance(line, BudgetLineSpec) else BudgetLineSpec(**line) for line in lines
    )
    return Event(
        id="budget-only",
        name="只有预算的活动",
        date=date(2026, 12, 5),
        budget=BudgetSettings(lines=specs, **settings),
        children=tuple(
            Child(id=f"C{i:03d}", name=f"儿童{i}", gender="female") for i in range(children)
        ),
    )


@pytest.fixture(scope="session")
def make_event() -> Callable[..., Event]:
    return budget_event
