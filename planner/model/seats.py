"""Seats on a bus: one per person, kept all day and from one plan to the next.

The one rule of seat numbers (plan.json ``buses[].seat_of``): the escorts
take the front seats (by the door), then the children in boarding order (a
child riding the return only comes last). A re-plan keeps each person's
seat where they stay on the same bus; newcomers take the free seats from the
front, in that same order.

>>> from datetime import datetime, timezone
>>> from planner.model import BusPlan, Leg, Stop
>>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> leg = Leg(from_="depot", to="venue", depart=at, arrive=at, volunteer_ids=["V1"],
...           child_ids=["C1", "C2"], stops=[Stop(point="a", time=at, child_ids=["C2", "C1"])])
>>> bus = BusPlan(id="B1", seats=10, legs=[leg])
>>> seat_numbers(bus)
{'V1': 1, 'C2': 2, 'C1': 3}
>>> seat_numbers(bus, kept={"C1": 2, "C9": 4})
{'V1': 1, 'C1': 2, 'C2': 3}
"""

from __future__ import annotations

from collections.abc import Mapping

from planner.model.plan import BusPlan, Stop

__all__ = ["riders_in_order", "seat_numbers"]


def riders_in_order(bus: BusPlan) -> list[str]:
    """Everyone on the bus in seating order: escorts, then children as they board."""
    escorts: list[str] = []
    children: list[str] = []
    outbound = [leg for leg in bus.legs if leg.direction != "back"] or bus.legs
    for leg in bus.legs:
        escorts += [v for v in leg.volunteer_ids if v not in escorts]
    for leg in outbound:
        for stop in _in_order(leg.stops):
            children += [c for c in stop.child_ids if c not in children]
    for leg in bus.legs:  # children riding one way only, or not at a stop
        children += [c for c in leg.child_ids if c not in children]
    return escorts + children


def seat_numbers(bus: BusPlan, kept: Mapping[str, int] | None = None) -> dict[str, int]:
    """Each rider's seat (1 is by the door): ``kept`` seats (the previous plan's,
    on this bus) for those still riding, the lowest free seats for the others."""
    riders = riders_in_order(bus)
    kept = kept or {}
    seats = {p: kept[p] for p in riders if p in kept}
    taken = set(seats.values())
    free = (n for n in range(1, len(riders) + len(taken) + 1) if n not in taken)
    for person in riders:
        if person not in seats:
            seats[person] = next(free)
    return dict(sorted(seats.items(), key=lambda kv: kv[1]))


def _in_order(stops: list[Stop]) -> list[Stop]:
    return sorted(stops, key=lambda s: (s.time, s.point))
