"""Each hard requirement of screening: holds on an eligible applicant, broken by one change."""

from __future__ import annotations

from datetime import date

import pytest
from matching.build import DAY, event, volunteer

from planner.errors import InvalidInput
from planner.model import ScreeningSettings
from planner.screening.requirements import (
    adult,
    available_on_the_day,
    background_check_in_date,
    check_weights,
    eligible,
    failures,
    training_done,
    weighted_score,
)

GOOD = volunteer("V01")


def one(v, **screening):
    ev = event([v], [])
    if screening:
        ev = ev.model_copy(update={"screening": ScreeningSettings(**screening)})
    return ev


def test_an_eligible_applicant_meets_every_requirement():
    assert failures(one(GOOD), GOOD) == []


def test_training_not_done_is_refused():
    v = volunteer("V01", training_done=False)
    assert training_done(one(v), v).zh == "未参加志愿者培训"
    assert training_done(one(v, require_training=False), v) is None


def test_background_check_not_done_is_refused():
    v = volunteer("V01", background_check_done=False)
    assert "背景审查未完成" in background_check_in_date(one(v), v).zh
    assert background_check_in_date(one(v, require_background_check=False), v) is None


def test_background_check_without_date_is_refused():
    v = volunteer("V01", background_check_date=None)
    assert "日期未填" in background_check_in_date(one(v), v).zh


def test_background_check_out_of_date_on_the_event_day_is_refused():
    v = volunteer("V01", background_check_date=date(2025, 6, 3))
    failure = background_check_in_date(one(v), v)
    assert failure is not None
    assert "已过期" in failure.zh and "557 天" in failure.zh and "365 天" in failure.zh


def test_background_check_exactly_at_the_limit_is_in_date():
    v = volunteer("V01", background_check_date=date(2025, 12, 12))
    assert (DAY - v.background_check_date).days == 365
    assert background_check_in_date(one(v), v) is None


def test_background_check_dated_after_the_event_is_refused():
    v = volunteer("V01", background_check_date=date(2027, 1, 1))
    assert "晚于活动日" in background_check_in_date(one(v), v).zh


def test_a_minor_is_refused():
    v = volunteer("V01", age=17)
    assert adult(one(v), v).zh == "未满 18 岁(17 岁)"
    assert adult(one(GOOD), GOOD) is None


def test_someone_not_available_is_refused():
    v = volunteer("V01", available=False)
    assert available_on_the_day(one(v), v).zh == "活动当天不能到"
    assert available_on_the_day(one(GOOD), GOOD) is None


def test_all_failures_are_listed_in_order():
    v = volunteer("V01", training_done=False, age=16, available=False)
    assert [f.rule for f in failures(one(v), v)] == [
        "training_done",
        "adult",
        "available_on_the_day",
    ]


def test_eligible_is_sorted_and_excludes_the_refused():
    ev = event([volunteer("V02"), volunteer("V01"), volunteer("V03", age=15)], [])
    assert [v.id for v in eligible(ev)] == ["V01", "V02"]


def test_weighted_score_is_the_weighted_mean():
    ev = one(GOOD, weights={"responsibility": 3.0, "interview": 1.0})
    v = volunteer("V01").model_copy(
        update={"scores": GOOD.scores.model_copy(update={"responsibility": 9, "interview": 5})}
    )
    assert weighted_score(ev, v) == pytest.approx(8.0)


def test_unknown_or_negative_score_weights_are_bad_input():
    with pytest.raises(InvalidInput) as caught:
        check_weights(one(GOOD, weights={"kindness": 1.0, "patience": -1.0}))
    columns = sorted(p.column for p in caught.value.problems)
    assert columns == ["screening.weights.kindness", "screening.weights.patience"]
