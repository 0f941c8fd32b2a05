"""Meals (time, headcount, diets, seating, capacity) and tickets by kind."""

from __future__ import annotations

import pytest
from itinerary.build import planned, school, trip, violations

from planner.errors import Infeasible, InvalidInput
from planner.model import MealSettings, StaffMember, TicketSettings


def test_trip_meal_counts_everyone_who_eats():
    event = trip()
    plan = planned(event)
    (meal,) = plan.meals
    lunch = next(t for t in plan.timeline if t.id == "lunch")
    assert (meal.time, meal.end, meal.venue) == (lunch.start, lunch.end, "inn")
    # 6 children + 4 volunteers + guide and coordinator (the driver does not eat)
    assert (meal.headcount, meal.children, meal.adults) == (12, 6, 6)
    assert violations(event, plan) == []


def test_kitchen_hears_every_diet_and_allergy_by_name():
    (meal,) = planned(trip()).meals
    assert meal.dietary == {"allergy:花生": 2, "allergy:芒果": 1, "halal": 1, "vegetarian": 1}


def test_seating_by_group_adds_up():
    plan = planned(trip())
    (meal,) = plan.meals
    assert meal.seating == {g.id: len(g.volunteer_ids) + len(g.child_ids) for g in plan.groups} | {
        "others": 2
    }
    assert sum(meal.seating.values()) == meal.headcount


def test_no_seating_unless_asked():
    event = trip()
    meal = MealSettings(**{**event.meals[0].model_dump(), "seating_by_group": False})
    assert planned(trip(meals=(meal,))).meals[0].seating == {}


def test_capacity_of_the_venue_is_used_when_the_meal_has_none():
    event = trip()  # the inn seats 30
    places = tuple(
        p.model_copy(update={"capacity": 11}) if p.id == "inn" else p for p in event.places
    )
    with pytest.raises(Infeasible) as err:
        planned(trip(places=places))
    assert "农家菜馆 容量 11 人,就餐 12 人:差 1 个座位" in err.value.reasons[0]


def test_meal_without_its_activity_is_an_input_problem():
    meal = MealSettings(id="dinner", venue="inn", activity="dinner")
    with pytest.raises(InvalidInput) as err:
        planned(trip(meals=(meal,)))
    assert err.value.problems[0].column == "meals.dinner.activity"


def test_tickets_by_kind_with_free_kinds_apart():
    tickets = planned(trip()).tickets
    # the guide and the driver need none; the coordinator's is free
    assert tickets == {"child": 6, "volunteer": 4, "staff": 1, "free": 1, "total": 10}


def test_tickets_when_children_go_free():
    event = trip(
        tickets=TicketSettings(required=True, free_kinds=("child",)),
        staff=(StaffMember(name="讲解员"),),
    )
    assert planned(event).tickets == {"child": 6, "volunteer": 4, "staff": 1, "free": 6, "total": 5}


def test_no_tickets_unless_required():
    assert planned(school()).tickets == {}
