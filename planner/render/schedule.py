"""Which timeline items concern one person or the volunteer team.

Who takes part in what is the itinerary's rule
(:func:`planner.itinerary.schedule.schedule_for`); it is used here as it is.
"""

from __future__ import annotations

from planner.itinerary.schedule import schedule_for
from planner.model import Plan, TimelineItem

__all__ = ["VOLUNTEER_AUDIENCES", "schedule_for", "team_items"]

#: ``who`` words every selected volunteer answers to.
VOLUNTEER_AUDIENCES: frozenset[str] = frozenset({"everyone", "volunteers"})


def team_items(plan: Plan) -> list[TimelineItem]:
    """Items for the whole volunteer team: those any selected volunteer attends."""
    wanted: dict[str, TimelineItem] = {}
    for volunteer_id in sorted(set(plan.volunteers_selected)):
        for item in schedule_for(plan, volunteer_id):
            wanted[item.id] = item
    if not plan.volunteers_selected:
        for item in plan.timeline:
            if VOLUNTEER_AUDIENCES.intersection(item.who):
                wanted[item.id] = item
    return sorted(wanted.values(), key=lambda t: (t.start, t.end, t.id))
