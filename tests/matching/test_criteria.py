"""Each soft criterion: gives its points with the organiser's words, or gives nothing."""

from __future__ import annotations

import pytest
from matching.build import child, event, planned, screened, volunteer

from planner.errors import InvalidInput
from planner.matching import run
from planner.matching.criteria import Scorer
from planner.model import Place

W = {
    "same_gender": 10,
    "need_skill": 25,
    "dialect": 10,
    "distance": 15,
    "age_gap": 5,
    "continuity": 40,
    "spread": 30,
}


def credits(v, c, weights=W, **kw):
    return [cr.zh for cr in Scorer(event([v], [c], weights=weights, **kw)).credits(v, c)]


def test_same_gender_gives_points():
    assert "同性别 +10" in credits(volunteer("V1", gender="male"), child("C1", gender="male"))
    assert not any("同性别" in r for r in credits(volunteer("V1", gender="male"), child("C1")))


def test_a_skill_answering_a_need_gives_points_per_need():
    v = volunteer("V1", skills=("counselling", "tutoring_chinese"))
    found = credits(v, child("C1", needs=("counselling", "tutoring_chinese")))
    assert "特长对口:心理辅导 +25" in found and "特长对口:语文辅导 +25" in found
    assert not any(
        "特长" in r for r in credits(volunteer("V1"), child("C1", needs=("counselling",)))
    )


def test_a_shared_dialect_gives_points():
    v = volunteer("V1", dialects=("关中话", "普通话"))
    assert "方言相同(关中话)+10" in credits(v, child("C1", dialects=("关中话",)))
    assert not any("方言" in r for r in credits(v, child("C1", dialects=("四川话",))))


def test_distance_by_coordinates_falls_off_linearly():
    places = (
        Place(id="home", name="未央区", lat=34.30, lon=108.95),
        Place(id="near", name="近村", lat=34.30, lon=108.95 + 0.0),
        Place(id="mid", name="中村", lat=34.30 + 0.2475, lon=108.95),  # ~27.5 km north
        Place(id="far", name="远村", lat=35.30, lon=108.95),  # ~111 km
    )
    scorer = lambda: Scorer(event([], [], weights=W).model_copy(update={"places": places}))  # noqa: E731
    v = volunteer("V1", home_area="未央区")
    near = scorer().distance(v, child("C1", pickup_point="near"))
    assert near.points == 15 and near.zh == "住得近(0.0 公里)+15"
    mid = scorer().distance(v, child("C1", village="中村"))
    assert 7 < mid.points < 8  # (50 − 27.5) / 45 of 15
    assert scorer().distance(v, child("C1", village="远村")) is None


def test_distance_without_coordinates_is_an_equal_area_match():
    v = volunteer("V1", home_area="天生街道")
    assert "同一地区(天生街道)+15" in credits(v, child("C1", village="天生街道"))
    assert not any("地区" in r for r in credits(v, child("C1", village="石板村")))


def test_a_small_age_gap_gives_full_points_and_a_large_one_none():
    assert "年龄差 8 岁 +5" in credits(volunteer("V1", age=18), child("C1", age=10))
    half = Scorer(event([], [], weights=W)).age_gap(volunteer("V1", age=29), child("C1", age=10))
    assert half.points == pytest.approx(5 * (30 - 19) / 22)
    assert not any("年龄差" in r for r in credits(volunteer("V1", age=45), child("C1", age=10)))


def test_last_events_pair_gives_continuity_points():
    assert "延续上次结对 +40" in credits(volunteer("V1", last_children=("C1",)), child("C1"))
    assert not any(
        "延续" in r for r in credits(volunteer("V1", last_children=("C9",)), child("C1"))
    )


def test_spread_rewards_a_volunteer_who_could_take_two_taking_one():
    ev = event([], [], weights=W)
    assert Scorer(ev).spread(volunteer("V1"), ["C1"]).zh == "一人带一名,分担均衡 +30"
    assert Scorer(ev).spread(volunteer("V1"), ["C1", "C2"]) is None
    assert Scorer(ev).spread(volunteer("V1", max_children=1), ["C1"]) is None


def test_a_zero_weight_switches_a_criterion_off():
    assert credits(volunteer("V1"), child("C1"), weights={**W, "same_gender": 0}) == [
        "年龄差 15 岁 +3.4"
    ]


def test_spread_makes_everyone_take_one_before_anyone_takes_two():
    ev = event(
        [volunteer("V1"), volunteer("V2")], [child("C1"), child("C2")], weights={"spread": 30}
    )
    plan = planned(ev)
    assert sorted(len(p.child_ids) for p in plan.pairs) == [1, 1]
    assert all("一人带一名,分担均衡 +30" in p.reasons for p in plan.pairs)


def test_each_pair_score_is_the_sum_of_its_points_and_reasons_name_the_child():
    ev = event(
        [volunteer("V1", dialects=("关中话",))],
        [child("C1", dialects=("关中话",)), child("C2")],
        weights=W,
    )
    (pair,) = planned(ev).pairs
    assert pair.score == pytest.approx(sum(pair.points.values()))
    assert "C01" not in pair.reasons and "C1:方言相同(关中话)+10" in pair.reasons
    assert pair.reasons_en and len(pair.reasons_en) == len(pair.reasons)


def test_a_pair_with_no_points_still_says_why():
    ev = event([volunteer("V1", gender="male", age=60)], [child("C1")], weights={"same_gender": 10})
    (pair,) = planned(ev).pairs
    assert pair.reasons == ["无加分项:按名额安排"] and pair.score == 0


def test_an_unknown_weight_is_bad_input():
    ev = event([volunteer("V1")], [child("C1")], weights={"same_sex": 10})
    with pytest.raises(InvalidInput) as caught:
        run(ev, screened(ev))
    assert caught.value.problems[0].column == "matching.weights.same_sex"
