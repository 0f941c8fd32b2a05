"""The itinerary stage: game groups, the day's timeline, buses, meals, tickets.

``validate(event)`` lists the input problems (:mod:`.inputs`);
``run(event, plan)`` runs after matching (the pairs exist) and returns the
plan with ``groups``, ``timeline``, ``buses``, ``meals`` and ``tickets``
filled in and its notices extended. Order of work:

1. game groups from the pairs (:mod:`.groups`);
2. children and escorts to buses, stops in order (:mod:`.buses`, :mod:`.routing`),
   which fixes how long the pickup and return rounds take;
3. the timeline (:mod:`.timeline`), with those rounds in it;
4. the legs' clock times, each rider's seat (kept by a re-plan,
   :func:`.previous.seat_riders`), the meals and the tickets (:mod:`.meals`).

Each person's own day: :func:`planner.itinerary.schedule.schedule_for`.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from planner.itinerary.buses import plan_convoy, travel_activity
from planner.itinerary.groups import make_groups
from planner.itinerary.inputs import validate
from planner.itinerary.meals import count_tickets, plan_meals
from planner.itinerary.previous import (
    Promised,
    keep_promised_times,
    seat_riders,
    travel_items_follow_buses,
)
from planner.itinerary.roster import Roster, paired_children, staff_id
from planner.itinerary.schedule import photo_notices, schedule_for
from planner.itinerary.solver import STAGE
from planner.itinerary.timeline import build_day, place_activities
from planner.itinerary.travel import TravelTimes
from planner.model import ActivityKind, Event, Notice, Plan

__all__ = ["run", "schedule_for", "validate"]


def run(event: Event, plan: Plan, previous: Plan | None = None) -> Plan:
    """Fill in the groups, timeline, buses, meals and tickets of ``plan``.

    ``previous`` (a re-plan) is the plan people were told: groups, buses,
    escorts and activity times change only where the rules force it, and no
    stop time moves earlier than guardians were given
    (:mod:`planner.itinerary.previous`).
    """
    promised = Promised.of(previous)
    travel = TravelTimes(event)
    groups = make_groups(event, plan, promised)
    convoy = plan_convoy(event, plan, travel, promised)
    notices = list(plan.notices)
    roster = Roster(
        volunteers=tuple(sorted(plan.volunteers_selected)),
        children=paired_children(plan),
        staff=tuple(staff_id(s) for s in event.staff),
        escorts=convoy.escorts if convoy is not None else (),
        pairs={p.volunteer_id: tuple(p.child_ids) for p in plan.pairs},
        groups={g.id: tuple(g.volunteer_ids) + tuple(g.child_ids) for g in groups},
    )
    out_act = travel_activity(event, ActivityKind.TRAVEL_OUT)
    back_act = travel_activity(event, ActivityKind.TRAVEL_BACK)
    if (out_act or back_act) and not event.buses:
        notices.append(
            Notice(
                stage=STAGE,
                code="rounds_without_buses",
                zh="日程里有接送,但没有车辆 [[buses]]:按活动填写的时长安排",
                en="the day has bus rounds but no [[buses]]: their written durations are used",
            )
        )
    day = build_day(event, roster, groups, convoy, travel)
    placed = place_activities(day, promised)
    zero = event.at(event.itinerary.day_start)
    buses = []
    if convoy is not None:
        notices.extend(convoy.notices)
        out_arrive = zero + timedelta(minutes=placed.end[out_act.id]) if out_act else None
        back_depart = zero + timedelta(minutes=placed.start[back_act.id]) if back_act else None
        buses = convoy.legs(out_arrive, back_depart)
    timeline = placed.items
    if promised is not None and buses:
        buses, forced = keep_promised_times(buses, promised, ZoneInfo(event.timezone))
        notices.extend(forced)
        timeline = travel_items_follow_buses(timeline, buses)
    buses = seat_riders(buses, promised)
    meals = plan_meals(event, roster, groups, placed.items)
    planned = plan.model_copy(
        update={
            "groups": groups,
            "timeline": timeline,
            "buses": buses,
            "meals": meals,
            "tickets": count_tickets(event, roster),
        }
    )
    attending = set(roster.children)
    children = [c for c in event.children if c.id in attending]
    planned.notices = [*notices, *photo_notices(planned, children)]
    return planned
