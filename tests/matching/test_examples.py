"""Both example events: screened, paired with reasons, audited; and a morning re-pairing."""

from __future__ import annotations

from functools import cache

from matching.build import STAGES
from support import EXAMPLES

import planner.matching
import planner.screening
from planner.check import check_plan
from planner.load import load_event
from planner.model import Event, Skill
from planner.pipeline import build_plan, empty_plan
from planner.rematch import rematch


@cache
def expo() -> Event:
    return load_event(EXAMPLES / "expo_day")


@cache
def school() -> Event:
    return load_event(EXAMPLES / "school_day")


@cache
def paired(name: str):
    event = expo() if name == "expo" else school()
    plan = planner.matching.run(event, planner.screening.run(event, empty_plan(event)))
    assert check_plan(event, plan, stages=STAGES) == []
    return event, plan


def test_expo_day_screens_fifteen_and_says_why_the_others_are_out():
    _, plan = paired("expo")
    assert len(plan.volunteers_selected) == 15
    why = {r.volunteer_id: r.reason for r in plan.volunteers_rejected}
    assert why["V04"] == "背景审查未完成"
    assert why["V13"].startswith("背景审查已过期")
    assert why["V17"] == "未参加志愿者培训"
    assert why["V20"] == "未满 18 岁(17 岁)"
    assert why["V22"] == "活动当天不能到"
    # the two who take only one child make way: 30 children need 15 volunteers taking two
    assert "V07 只能带 1 名" in why["V07"] and "V19 只能带 1 名" in why["V19"]


def test_expo_day_pairs_two_children_each_with_siblings_together_and_c05_with_a_trained_volunteer():
    event, plan = paired("expo")
    assert len(plan.pairs) == 15 and all(len(p.child_ids) == 2 for p in plan.pairs)
    kids = {tuple(p.child_ids): p for p in plan.pairs}
    assert ("C02", "C03") in kids and ("C15", "C16") in kids
    c05 = next(p for p in plan.pairs if "C05" in p.child_ids)
    assert event.volunteer(c05.volunteer_id).has(Skill.SPECIAL_NEEDS)
    assert any("轮椅" in r for r in c05.reasons)
    assert all(p.reasons for p in plan.pairs)


def test_school_day_pairs_one_to_one_with_quotas_met():
    event, plan = paired("school")
    assert len(plan.volunteers_selected) == 30
    assert len(plan.pairs) == 30 and all(len(p.child_ids) == 1 for p in plan.pairs)
    of = {p.child_ids[0]: p.volunteer_id for p in plan.pairs}
    assert event.volunteer(of["C13"]).has(Skill.SPECIAL_NEEDS)
    chosen = [event.volunteer(v) for v in plan.volunteers_selected]
    assert sum(v.has(Skill.COUNSELLING) for v in chosen) >= 3
    assert sum(v.has(Skill.FIRST_AID) for v in chosen) >= 2
    assert any("特长对口:心理辅导" in r for p in plan.pairs for r in p.reasons)
    assert any("同一地区(天生街道)" in r for p in plan.pairs for r in p.reasons)


def test_expo_day_morning_rematch_changes_only_what_it_must():
    plan = build_plan(expo())
    had = {p.volunteer_id: set(p.child_ids) for p in plan.pairs}
    new, changes = rematch(plan, ["V03", "C11"])
    assert check_plan(new.event_model(), new, stages=STAGES) == []
    now = {p.volunteer_id: set(p.child_ids) for p in new.pairs}
    moved = [c for c in changes if c.kind == "moved"]
    assert len(moved) == len(had["V03"])  # only V03's children move
    for vid, kids in had.items():
        if vid != "V03":
            assert kids - {"C11"} <= now[vid]
    assert new.timeline and new.budget is not None and new.budget.counts["children"] == 29
