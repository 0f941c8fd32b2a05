"""The day's timeline: order, side by side, one activity per place, windows,
time to get between places; what cannot fit is said in minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itinerary.build import SCHOOL_ACTIVITIES, hm, planned, school, trip, violations

from planner.errors import Infeasible, InvalidInput
from planner.model import Activity, ItinerarySettings, MealSettings


def items(plan):
    return {t.id: t for t in plan.timeline}


def test_school_day_runs_in_order_with_games_beside_the_exhibition():
    event = school()
    plan = planned(event)
    t = items(plan)
    assert [(hm(t[i].start), hm(t[i].end)) for i in ("ceremony", "games-G1", "counselling")] == [
        ("09:00", "09:45"),
        ("09:45", "10:45"),
        ("10:45", "11:25"),
    ]
    assert t["games-G1"].start == t["games-G2"].start == t["exhibition"].start
    assert (t["games-G1"].place, t["games-G2"].place) == ("pa", "pb")
    assert t["exchange"].end - t["exchange"].start == timedelta(minutes=20)
    assert t["gather"].start >= t["exchange"].end
    assert violations(event, plan) == []


def test_times_are_aware_in_the_event_zone():
    plan = planned(school())
    for item in plan.timeline:
        assert item.start.utcoffset() == timedelta(hours=8)
        assert str(item.start.tzinfo) == "Asia/Shanghai"


def test_after_leaves_time_to_get_there():
    plan = planned(trip())
    t = items(plan)
    assert t["lunch"].start >= t["visit"].end + timedelta(minutes=10)  # park → inn 10 min


def test_a_place_holds_one_activity_at_a_time():
    acts = (
        Activity(id="a", title="甲", duration=60, place="hall", who=("staff",)),
        Activity(id="b", title="乙", duration=60, place="hall", who=("children",)),
    )
    plan = planned(school(activities=acts))
    a, b = items(plan)["a"], items(plan)["b"]
    assert a.end <= b.start or b.end <= a.start


def test_meal_waits_for_the_restaurant_to_open():
    event = trip()
    meal = MealSettings(**{**event.meals[0].model_dump(), "opens": "12:15"})
    plan = planned(trip(meals=(meal,)))
    assert hm(items(plan)["lunch"].start) == "12:15"


def test_the_same_answer_twice():
    event = trip()
    assert planned(event).to_json() == planned(event).to_json()


def test_a_day_too_short_says_by_how_much():
    event = school(itinerary=ItinerarySettings(day_start="08:30", day_end="11:00"))
    with pytest.raises(Infeasible) as err:
        planned(event)
    reason = err.value.reasons[0]
    assert "活动总时长 180 分钟,可用时段 120 分钟" in reason
    assert "超出 60 分钟" in reason
    assert "180 min" in err.value.reasons_en[0]


def test_too_much_for_one_person_says_by_how_much():
    acts = tuple(
        Activity(id=f"a{i}", title=f"活动{i}", duration=40, who=("everyone",)) for i in range(3)
    )
    event = school(activities=acts, itinerary=ItinerarySettings(day_start="08:30", day_end="10:00"))
    with pytest.raises(Infeasible) as err:
        planned(event)
    assert "活动总时长 120 分钟,可用时段 90 分钟" in err.value.reasons[0]
    assert "超出 30 分钟" in err.value.reasons[0]


def test_one_activity_longer_than_its_window():
    acts = (Activity(id="a", title="长活动", duration=300, earliest="09:00"),)
    with pytest.raises(Infeasible) as err:
        planned(school(activities=acts))
    assert "需 300 分钟" in err.value.reasons[0]
    assert "超出 90 分钟" in err.value.reasons[0]  # 09:00–12:30 is 210 minutes


def test_a_place_double_booked_names_the_place():
    acts = tuple(
        a.model_copy(update={"place": "pa"}) if a.id == "exhibition" else a
        for a in SCHOOL_ACTIVITIES
    )
    with pytest.raises(Infeasible) as err:
        planned(school(activities=acts))
    assert "都用地点 pa" in err.value.reasons[0]
    assert "同时开始" in err.value.reasons[0]


def test_a_place_double_booked_through_the_windows():
    acts = (
        Activity(
            id="a",
            title="甲",
            duration=60,
            earliest="09:00",
            latest_end="10:00",
            place="hall",
            who=("staff",),
        ),
        Activity(id="b", title="乙", duration=30, earliest="09:00", place="pa", who=("children",)),
        Activity(
            id="c",
            title="丙",
            duration=20,
            latest_end="09:50",
            place="hall",
            who=("volunteers",),
            after=("b",),
        ),
    )
    with pytest.raises(Infeasible) as err:
        planned(school(activities=acts))
    reason = err.value.reasons[0]
    assert "地点 hall 同一时间只能安排一项活动" in reason
    assert "「丙」在「乙」之后" in reason
    assert "pa" not in reason  # the core is minimal: nothing about the other place


def test_unknown_who_is_an_input_problem():
    acts = (Activity(id="a", title="甲", duration=30, who=("parents",)),)
    with pytest.raises(InvalidInput) as err:
        planned(school(activities=acts))
    assert err.value.problems[0].column == "activities.a.who"


def test_unknown_place_and_after_are_input_problems():
    acts = (Activity(id="a", title="甲", duration=30, place="moon", after=("nothing",)),)
    with pytest.raises(InvalidInput) as err:
        planned(school(activities=acts))
    assert {p.column for p in err.value.problems} == {"activities.a.place", "activities.a.after"}


def test_a_circle_of_afters_is_an_input_problem():
    acts = (
        Activity(id="a", title="甲", duration=30, after=("b",)),
        Activity(id="b", title="乙", duration=30, after=("a",)),
    )
    with pytest.raises(InvalidInput) as err:
        planned(school(activities=acts))
    assert "循环" in err.value.problems[0].message
