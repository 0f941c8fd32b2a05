"""Each person's own day, read from a finished plan alone.

A person takes part in a timeline item when its ``who`` names them (by
role, group or id). Bus rounds are made personal: a child's pickup round
starts at their own stop's pickup time, their return round ends when they
are handed to their guardian; an escort's rounds follow their own bus.
"""

from __future__ import annotations

from planner.itinerary.roster import STAFF_PREFIX, Roster
from planner.model import ActivityKind, Plan, TimelineItem

__all__ = ["schedule_for"]


def schedule_for(plan: Plan, person_id: str, roster: Roster | None = None) -> list[TimelineItem]:
    """The timeline items ``person_id`` takes part in, by start time.

    ``person_id`` is a volunteer's or child's id, or ``staff:<name>`` (a bare
    staff name is understood too). ``roster``, when given, is the plan's own
    (:meth:`Roster.of_plan`), made once for many people.
    """
    roster = roster if roster is not None else Roster.of_plan(plan)
    if (
        person_id not in roster.participants(["everyone"])
        and STAFF_PREFIX + person_id in roster.staff
    ):
        person_id = STAFF_PREFIX + person_id
    items = []
    for item in plan.timeline:
        if person_id in item.who or person_id in roster.participants(item.who):
            items.append(_personal(plan, item, person_id))
    return sorted(items, key=lambda t: (t.start, t.end, t.id))


def _personal(plan: Plan, item: TimelineItem, person_id: str) -> TimelineItem:
    """The item as ``person_id`` lives it (their own bus, stop and times)."""
    direction = {ActivityKind.TRAVEL_OUT.value: "out", ActivityKind.TRAVEL_BACK.value: "back"}.get(
        item.kind or ""
    )
    if direction is None:
        return item
    for bus in plan.buses:
        for leg in bus.legs:
            if leg.direction != direction:
                continue
            bus_name = bus.name or bus.id
            if person_id in leg.volunteer_ids:
                return item.model_copy(
                    update={
                        "start": leg.depart,
                        "end": leg.arrive,
                        "place": leg.from_,
                        "note": f"{bus_name},跟车 / escort on {bus.id}",
                    }
                )
            for stop in leg.stops:
                if person_id not in stop.child_ids:
                    continue
                if direction == "out":
                    update = {"start": stop.time, "end": leg.arrive, "place": stop.point}
                else:
                    update = {"start": leg.depart, "end": stop.time, "place": stop.point}
                update["note"] = f"{bus_name} / {bus.id}"
                return item.model_copy(update=update)
    return item
