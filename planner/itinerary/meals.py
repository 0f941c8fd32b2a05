"""Meals and tickets: who eats where and when, what they may not eat, and
how many tickets of each kind to buy.

Rules, in the organisers' words:

- the meal is in the timeline, at its restaurant, within opening hours;
- everyone at the meal is counted: children, volunteers and the staff who eat;
- the kitchen learns how many eat halal, vegetarian, and each allergy by name;
- the restaurant has room for everyone (its capacity);
- where the venue seats by group, each game group's table size is given;
- tickets: one per child, per volunteer, per staff member who needs one;
  kinds listed as free are counted apart from the tickets to buy.
"""

from __future__ import annotations

from collections import Counter

from planner.errors import Infeasible, InvalidInput, Problem
from planner.itinerary.roster import Roster, staff_id
from planner.itinerary.solver import STAGE
from planner.model import Activity, ActivityKind, Event, Group, MealPlan, MealSettings, TimelineItem

#: dietary labels: ``halal``, ``vegetarian`` and ``allergy:<name>``
ALLERGY_PREFIX = "allergy:"
OTHERS = "others"


def meal_for(event: Event, activity: Activity) -> MealSettings | None:
    """The meal settings served in ``activity``, if any."""
    for meal in event.meals:
        if meal.activity == activity.id or (meal.activity is None and meal.id == activity.id):
            return meal
    if activity.kind == ActivityKind.MEAL:
        linked = {m.activity or m.id for m in event.meals}
        free = [
            m
            for m in event.meals
            if m.activity is None and m.id not in {a.id for a in event.activities}
        ]
        meals = [a for a in event.activities if a.kind == ActivityKind.MEAL and a.id not in linked]
        if len(free) == 1 and meals and meals[0].id == activity.id:
            return free[0]
    return None


def meal_activity_id(event: Event, meal: MealSettings) -> str | None:
    """The activity a meal is served in: named, or its own id, or the only meal activity."""
    for a in event.activities:
        if meal_for(event, a) == meal:
            return a.id
    return None


def meal_problems(event: Event) -> list[Problem]:
    """Every meal is served in an activity of the day."""
    ids = {a.id for a in event.activities}
    problems = []
    for i, meal in enumerate(event.meals):
        activity = meal_activity_id(event, meal)
        if activity is None or activity not in ids:
            problems.append(
                Problem(
                    "event.toml",
                    None,
                    f"meals.{meal.id}.activity",
                    f"餐 {meal.id} 没有对应的日程活动:填 activity = 某个活动的 id",
                    f"meal {meal.id} has no activity in the day: set activity = an activity id",
                    loc=("meals", i, "activity"),
                )
            )
    return problems


def eaters(event: Event, roster: Roster, who: list[str]) -> list[str]:
    """Everyone at a meal who eats: children, volunteers, staff with ``eats``."""
    people = roster.participants(who)
    not_eating = {staff_id(s) for s in event.staff if not s.eats}
    return sorted(p for p in people if p not in not_eating)


def dietary_counts(event: Event, child_ids: list[str]) -> dict[str, int]:
    """How many need halal, vegetarian, and how many have each allergy."""
    children = {c.id: c for c in event.children}
    counts: Counter[str] = Counter()
    for cid in child_ids:
        child = children.get(cid)
        if child is None:
            continue
        for diet in child.dietary:
            counts[diet.value] += 1
        for allergy in {a.strip() for a in child.allergies if a.strip()}:
            counts[ALLERGY_PREFIX + allergy] += 1
    return dict(sorted(counts.items()))


def seating(people: list[str], groups: list[Group]) -> dict[str, int]:
    """Seats per game group; everyone else (staff, volunteers without a pair) as ``others``."""
    seats: dict[str, int] = {}
    placed: set[str] = set()
    for g in groups:
        members = (set(g.volunteer_ids) | set(g.child_ids)) & set(people)
        seats[g.id] = len(members)
        placed |= members
    rest = len(set(people) - placed)
    if rest:
        seats[OTHERS] = rest
    return seats


def plan_meals(
    event: Event, roster: Roster, groups: list[Group], timeline: list[TimelineItem]
) -> list[MealPlan]:
    """One meal plan per ``[[meals]]`` entry, at the time the timeline gives it."""
    problems = meal_problems(event)
    if problems:
        raise InvalidInput(problems)
    items = {t.id: t for t in timeline}
    meals = []
    for meal in event.meals:
        activity = meal_activity_id(event, meal)
        if activity is None or activity not in items:
            continue  # served inside the games (one item per group): no single time to give
        item = items[activity]
        people = eaters(event, roster, item.who)
        children = sorted(set(people) & set(roster.children))
        headcount = len(people)
        capacity = meal_capacity(event, meal)
        if capacity is not None and headcount > capacity:
            raise Infeasible(
                STAGE,
                [
                    f"{_venue_name(event, meal)} 容量 {capacity} 人,就餐 {headcount} 人:"
                    f"差 {headcount - capacity} 个座位"
                ],
                [f"{meal.venue} seats {capacity}, {headcount} eat: {headcount - capacity} short"],
            )
        meals.append(
            MealPlan(
                id=meal.id,
                venue=meal.venue,
                time=item.start,
                end=item.end,
                headcount=headcount,
                children=len(children),
                adults=headcount - len(children),
                dietary=dietary_counts(event, children),
                seating=seating(people, groups) if meal.seating_by_group else {},
                price_per_head=meal.price_per_head,
            )
        )
    return meals


def meal_capacity(event: Event, meal: MealSettings) -> int | None:
    """The meal's own capacity, else its venue's."""
    if meal.capacity is not None:
        return meal.capacity
    place = event.place(meal.venue)
    return place.capacity if place is not None else None


def _venue_name(event: Event, meal: MealSettings) -> str:
    place = event.place(meal.venue)
    return place.name if place is not None else meal.venue


def count_tickets(event: Event, roster: Roster) -> dict[str, int]:
    """Tickets by kind; ``free`` counts the free kinds, ``total`` the tickets to buy.

    Kinds: ``child`` (each child taking part), ``volunteer`` (each selected
    volunteer), ``staff`` (each staff member with ``needs_ticket``).
    """
    if not event.tickets.required:
        return {}
    kinds = {
        "child": len(roster.children),
        "volunteer": len(roster.volunteers),
        "staff": sum(1 for s in event.staff if s.needs_ticket),
    }
    free = set(event.tickets.free_kinds)
    return {
        **kinds,
        "free": sum(n for kind, n in kinds.items() if kind in free),
        "total": sum(n for kind, n in kinds.items() if kind not in free),
    }
