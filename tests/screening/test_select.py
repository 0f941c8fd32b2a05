"""Choosing N volunteers: best scores, quotas, children pairable, and a reason for everyone left out."""

from __future__ import annotations

import pytest
from matching.build import child, event, screened, violations, volunteer

from planner.errors import Infeasible
from planner.model import LockedPair, Quota


def rejection(plan, vid):
    return next(r for r in plan.volunteers_rejected if r.volunteer_id == vid)


def test_the_best_scores_are_chosen_and_the_rest_told_their_rank():
    ev = event(
        [volunteer("V01", score=5), volunteer("V02", score=9), volunteer("V03", score=7)],
        [],
        select=2,
    )
    plan = screened(ev)
    assert plan.volunteers_selected == ["V02", "V03"]
    assert "排第 3 名" in rejection(plan, "V01").reason
    assert violations(ev, plan) == []


def test_equal_scores_choose_the_lower_id():
    ev = event([volunteer("V03"), volunteer("V01"), volunteer("V02")], [], select=2)
    assert screened(ev).volunteers_selected == ["V01", "V02"]


def test_ineligible_applicants_get_every_reason():
    ev = event([volunteer("V01"), volunteer("V02", training_done=False, age=17)], [], select=1)
    plan = screened(ev)
    r = rejection(plan, "V02")
    assert r.reasons == ["未参加志愿者培训", "未满 18 岁(17 岁)"]
    assert r.reason_en == "volunteer training not done; under 18 (17)"


def test_a_quota_brings_in_a_lower_score_and_says_so():
    vols = [
        volunteer("V01", score=9),
        volunteer("V02", score=8),
        volunteer("V03", score=5, skills=("first_aid",)),
    ]
    ev = event(
        vols, [], select=2, quotas=(Quota(label="急救员至少 1 名", skill="first_aid", min=1),)
    )
    plan = screened(ev)
    assert plan.volunteers_selected == ["V01", "V03"]
    assert "配额「急救员至少 1 名」不满足" in rejection(plan, "V02").reason
    assert violations(ev, plan) == []


def test_per_group_quotas_multiply_by_the_number_of_groups():
    vols = [
        volunteer(f"V0{i}", score=9 - i, skills=("games",) if i >= 3 else ()) for i in range(1, 6)
    ]
    ev = event(vols, [], select=3, groups=2, quotas=(Quota(skill="games", min=1, per_group=True),))
    plan = screened(ev)
    assert sum(1 for v in plan.volunteers_selected if v in {"V03", "V04", "V05"}) >= 2
    assert violations(ev, plan) == []


def test_a_quota_maximum_holds():
    vols = [
        volunteer("V01", score=9, gender="male"),
        volunteer("V02", score=8, gender="male"),
        volunteer("V03", score=5),
    ]
    ev = event(vols, [], select=2, quotas=(Quota(gender="male", max=1),))
    assert screened(ev).volunteers_selected == ["V01", "V03"]


def test_places_for_every_child_beat_a_higher_score():
    """Two children, one place each short: the volunteer who may take two is chosen."""
    vols = [volunteer("V01", score=9, max_children=1), volunteer("V02", score=5, max_children=2)]
    ev = event(vols, [child("C01"), child("C02")], select=1)
    plan = screened(ev)
    assert plan.volunteers_selected == ["V02"]
    reason = rejection(plan, "V01").reason
    assert "V01 只能带 1 名" in reason and "1/2 名儿童" in reason


def test_a_wheelchair_child_brings_in_a_trained_volunteer_without_a_quota():
    vols = [volunteer("V01", score=9), volunteer("V02", score=4, skills=("special_needs",))]
    ev = event(vols, [child("C01", needs=("wheelchair",))], select=1)
    assert screened(ev).volunteers_selected == ["V02"]


def test_siblings_bring_in_a_volunteer_who_takes_two():
    vols = [
        volunteer("V01", score=9, max_children=1),
        volunteer("V02", score=9, max_children=1),
        volunteer("V03", score=3, max_children=2),
    ]
    kids = [child("C01", sibling_group="S"), child("C02", sibling_group="S")]
    ev = event(vols, kids, select=2)
    assert "V03" in screened(ev).volunteers_selected


def test_a_locked_pair_volunteer_is_chosen():
    vols = [volunteer("V01", score=9), volunteer("V02", score=2)]
    ev = event(
        vols, [child("C01")], select=1, locked=(LockedPair(volunteer="V02", children=("C01",)),)
    )
    assert screened(ev).volunteers_selected == ["V02"]


def test_fewer_eligible_than_asked_chooses_all_with_a_warning():
    ev = event([volunteer("V01"), volunteer("V02", available=False)], [], select=3)
    plan = screened(ev)
    assert plan.volunteers_selected == ["V01"]
    assert any("合格报名者只有 1 名" in w for w in plan.warnings)
    assert violations(ev, plan) == []


def test_when_children_cannot_all_be_paired_screening_says_how_many_can():
    ev = event([volunteer("V01", max_children=1)], [child("C01"), child("C02")], select=1)
    plan = screened(ev)
    assert any("1/2 名儿童" in w for w in plan.warnings)


# ----------------------------------------------------------------- impossible quotas


def test_a_quota_with_too_few_qualified_applicants_says_how_many():
    vols = [volunteer("V01", skills=("counselling",)), volunteer("V02"), volunteer("V03")]
    ev = event(
        vols, [], select=3, quotas=(Quota(label="心理辅导至少 3 名", skill="counselling", min=3),)
    )
    with pytest.raises(Infeasible) as caught:
        screened(ev)
    assert caught.value.stage == "screening"
    assert caught.value.reasons == [
        "配额「心理辅导至少 3 名」需要 3 名有心理辅导特长的志愿者,合格报名者中只有 1 名(V01):差 2 名"
    ]


def test_gender_quotas_adding_up_past_the_number_chosen():
    vols = [volunteer(f"V{i}", gender="male" if i % 2 else "female") for i in range(10)]
    quotas = (Quota(gender="male", min=3), Quota(gender="female", min=3))
    with pytest.raises(Infeasible) as caught:
        screened(event(vols, [], select=5, quotas=quotas))
    assert "= 6 名,多于要选的 5 名" in caught.value.reasons[-1]


def test_colliding_quotas_are_named_by_a_confirmed_core():
    """Each quota alone fits; together they need 4 of 3 places."""
    vols = [
        volunteer("V01", skills=("first_aid",)),
        volunteer("V02", skills=("first_aid",)),
        volunteer("V03", skills=("counselling",)),
        volunteer("V04", skills=("counselling",)),
    ]
    quotas = (
        Quota(label="急救 2", skill="first_aid", min=2),
        Quota(label="心理 2", skill="counselling", min=2),
    )
    with pytest.raises(Infeasible) as caught:
        screened(event(vols, [], select=3, quotas=quotas))
    first = caught.value.reasons[0]
    assert "选 3 名志愿者" in first and "急救 2" in first and "心理 2" in first
    assert caught.value.reasons_en


@pytest.mark.parametrize("seed", range(6))
def test_equal_scores_of_different_kinds_choose_the_lower_ids_whatever_the_seed(seed):
    """Applicants of two kinds (a quota counts men) tie on score: the choice takes the
    lowest ids the quota allows, the same for every solver seed."""
    vols = [volunteer(f"V{i:02d}", gender=("female", "male")[i % 2]) for i in range(1, 13)]
    ev = event(vols, [], select=4, quotas=(Quota(gender="male", min=1),))
    ev = ev.model_copy(update={"screening": ev.screening.model_copy(update={"seed": seed})})
    assert screened(ev).volunteers_selected == ["V01", "V02", "V03", "V04"]


@pytest.mark.parametrize("seed", range(6))
def test_a_quota_takes_its_best_ranked_applicants_whatever_the_seed(seed):
    """Four men needed among equal scores: the four lowest-id men, then the lowest id."""
    vols = [volunteer(f"V{i:02d}", gender=("female", "male")[i % 3 == 0]) for i in range(1, 16)]
    ev = event(vols, [], select=6, quotas=(Quota(gender="male", min=4),))
    ev = ev.model_copy(update={"screening": ev.screening.model_copy(update={"seed": seed})})
    assert screened(ev).volunteers_selected == ["V01", "V02", "V03", "V06", "V09", "V12"]
