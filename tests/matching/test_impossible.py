"""Impossible events stop with the reason in numbers and names (exit 4), never a guess."""

from __future__ import annotations

import pytest
from matching.build import child, event, screened, volunteer

from planner.errors import ExitCode, Infeasible, TimeLimitReached
from planner.matching import run
from planner.matching.facts import attending_children
from planner.matching.feasibility import Facts, colliding_rules
from planner.model import ForbiddenPair, LockedPair


def reasons_of(ev):
    with pytest.raises(Infeasible) as caught:
        run(ev, screened(ev))
    assert caught.value.stage == "matching"
    assert caught.value.exit_code == ExitCode.INFEASIBLE
    assert len(caught.value.reasons_en) == len(caught.value.reasons)
    return caught.value.reasons


def test_too_few_places_says_how_many_short():
    ev = event([volunteer(f"V{i:02d}") for i in range(12)], [child(f"C{i:02d}") for i in range(30)])
    assert reasons_of(ev) == ["30 名儿童,12 名入选志愿者 × 2 = 24 个名额:差 6 个"]


def test_too_few_places_with_mixed_limits_shows_the_split():
    vols = [volunteer("V1"), volunteer("V2", max_children=1)]
    assert reasons_of(event(vols, [child(f"C{i}") for i in range(4)])) == [
        "4 名儿童,2 名入选志愿者共 3 个名额(1 人各带 2 名、1 人各带 1 名):差 1 个"
    ]


def test_a_wheelchair_child_without_a_trained_volunteer_is_named():
    ev = event(
        [volunteer("V1"), volunteer("V2")], [child("C07", needs=("wheelchair",)), child("C08")]
    )
    assert reasons_of(ev) == ["儿童 C07(轮椅)需要受过特殊教育培训的志愿者,入选志愿者中没有"]


def test_more_special_care_children_than_trained_places():
    vols = [volunteer("V1", skills=("special_needs",)), volunteer("V2"), volunteer("V3")]
    kids = [child(f"C{i}", needs=("wheelchair",)) for i in range(3)]
    (reason,) = reasons_of(event(vols, kids))
    assert reason.startswith("3 名需特殊照护的儿童") and "共 2 个名额:差 1 个" in reason


def test_siblings_without_a_volunteer_taking_two():
    vols = [
        volunteer("V1", max_children=1),
        volunteer("V2", max_children=1),
        volunteer("V3", max_children=1),
    ]
    kids = [child("C03", sibling_group="S"), child("C04", sibling_group="S")]
    assert reasons_of(event(vols, kids)) == [
        "兄弟姐妹 C03+C04 须由同一志愿者带,但入选志愿者每人最多带 1 名"
    ]


def test_more_sibling_groups_than_volunteers_taking_two():
    vols = [volunteer("V1"), volunteer("V2", max_children=1), volunteer("V3", max_children=1)]
    kids = [
        child(c, sibling_group=g) for c, g in (("C1", "A"), ("C2", "A"), ("C3", "B"), ("C4", "B"))
    ]
    (reason,) = reasons_of(event(vols, kids))
    assert "2 组兄弟姐妹" in reason and "只有 1 名能带 2 名:差 1 名" in reason


def test_same_gender_required_with_too_few_places_of_one_gender():
    vols = [volunteer("V1", gender="male"), volunteer("V2"), volunteer("V3")]
    kids = [child(f"C{i}", gender="male") for i in range(3)]
    (reason,) = reasons_of(event(vols, kids, same_gender_required=True))
    assert reason == "要求同性别结对:3 名男童,男性入选志愿者 1 名共 2 个名额:差 1 个"


def test_a_locked_pair_whose_volunteer_was_not_screened_says_why():
    vols = [volunteer("V1"), volunteer("V2", training_done=False)]
    ev = event(vols, [child("C1")], locked=(LockedPair(volunteer="V2", children=("C1",)),))
    assert reasons_of(ev) == ["锁定结对 V2→C1:V2 未入选(未参加志愿者培训)"]


def test_a_locked_pair_above_the_volunteers_limit():
    ev = event(
        [volunteer("V1", max_children=1), volunteer("V2")],
        [child("C1"), child("C2")],
        locked=(LockedPair(volunteer="V1", children=("C1", "C2")),),
    )
    assert reasons_of(ev) == ["锁定结对 V1→C1+C2 有 2 名儿童,但 V1 最多带 1 名"]


def test_forbidden_pairs_leaving_a_child_with_nobody():
    ev = event(
        [volunteer("V1"), volunteer("V2")],
        [child("C1")],
        forbidden=(
            ForbiddenPair(volunteer="V1", child="C1"),
            ForbiddenPair(volunteer="V2", child="C1"),
        ),
    )
    assert reasons_of(ev) == ["儿童 C1 没有可以带的入选志愿者(规则:禁止的结对不出现)"]


def test_a_group_of_children_whose_allowed_volunteers_are_too_few():
    """Hall's condition: C1 and C2 may only go to V1, who takes one."""
    vols = [volunteer("V1", max_children=1), volunteer("V2"), volunteer("V3")]
    forbidden = tuple(
        ForbiddenPair(volunteer=v, child=c) for v in ("V2", "V3") for c in ("C1", "C2")
    )
    (reason,) = reasons_of(event(vols, [child("C1"), child("C2")], forbidden=forbidden))
    assert reason.startswith("儿童 C1、C2 按规则只能由 V1 带,共 1 个名额:差 1 个")


def test_rules_colliding_beyond_counting_are_named_by_a_confirmed_core():
    """Every count passes, yet the wheelchair siblings fill the only trained volunteer,
    and another wheelchair child needs that volunteer too."""
    vols = [volunteer("V1", skills=("special_needs",)), volunteer("V2")]
    kids = [
        child("C1", needs=("wheelchair",)),
        child("C3", needs=("wheelchair",), sibling_group="S"),
        child("C4", sibling_group="S"),
        child("C5"),
    ]
    ev = event(vols, kids)
    reasons = reasons_of(ev)
    assert reasons[0].startswith("这些规则不能同时满足:")
    assert "兄弟姐妹 C3+C4 须由同一志愿者带" in reasons[1]
    assert "儿童 C1(轮椅)只能由受过特殊教育培训的志愿者带" in reasons[1]
    core = colliding_rules(Facts(ev, vols, attending_children(ev)))
    assert core and {i.rule for i in core} >= {
        "siblings_with_same_volunteer",
        "special_care_only_with_trained_volunteer",
    }
    assert "C5" not in " ".join(i.key for i in core)  # minimal: the bystander is not in it


def test_a_time_out_is_reported_as_a_time_out_not_as_impossible(monkeypatch):
    from ortools.sat.python import cp_model

    from planner.matching import solve
    from planner.pipeline import run_stages

    kids = [
        child("C1", sibling_group="S"),
        child("C2", sibling_group="S"),
    ]
    ev = event([volunteer("V1")], kids)
    plan = screened(ev)
    # the CP-SAT path (taken when the flow splits a sibling group between volunteers)
    monkeypatch.setattr(solve, "_by_flow", lambda *a, **k: None)
    monkeypatch.setattr(cp_model.CpSolver, "solve", lambda self, model, *a, **k: cp_model.UNKNOWN)
    with pytest.raises(TimeLimitReached) as caught:
        run_stages(ev, plan, after="screening", until="matching")
    assert caught.value.exit_code == ExitCode.TIME_LIMIT
    assert caught.value.seconds == ev.matching.time_limit_s  # the stage's limit, named
    spent = caught.value.spent
    assert spent is not None and spent >= 0  # the real time, beside the work limit
    assert f"after {spent:.1f} s" in caught.value.lines("en")[0]
    assert f"用时 {spent:.1f} 秒" in caught.value.lines("zh")[0]
