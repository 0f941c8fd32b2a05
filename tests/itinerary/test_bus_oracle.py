"""Small random convoys against an independent oracle.

The oracle tries every way to put the riders' sibling units on the buses and
every choice of escorts, in plain Python, and keeps the rules as the
organisers say them: every child rides exactly one bus, brothers and sisters
together; children and escorts never outnumber a bus's passenger seats; no
bus travels with fewer than ``min_adults_per_bus`` escorts; one escort per
``escort_ratio`` children; exactly ``itinerary.escorts`` escorts when set;
an escort rides with the children paired with them. When the stage says a
day is impossible, the oracle must find no way either, and the other way
round; and most generated days are plannable.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

from itinerary.build import DAY, child, paired, violations, volunteer

from planner.errors import Infeasible
from planner.itinerary import run
from planner.itinerary.buses import passenger_seats
from planner.model import Activity, Bus, Event, GroupSettings, ItinerarySettings, Place, Travel

PLACES = (
    Place(id="depot", name="车场", kind="depot", lat=34.2, lon=108.9),
    Place(id="park", name="公园", kind="venue", lat=34.3, lon=109.0),
    Place(id="v1", name="村1", kind="pickup", lat=34.1, lon=108.8),
    Place(id="v2", name="村2", kind="pickup", lat=34.15, lon=108.7),
)


RIDERS = ("escorts", "children")

#: a day of bus rounds around one visit
BUS_DAY = (
    Activity(id="pickup", title="接", kind="travel_out", duration=60, who=RIDERS),
    Activity(id="visit", title="参观", kind="tour", duration=60, after=("pickup",), place="park"),
    Activity(id="return", title="送", kind="travel_back", duration=60, who=RIDERS),
)


def small_day(rng: random.Random) -> tuple[Event, list[tuple[str, tuple[str, ...]]]]:
    """A day of bus rounds only: up to 6 children, 2 buses, 4 volunteers."""
    kids = [
        child(f"C{i}", pickup=rng.choice(["v1", "v2"]), sibling=rng.choice([None, None, "S1"]))
        for i in range(1, rng.randint(2, 6) + 1)
    ]
    siblings = [k.id for k in kids if k.sibling_group]
    if siblings:  # brothers and sisters board at one point
        kids = [k.model_copy(update={"pickup_point": "v1"}) if k.sibling_group else k for k in kids]
    vols = [volunteer(f"V{i}") for i in range(1, rng.randint(1, 4) + 1)]
    pairs: list[tuple[str, tuple[str, ...]]] = []
    for k in kids:
        v = rng.choice(vols).id
        mine = next((p for p in pairs if p[0] == v), None)
        if mine is not None and len(mine[1]) < 2:
            pairs[pairs.index(mine)] = (v, (*mine[1], k.id))
        elif mine is None:
            pairs.append((v, (k.id,)))
        else:  # this volunteer is full: a volunteer of their own
            vols.append(volunteer(f"V{len(vols) + 1}"))
            pairs.append((vols[-1].id, (k.id,)))
    buses = tuple(
        Bus(id=f"B{b}", seats=rng.randint(4, 12), depot="depot", cost=str(rng.randint(100, 300)))
        for b in range(1, rng.randint(1, 2) + 1)
    )
    event = Event(
        id="oracle",
        name="小车队",
        date=DAY,
        location="park",
        places=PLACES,
        groups=GroupSettings(count=1, first_aider_per_group=False),
        activities=BUS_DAY,
        itinerary=ItinerarySettings(
            day_start="06:00",
            day_end="21:00",
            venue="park",
            escorts=rng.choice([None, None, None, 2, 3]),
            escort_ratio=rng.randint(3, 5),
            min_adults_per_bus=rng.randint(1, 2),
            time_limit_s=5,
        ),
        buses=buses,
        travel=Travel(speed_kmh=40.0, boarding_minutes=2),
        volunteers=tuple(vols),
        children=tuple(kids),
    )
    return event, pairs


def oracle_can_seat(event: Event, pairs: list[tuple[str, tuple[str, ...]]]) -> bool:
    """Whether any choice of buses for the sibling units and of escorts keeps every rule."""
    it, buses = event.itinerary, list(event.buses)
    units: dict[str, list[str]] = defaultdict(list)
    for c in event.children:
        units[c.sibling_group or c.id].append(c.id)
    unit_list = list(units.values())
    own = {v: set(cs) for v, cs in pairs}
    vols = sorted(v.id for v in event.volunteers)
    nb = len(buses)
    for unit_bus in itertools.product(range(nb), repeat=len(unit_list)):
        bus_of = {c: b for unit, b in zip(unit_list, unit_bus, strict=True) for c in unit}
        kids = [sum(1 for b in bus_of.values() if b == bus) for bus in range(nb)]
        for choice in itertools.product(range(-1, nb), repeat=len(vols)):
            escorts = [sum(1 for b in choice if b == bus) for bus in range(nb)]
            if it.escorts is not None and sum(escorts) != it.escorts:
                continue
            if any(kids[b] + escorts[b] > passenger_seats(buses[b]) for b in range(nb)):
                continue
            if any(kids[b] + escorts[b] and escorts[b] < it.min_adults_per_bus for b in range(nb)):
                continue
            if any(it.escort_ratio * escorts[b] < kids[b] for b in range(nb)):
                continue
            escorting = [(v, b) for v, b in zip(vols, choice, strict=True) if b >= 0]
            if all(bus_of[c] == b for v, b in escorting for c in own.get(v, ())):
                return True
    return False


def test_small_convoys_agree_with_the_oracle_and_most_are_plannable():
    rng = random.Random(20261212)
    plannable = 0
    cases = 40
    for _ in range(cases):
        event, pairs = small_day(rng)
        possible = oracle_can_seat(event, pairs)
        try:
            plan = run(event, paired(event, pairs))
        except Infeasible as err:
            assert not possible, (event.model_dump_json(), err.reasons)
            continue
        assert possible, event.model_dump_json()
        assert violations(event, plan) == []
        plannable += 1
    assert plannable > cases // 2, f"only {plannable} of {cases} plannable"
