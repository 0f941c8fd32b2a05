"""Benchmark: the itinerary of a big day trip, timed stage by stage.

300 children from 12 villages (points in a 40 km square), 150 volunteers
each with two children plus 10 free to escort, 10 buses of 40 seats,
40 escorts, 10 game groups, a guided visit, lunch and the return round.
Prints figures, not pass/fail:

    python bench/itinerary.py [--children 300] [--buses 10] [--points 12]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date

from planner.itinerary.buses import plan_convoy
from planner.itinerary.groups import make_groups
from planner.itinerary.travel import TravelTimes
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
    TicketSettings,
    Travel,
    Volunteer,
)
from planner.pipeline import empty_plan

SEED = 20261212


def big_trip(children: int, buses: int, points: int, seed: int = SEED) -> tuple[Event, list[Pair]]:
    rng = random.Random(seed)
    villages = [
        Place(
            id=f"p{i:02d}",
            name=f"村{i:02d}",
            kind="pickup",
            lat=34.0 + rng.random() * 0.36,
            lon=108.5 + rng.random() * 0.44,
        )
        for i in range(points)
    ]
    places = (
        Place(id="depot", name="车场", kind="depot", lat=34.22, lon=108.95),
        Place(id="park", name="世博园", kind="venue", lat=34.33, lon=109.06),
        Place(id="inn", name="饭店", kind="restaurant", lat=34.32, lon=109.05, capacity=600),
        *villages,
    )
    kids = []
    for i in range(children):
        sibling = f"S{i // 2}" if i % 10 in (0, 1) else None  # one child in five has a sibling
        village = villages[(i // 2) % points] if sibling else rng.choice(villages)
        kids.append(
            Child(
                id=f"C{i:03d}",
                name=f"儿童{i}",
                gender=rng.choice(["male", "female"]),
                birth_date=date(rng.randint(2010, 2019), rng.randint(1, 12), 1),
                pickup_point=village.id,
                sibling_group=sibling,
                dietary=("halal",) if rng.random() < 0.05 else (),
                outing_consent=True,
            )
        )
    n_pairs = (children + 1) // 2
    skills = ["first_aid", "games", "driving", "art", "music"]
    vols = [
        Volunteer(
            id=f"V{i:03d}",
            name=f"志愿者{i}",
            gender=rng.choice(["male", "female"]),
            age=rng.randint(19, 60),
            skills=tuple(rng.sample(skills, 2)),
            training_done=True,
            background_check_done=True,
            max_children=2,
        )
        for i in range(n_pairs + 10)
    ]
    pairs = [
        Pair(volunteer_id=vols[i].id, child_ids=[k.id for k in kids[2 * i : 2 * i + 2]])
        for i in range(n_pairs)
    ]
    escorts = max(2 * buses, -(-children // 8)) + 2
    event = Event(
        id="bench",
        name="大型一日游",
        date=date(2026, 12, 12),
        location="park",
        places=places,
        groups=GroupSettings(count=10),
        activities=(
            Activity(
                id="pickup",
                title="接孩子",
                kind="travel_out",
                duration=150,
                earliest="06:00",
                who=("escorts", "children"),
            ),
            Activity(
                id="games",
                title="游戏",
                kind="games",
                duration=45,
                after=("pickup",),
                place="park",
                who=("pairs",),
            ),
            Activity(
                id="tour", title="参观", kind="tour", duration=120, after=("games",), place="park"
            ),
            Activity(
                id="lunch", title="午餐", kind="meal", duration=60, after=("tour",), place="inn"
            ),
            Activity(
                id="return",
                title="送回家",
                kind="travel_back",
                duration=150,
                after=("lunch",),
                who=("escorts", "children"),
            ),
        ),
        itinerary=ItinerarySettings(
            day_start="06:00", day_end="21:00", venue="park", escorts=escorts
        ),
        buses=tuple(
            Bus(id=f"B{b:02d}", seats=40, cost="1200", depot="depot") for b in range(1, buses + 1)
        ),
        travel=Travel(speed_kmh=40, boarding_minutes=3),
        meals=(
            MealSettings(
                id="lunch",
                venue="inn",
                activity="lunch",
                opens="11:00",
                closes="15:00",
                seating_by_group=True,
            ),
        ),
        tickets=TicketSettings(required=True),
        volunteers=tuple(vols),
        children=tuple(kids),
    )
    return event, pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument("--buses", type=int, default=10)
    parser.add_argument("--points", type=int, default=12)
    args = parser.parse_args(argv)

    import planner.check.itinerary  # noqa: F401
    from planner.check.core import RULES
    from planner.itinerary import run

    event, pairs = big_trip(args.children, args.buses, args.points)
    plan = empty_plan(event).model_copy(
        update={"volunteers_selected": [v.id for v in event.volunteers], "pairs": pairs}
    )
    print(
        f"children {args.children}, buses {args.buses}, pickup points {args.points}, "
        f"escorts {event.itinerary.escorts}, groups {event.groups.count}"
    )

    t0 = time.perf_counter()
    make_groups(event, plan)
    t1 = time.perf_counter()
    plan_convoy(event, plan, TravelTimes(event))
    t2 = time.perf_counter()
    print(f"  game groups alone       {t1 - t0:6.2f} s")
    print(f"  convoy alone            {t2 - t1:6.2f} s  (assignment in two rounds + routing)")

    t3 = time.perf_counter()
    done = run(event, plan)
    t4 = time.perf_counter()
    print(f"  whole itinerary stage   {t4 - t3:6.2f} s")

    broken = [(r.name, m) for r in RULES if r.stage == "itinerary" for m in r.fn(event, done)]
    t5 = time.perf_counter()
    print(f"  plan checker            {t5 - t4:6.2f} s, {len(broken)} rule(s) broken")
    used = [b for b in done.buses if b.legs]
    out = [leg for b in used for leg in b.legs if leg.direction == "out"]
    print(
        f"  buses used {len(used)}, stops {sum(len(leg.stops) for leg in out)}, "
        f"longest pickup round {max((leg.arrive - leg.depart) for leg in out)}"
    )
    pickup = next(t for t in done.timeline if t.id == "pickup")
    back = next(t for t in done.timeline if t.id == "return")
    print(
        f"  pickup {pickup.start:%H:%M}–{pickup.end:%H:%M}, return {back.start:%H:%M}–"
        f"{back.end:%H:%M}, lunch headcount {done.meals[0].headcount}"
    )
    for name, message in broken[:10]:
        print(f"    [{name}] {message}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
