"""The itinerary's input rules: what event.toml must say for the day to be planned.

Each function is one rule, checked before any solving: the loader runs
them all (through :func:`validate`), and the stage calls the same function
as a guard where it needs the rule, so `planner check` and `planner plan`
can never disagree about them. Problems name their event.toml key path in
``loc`` (indices from 0); the loader turns it into a line number.
"""

from __future__ import annotations

from planner.errors import Problem
from planner.itinerary.meals import meal_problems
from planner.itinerary.roster import WORDS
from planner.itinerary.travel import TravelTimes, find_place, missing_travel
from planner.model import Activity, ActivityKind, Event

__all__ = [
    "activity_problems",
    "day_window_problems",
    "depot_problems",
    "group_ids",
    "meal_problems",
    "pickup_problems",
    "travel_time_problems",
    "validate",
    "venue_problems",
]


def group_ids(count: int) -> list[str]:
    """The game groups' ids: G1, G2, ...

    >>> group_ids(2)
    ['G1', 'G2']
    """
    return [f"G{i}" for i in range(1, count + 1)]


def _activity(event: Event, a: Activity, key: str, zh: str, en: str) -> Problem:
    index = event.activities.index(a)
    return Problem(
        "event.toml", None, f"activities.{a.id}.{key}", zh, en, loc=("activities", index, key)
    )


def activity_problems(event: Event) -> list[Problem]:
    """Every activity has its own id, follows other activities, happens at a
    known place and names its people with words the roster knows."""
    problems: list[Problem] = []
    ids = [a.id for a in event.activities]
    known_places = {p.id for p in event.places}
    who_words = [*WORDS, *group_ids(event.groups.count)]
    for a in event.activities:
        if ids.count(a.id) > 1:
            problems.append(
                _activity(
                    event, a, "id", f"活动编号 {a.id} 重复", f"activity id {a.id} is used twice"
                )
            )
        for key, refs in (("after", a.after), ("beside", a.beside)):
            for ref in refs:
                if ref not in ids or ref == a.id:
                    problems.append(
                        _activity(
                            event,
                            a,
                            key,
                            f"活动 {a.id} 的 {key} 里的 {ref} 不是另一项活动",
                            f"activity {a.id}: {key} names {ref}, which is not another activity",
                        )
                    )
        for place in (a.place, *a.places):
            if place is not None and place not in known_places:
                problems.append(
                    _activity(
                        event,
                        a,
                        "place",
                        f"活动 {a.id} 的地点 {place} 不在 [[places]] 里",
                        f"activity {a.id}: place {place} is not among [[places]]",
                    )
                )
        for word in a.who:
            if word not in who_words:
                problems.append(
                    _activity(
                        event,
                        a,
                        "who",
                        f"活动 {a.id} 的 who 里的「{word}」不认识(可用:{'、'.join(who_words)})",
                        f"activity {a.id}: unknown who {word!r} (known: {', '.join(who_words)})",
                    )
                )
    return problems


def day_window_problems(event: Event) -> list[Problem]:
    """The day ends after it starts."""
    it = event.itinerary
    if (it.day_end.hour, it.day_end.minute) > (it.day_start.hour, it.day_start.minute):
        return []
    return [
        Problem(
            "event.toml",
            None,
            "itinerary.day_end",
            f"一天的结束 {it.day_end:%H:%M} 不晚于开始 {it.day_start:%H:%M}",
            f"the day ends ({it.day_end:%H:%M}) before it starts ({it.day_start:%H:%M})",
            loc=("itinerary", "day_end"),
        )
    ]


def _travel_activities(event: Event) -> list[Activity]:
    kinds = (ActivityKind.TRAVEL_OUT, ActivityKind.TRAVEL_BACK)
    return [a for a in event.activities if a.kind in kinds]


def _riding_children(event: Event) -> list[str]:
    """Attending children who give a pickup point (when the day has bus rounds)."""
    if not event.buses or not _travel_activities(event):
        return []
    return [c.id for c in event.attending_children if c.pickup_point]


def depot_problems(event: Event) -> list[Problem]:
    """Every bus sets off from a known place."""
    return [
        Problem(
            "event.toml",
            None,
            f"buses.{b.id}.depot",
            f"车辆 {b.id} 的出发地 {b.depot} 不在 [[places]] 里",
            f"bus {b.id}: depot {b.depot} is not among [[places]]",
            loc=("buses", i, "depot"),
        )
        for i, b in enumerate(event.buses)
        if b.depot and event.place(b.depot) is None
    ]


def pickup_problems(event: Event) -> list[Problem]:
    """Every child who rides is collected at a known place."""
    children = {c.id: c for c in event.children}
    problems = []
    for cid in _riding_children(event):
        point = children[cid].pickup_point
        if find_place(event, point) is None:
            problems.append(
                Problem(
                    event.files.children,
                    None,
                    "pickup_point",
                    f"儿童 {cid} 的上车点「{point}」不在 [[places]] 里",
                    f"child {cid}: pickup point {point!r} is not among [[places]]",
                )
            )
    return problems


def travel_place(event: Event, activity: Activity) -> str | None:
    """Where the convoy goes to (outward) or leaves from (return)."""
    if activity.place:
        return activity.place
    return event.itinerary.venue or event.location


def venue_problems(event: Event) -> list[Problem]:
    """A bus round goes to (or leaves from) a known venue."""
    if not _riding_children(event):
        return []
    problems = []
    for a in _travel_activities(event):
        where = travel_place(event, a)
        if where is None or event.place(where) is None:
            problems.append(
                _activity(
                    event,
                    a,
                    "place",
                    "接送活动需要目的地:给活动填 place,或在 [itinerary] 填 venue",
                    "a travel activity needs its venue: give the activity a place "
                    "or [itinerary] a venue",
                )
            )
    return problems


def travel_time_problems(event: Event) -> list[Problem]:
    """The driving time between every two places a bus may stop at is known
    (from [travel.minutes] or both places' coordinates)."""
    riders = _riding_children(event)
    if not riders or pickup_problems(event) or depot_problems(event) or venue_problems(event):
        return []
    children = {c.id: c for c in event.children}
    points = {
        place.id for cid in riders if (place := find_place(event, children[cid].pickup_point))
    }
    points |= {b.depot for b in event.buses if b.depot}
    points |= {where for a in _travel_activities(event) if (where := travel_place(event, a))}
    travel = TravelTimes(event)
    ordered = sorted(points)
    return [
        missing_travel(a, b)
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
        if travel.minutes(a, b) is None
    ]


def validate(event: Event) -> list[Problem]:
    """Every input problem of the itinerary stage."""
    return [
        *activity_problems(event),
        *day_window_problems(event),
        *depot_problems(event),
        *pickup_problems(event),
        *venue_problems(event),
        *travel_time_problems(event),
        *meal_problems(event),
    ]
