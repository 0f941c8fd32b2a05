"""Which timeline items concern one person.

The itinerary stage owns the rule (``planner.itinerary.schedule.schedule_for``);
this module uses it when it exists and otherwise reads ``who`` itself.
"""

from __future__ import annotations

from planner.model import Plan, TimelineItem

#: ``who`` words every selected volunteer answers to.
VOLUNTEER_AUDIENCES: frozenset[str] = frozenset({"everyone", "volunteers"})


def schedule_for(plan: Plan, person_id: str) -> list[TimelineItem]:
    """The timeline items ``person_id`` takes part in, by start time."""
    try:
        from planner.itinerary.schedule import schedule_for as itinerary_schedule_for
    except ModuleNotFoundError as exc:
        if exc.name not in {"planner.itinerary.schedule", "planner.itinerary"}:
            raise
        return volunteer_items_by_who(plan, person_id)
    return list(itinerary_schedule_for(plan, person_id))


def volunteer_items_by_who(plan: Plan, volunteer_id: str) -> list[TimelineItem]:
    """A volunteer's items, read from ``who``: everyone, volunteers, escorts
    (they ride a bus), pairs (they have children), their group, or their own id."""
    from planner.render.view import PlanView

    view = PlanView(plan)
    answers = set(VOLUNTEER_AUDIENCES) | {volunteer_id}
    if volunteer_id in view.escort_ids:
        answers.add("escorts")
    if view.pair_of(volunteer_id) is not None:
        answers.add("pairs")
    group = view.group_of_volunteer(volunteer_id)
    if group is not None:
        answers.add(group.id)
    items = [t for t in plan.timeline if answers.intersection(t.who)]
    return sorted(items, key=lambda t: (t.start, t.end, t.id))


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
