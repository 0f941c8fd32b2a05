"""Random day trips: the itinerary either plans them, and the plan passes
every hard rule, or says in numbers why it cannot."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itinerary.build import DAY, child, paired, violations, volunteer

from planner.errors import Infeasible
from planner.itinerary import run
from planner.model import (
    Activity,
    Bus,
    Event,
    GroupSettings,
    ItinerarySettings,
    MealSettings,
    Place,
    StaffMember,
    TicketSettings,
    Travel,
)

SKILLS = ("first_aid", "games", "driving", "art")


@st.composite
def day_trips(draw) -> tuple[Event, list[tuple[str, tuple[str, ...]]]]:
    villages = [
        Place(
            id=f"v{i}",
            name=f"村{i}",
            kind="pickup",
            lat=34 + draw(st.floats(0, 0.3)),
            lon=108.5 + draw(st.floats(0, 0.3)),
        )
        for i in range(draw(st.integers(1, 4)))
    ]
    places = (
        Place(id="depot", name="车场", kind="depot", lat=34.2, lon=108.9),
        Place(id="park", name="公园", kind="venue", lat=34.3, lon=109.0),
        Place(
            id="inn",
            name="饭店",
            kind="restaurant",
            lat=34.31,
            lon=109.01,
            capacity=draw(st.integers(20, 80)),
        ),
        *villages,
    )
    n_kids = draw(st.integers(1, 24))
    kids = tuple(
        child(
            f"C{i:02d}",
            gender=draw(st.sampled_from(["male", "female"])),
            born=date(draw(st.integers(2010, 2019)), 6, 1),
            pickup=draw(st.sampled_from([v.id for v in villages] + [v.name for v in villages])),
            sibling=draw(st.sampled_from([None, None, None, "S1", "S2"])),
            dietary=draw(st.sampled_from([(), (), ("halal",), ("vegetarian",)])),
            allergies=draw(st.sampled_from([(), (), ("花生",), ("花生", "芒果")])),
        )
        for i in range(n_kids)
    )
    pairs: list[tuple[str, tuple[str, ...]]] = []
    vols = []
    i = 0
    while i < n_kids:
        take = draw(st.integers(1, 2))
        vid = f"V{len(vols) + 1:02d}"
        vols.append(
            volunteer(vid, *draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True)))
        )
        pairs.append((vid, tuple(c.id for c in kids[i : i + take])))
        i += take
    for _ in range(draw(st.integers(0, 4))):  # volunteers without a child (free to escort)
        vols.append(volunteer(f"V{len(vols) + 1:02d}", "first_aid"))
    buses = tuple(
        Bus(
            id=f"B{b}",
            seats=draw(st.integers(8, 30)),
            cost=str(draw(st.integers(0, 900))),
            depot=draw(st.sampled_from(["depot", None])),
        )
        for b in range(1, draw(st.integers(1, 4)) + 1)
    )
    games = draw(st.booleans())
    activities = [
        Activity(
            id="pickup",
            title="接",
            kind="travel_out",
            duration=60,
            earliest="06:00",
            who=("escorts", "children"),
        ),
        Activity(
            id="visit",
            title="参观",
            kind="tour",
            duration=draw(st.integers(30, 180)),
            after=("pickup",),
            place="park",
        ),
        Activity(
            id="lunch", title="午餐", kind="meal", duration=draw(st.integers(30, 90)), place="inn"
        ),
        Activity(
            id="return", title="送", kind="travel_back", duration=60, who=("escorts", "children")
        ),
    ]
    if games:
        activities.append(
            Activity(
                id="games", title="游戏", kind="games", duration=45, who=("pairs",), place="park"
            )
        )
    event = Event(
        id="random",
        name="随机一日游",
        date=DAY,
        location="park",
        places=places,
        staff=(
            StaffMember(name="导游", needs_ticket=draw(st.booleans()), eats=draw(st.booleans())),
        ),
        groups=GroupSettings(count=draw(st.integers(1, min(3, len(pairs))))),
        activities=tuple(activities),
        itinerary=ItinerarySettings(
            day_start="06:00",
            day_end="21:00",
            venue="park",
            escorts=draw(st.sampled_from([None, None, 4, 6])),
            escort_ratio=draw(st.integers(4, 10)),
            min_adults_per_bus=draw(st.integers(1, 2)),
            time_limit_s=5,
        ),
        buses=buses,
        travel=Travel(speed_kmh=draw(st.sampled_from([30.0, 40.0, 60.0])), boarding_minutes=3),
        meals=(
            MealSettings(
                id="lunch",
                venue="inn",
                activity="lunch",
                opens="11:00",
                closes="14:30",
                seating_by_group=draw(st.booleans()),
            ),
        ),
        tickets=TicketSettings(
            required=draw(st.booleans()),
            free_kinds=draw(st.sampled_from([(), ("staff",), ("child",)])),
        ),
        volunteers=tuple(vols),
        children=kids,
    )
    return event, pairs


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(day_trips())
def test_random_day_trips_plan_soundly_or_say_why(case):
    event, pairs = case
    try:
        plan = run(event, paired(event, pairs))
    except Infeasible as err:
        assert err.reasons and all(re.search(r"\d", r) for r in err.reasons)
        assert len(err.reasons_en) == len(err.reasons)
        return
    assert violations(event, plan) == []
    riders = {c for b in plan.buses for leg in b.legs for c in leg.child_ids}
    assert riders == {c for _, cs in pairs for c in cs}
