"""The plan checker's screening and matching rules: each holds on a solved plan and
is broken by one named change to it."""

from __future__ import annotations

from functools import cache

import pytest
from matching.build import child, event, planned, violations, volunteer

import planner.check.matching as checker
from planner.check import rules
from planner.model import ForbiddenPair, LockedPair, Pair, Quota, Rejection

VOLS = [
    volunteer("V1", gender="male", skills=("special_needs",)),
    volunteer("V2", skills=("first_aid",)),
    volunteer("V3", max_children=1),
    volunteer("V4", age=16),
]
KIDS = [
    child("C1", gender="male", needs=("wheelchair",)),
    child("C2", sibling_group="S"),
    child("C3", sibling_group="S"),
    child("C4", gender="male"),
]


@cache
def base():
    ev = event(
        VOLS,
        KIDS,
        select=3,
        quotas=(Quota(skill="first_aid", min=1),),
        locked=(LockedPair(volunteer="V1", children=("C1",)),),
        forbidden=(ForbiddenPair(volunteer="V3", child="C1"),),
    )
    return ev, planned(ev)


def with_pairs(*pairs):
    ev, plan = base()
    return ev, plan.model_copy(
        update={"pairs": [Pair(volunteer_id=v, child_ids=list(c), reasons=["x"]) for v, c in pairs]}
    )


def test_every_rule_has_a_label_and_a_docstring():
    ours = [r for r in rules() if r.stage in ("screening", "matching")]
    assert len(ours) == 13
    for rule in ours:
        assert " / " in rule.label and rule.fn.__doc__


def test_the_solved_plan_breaks_nothing():
    ev, plan = base()
    assert violations(ev, plan) == []
    pairs = {tuple(p.child_ids): p.volunteer_id for p in plan.pairs}
    assert pairs[("C2", "C3")] != pairs[("C1",) if ("C1",) in pairs else ("C1", "C4")] == "V1"


@pytest.mark.parametrize(
    ("rule", "change"),
    [
        ("chosen_volunteers_are_eligible", {"volunteers_selected": ["V1", "V2", "V4"]}),
        ("chosen_number_as_asked", {"volunteers_selected": ["V1", "V2"]}),
        ("quotas_met", {"volunteers_selected": ["V1", "V3", "V4"]}),
        ("every_applicant_answered", {"volunteers_rejected": []}),
    ],
)
def test_a_screening_rule_is_broken_by_one_change(rule, change):
    ev, plan = base()
    assert rule in violations(ev, plan.model_copy(update=change))


def test_a_rejection_without_reason_breaks_every_applicant_answered():
    ev, plan = base()
    blank = [Rejection(volunteer_id=r.volunteer_id, reason=" ") for r in plan.volunteers_rejected]
    assert "every_applicant_answered" in violations(
        ev, plan.model_copy(update={"volunteers_rejected": blank})
    )


@pytest.mark.parametrize(
    ("rule", "pairs"),
    [
        ("only_screened_volunteers", [("V1", "C1", "C4"), ("V4", "C2", "C3")]),
        ("every_child_gets_one_volunteer", [("V1", "C1", "C4"), ("V2", "C2")]),
        ("every_child_gets_one_volunteer", [("V1", "C1", "C4"), ("V2", "C2", "C3"), ("V3", "C4")]),
        ("volunteer_within_capacity", [("V1", "C1", "C4"), ("V3", "C2", "C3")]),
        ("siblings_with_same_volunteer", [("V1", "C1", "C4"), ("V2", "C2"), ("V3", "C3")]),
        ("special_care_only_with_trained_volunteer", [("V2", "C1", "C4"), ("V1", "C2", "C3")]),
        ("locked_pairs_kept", [("V2", "C1", "C4"), ("V1", "C2", "C3")]),
        ("forbidden_pairs_kept_apart", [("V3", "C1"), ("V1", "C4"), ("V2", "C2", "C3")]),
    ],
)
def test_a_matching_rule_is_broken_by_one_change(rule, pairs):
    ev, plan = with_pairs(*[(v, kids) for v, *kids in pairs])
    assert rule in violations(ev, plan)


def test_same_gender_when_required_holds_and_breaks():
    ev = event(
        [volunteer("V1"), volunteer("V2", gender="male")],
        [child("C1"), child("C2", gender="male")],
        same_gender_required=True,
    )
    plan = planned(ev)
    assert {(p.volunteer_id, p.child_ids[0]) for p in plan.pairs} == {("V1", "C1"), ("V2", "C2")}
    swapped = [
        Pair(volunteer_id="V1", child_ids=["C2"], reasons=["x"]),
        Pair(volunteer_id="V2", child_ids=["C1"], reasons=["x"]),
    ]
    assert violations(ev, plan.model_copy(update={"pairs": swapped})) == [
        "same_gender_when_required"
    ]


def test_a_pair_without_reasons_or_with_a_wrong_score_breaks_every_pair_says_why():
    ev, plan = base()
    first = plan.pairs[0]
    silent = first.model_copy(update={"reasons": []})
    wrong = first.model_copy(update={"score": first.score + 5})
    for bad in (silent, wrong):
        changed = plan.model_copy(update={"pairs": [bad, *plan.pairs[1:]]})
        assert violations(ev, changed) == ["every_pair_says_why"]


def test_the_checker_speaks_both_languages():
    ev, plan = with_pairs(("V2", ["C1", "C4"]), ("V1", ["C2", "C3"]))
    messages = list(checker.special_care_only_with_trained_volunteer(ev, plan))
    assert messages == [
        "V2→C1:儿童 C1(轮椅)只能由受过特殊教育培训的志愿者带 / "
        "V2→C1: child C1 (wheelchair) may only go with a volunteer trained for special needs"
    ]
