"""`planner check` finds everything `planner plan` would.

Folders: the cases that once passed check and failed plan. Generated events:
random day trips, some broken on purpose; whenever the itinerary stage finds
bad input while planning, the stages' ``validate`` (what the loader and
check run) has already listed the same problems.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itinerary.build import paired
from itinerary.test_random_events import day_trips
from support import EVENT_TOML, check_and_plan, write_csv

from planner.errors import InvalidInput
from planner.itinerary import run as run_itinerary
from planner.load.templates import write_templates
from planner.model import Activity, Bus, Event, MealSettings
from planner.pipeline import validate_event

ACTIVITY_AT_AN_UNKNOWN_PLACE = """
[[activities]]
id = "games"
title = "游戏"
kind = "games"
duration = 60
place = "操场"
"""

BUS_FROM_AN_UNKNOWN_DEPOT = """
[[places]]
id = "school"
name = "学校"
lat = 34.3
lon = 109.0

[[places]]
id = "village"
name = "村"
lat = 34.1
lon = 108.9

[itinerary]
venue = "school"

[[buses]]
id = "B1"
seats = 20
depot = "garage"

[[activities]]
id = "pickup"
title = "接"
kind = "travel_out"
duration = 60
who = ["escorts", "children"]
"""


def _problems(result) -> list[str]:
    import json

    return [p["message_en"] for p in json.loads(result.stdout)["problems"]]


def test_an_activity_at_an_unknown_place_is_found_by_check(tiny_event, tmp_path):
    (tiny_event / "event.toml").write_text(EVENT_TOML + ACTIVITY_AT_AN_UNKNOWN_PLACE, "utf-8")
    checked, planned = check_and_plan(tiny_event, tmp_path / "out")
    assert (checked.exit_code, planned.exit_code) == (3, 3)
    assert any("place 操场 is not among [[places]]" in p for p in _problems(checked))


def test_an_unknown_depot_is_found_by_check_with_its_line(tiny_event, tmp_path):
    (tiny_event / "event.toml").write_text(EVENT_TOML + BUS_FROM_AN_UNKNOWN_DEPOT, "utf-8")
    rows = [[*r[:9], "村"] for r in _children_with_pickup()]
    header = [*_child_header()[:9], "上车点"]
    write_csv(tiny_event / "children.csv", header, rows)
    checked, planned = check_and_plan(tiny_event, tmp_path / "out")
    assert (checked.exit_code, planned.exit_code) == (3, 3)
    depot = next(p for p in _json_problems(checked) if p["column"] == "buses.B1.depot")
    lines = (tiny_event / "event.toml").read_text("utf-8").splitlines()
    assert 'depot = "garage"' in lines[depot["row"] - 1]


def test_the_empty_templates_of_planner_init_are_not_plannable(tmp_path):
    folder = tmp_path / "new"
    write_templates(folder)
    checked, planned = check_and_plan(folder, tmp_path / "out")
    assert (checked.exit_code, planned.exit_code) == (3, 3)
    found = " ".join(_problems(checked))
    assert "no volunteers yet" in found and "no children yet" in found
    assert "still the template's example '某某志愿者协会'" in found


def test_an_obvious_capacity_gap_is_found_by_check(tiny_event, tmp_path):
    header, rows = _child_header(), _children_with_pickup()
    extra = [[f"C{i:02d}", f"孩子{i}", "女", "2015-03-08", "留守", "奶奶", "奶奶", "13700000001", "是", ""]
             for i in range(3, 6)]  # fmt: skip
    write_csv(tiny_event / "children.csv", header, [r[:10] for r in rows] + extra)
    checked, planned = check_and_plan(tiny_event, tmp_path / "out")
    assert (checked.exit_code, planned.exit_code) == (4, 4)
    assert "every eligible applicant" in checked.output or "合格报名者" in checked.output


def _json_problems(result) -> list[dict]:
    import json

    return json.loads(result.stdout)["problems"]


def _child_header() -> list[str]:
    from support import CHILD_HEADER

    return list(CHILD_HEADER)


def _children_with_pickup() -> list[list[str]]:
    from support import CHILD_ROWS

    return [list(r) for r in CHILD_ROWS]


# ------------------------------------------------------------ generated events


def _broken(event: Event, how: str) -> Event:
    """``event`` with one input rule broken (or none, for "none")."""
    if how == "unknown_place":
        acts = (*event.activities, Activity(id="x", title="X", duration=10, place="moon"))
        return event.model_copy(update={"activities": acts})
    if how == "unknown_depot":
        buses = (Bus(id="B9", seats=20, depot="garage"), *event.buses)
        return event.model_copy(update={"buses": buses})
    if how == "unknown_who":
        acts = (*event.activities, Activity(id="x", title="X", duration=10, who=("parents",)))
        return event.model_copy(update={"activities": acts})
    if how == "meal_without_activity":
        meals = (*event.meals, MealSettings(id="tea", venue="inn", activity="tea"))
        return event.model_copy(update={"meals": meals})
    if how == "unknown_pickup":
        kids = tuple(
            c.model_copy(update={"pickup_point": "月球"}) if i == 0 else c
            for i, c in enumerate(event.children)
        )
        return event.model_copy(update={"children": kids})
    if how == "no_travel_time":
        places = tuple(p.model_copy(update={"lat": None, "lon": None}) for p in event.places)
        return event.model_copy(update={"places": places})
    return event


BREAKS = (
    "none",
    "unknown_place",
    "unknown_depot",
    "unknown_who",
    "meal_without_activity",
    "unknown_pickup",
    "no_travel_time",
)


def _key(problem) -> tuple[str, str | None, str]:
    return (problem.file, problem.column, problem.message)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=day_trips(), how=st.sampled_from(BREAKS))
def test_planning_finds_no_input_problem_that_validate_missed(case, how):
    event, pairs = case
    event = _broken(event, how)
    found_first = {_key(p) for p in validate_event(event)}
    if how != "none":
        assert found_first, how
    try:
        run_itinerary(event, paired(event, pairs))
    except InvalidInput as err:
        assert {_key(p) for p in err.problems} <= found_first
    except Exception:  # an impossible event is the plan's answer, not an input problem
        pass


@pytest.mark.parametrize("example", ["expo_day", "school_day"])
def test_the_examples_have_no_input_problems(example):
    from planner.load import load_event

    event = load_event(Path(__file__).parent.parent / "examples" / example)
    assert validate_event(event) == []
