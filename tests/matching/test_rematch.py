"""Re-pairing on the day changes only what it must, says what changed, and stays sound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from matching.build import STAGES, child, event, volunteer

from planner.check import check_plan
from planner.commands.rematch import rematch_command
from planner.errors import Infeasible, InvalidInput
from planner.io import read_plan, write_plan
from planner.model import Activity, LockedPair
from planner.pipeline import build_plan
from planner.rematch import rematch

ONE_ACTIVITY = (Activity(id="day", title="活动", duration=60),)


def planned_day(vols, kids, **kw):
    """A whole plan (every stage) of a tiny event with one activity."""
    ev = event(vols, kids, **kw).model_copy(update={"activities": ONE_ACTIVITY})
    return build_plan(ev)


def pairs_of(plan):
    return {p.volunteer_id: tuple(p.child_ids) for p in plan.pairs}


def sound(plan):
    assert check_plan(plan.event_model(), plan, stages=STAGES) == []


def test_an_absent_volunteers_children_fill_spare_places_and_nobody_else_moves():
    vols = [volunteer(f"V{i}") for i in range(1, 5)]
    kids = [child(f"C{i}") for i in range(1, 6)]
    plan = planned_day(vols, kids, select=4, weights={"spread": 30})
    before = pairs_of(plan)
    gone = next(v for v, k in before.items() if len(k) == 2)
    new, changes = rematch(plan, [gone])
    after = pairs_of(new)
    assert gone not in after
    for v, k in before.items():
        if v != gone:
            assert set(k) <= set(after[v])  # everyone else keeps their children
    assert sorted(c.kind for c in changes) == ["absent_volunteer", "headcount", "moved", "moved"]
    assert new.volunteers_selected == sorted(v for v in before if v != gone)
    assert new.revision == plan.revision + 1  # re-imported invites update, not duplicate
    sound(new)


def test_with_no_spare_place_the_best_reserve_is_called_in():
    vols = [
        volunteer("V1", score=9),
        volunteer("V2", score=9),
        volunteer("R1", score=5),
        volunteer("R2", score=6),
    ]
    kids = [child(f"C{i}") for i in range(1, 5)]
    plan = planned_day(vols, kids, select=2)
    assert plan.volunteers_selected == ["V1", "V2"]
    new, changes = rematch(plan, ["V1"])
    assert new.volunteers_selected == ["R2", "V2"]
    assert pairs_of(new)["V2"] == pairs_of(plan)["V2"]
    assert pairs_of(new)["R2"] == pairs_of(plan)["V1"]
    assert [c.kind for c in changes] == ["absent_volunteer", "reserve", "moved", "moved"]
    assert changes[1].zh.startswith("替补 R2 入选")
    assert "V1" in {r.volunteer_id for r in new.volunteers_rejected}
    sound(new)


def test_an_absent_child_is_removed_and_nothing_else_changes():
    vols = [volunteer(f"V{i}") for i in range(1, 4)]
    kids = [child(f"C{i}") for i in range(1, 6)]
    plan = planned_day(vols, kids, select=3)
    new, changes = rematch(plan, ["C3"])
    expected = {v: tuple(c for c in k if c != "C3") for v, k in pairs_of(plan).items()}
    assert pairs_of(new) == {v: k for v, k in expected.items() if k}
    assert [c.kind for c in changes] == ["absent_child", "none"]
    assert changes[-1].zh == "其余结对不变"
    assert not next(c for c in new.people.children if c.id == "C3").attending
    sound(new)


def test_each_rematch_notice_says_which_rematch_it_belongs_to():
    """A second rematch keeps the first one's notices (the day's history), and
    its own "all other pairs unchanged" is not read as the first one's."""
    vols = [volunteer(f"V{i}") for i in range(1, 5)]
    kids = [child(f"C{i}") for i in range(1, 6)]
    plan = planned_day(vols, kids, select=4, weights={"spread": 30})
    first, _ = rematch(plan, ["V1"])
    second, changes = rematch(first, ["C5"])
    said = [(n.code, n.en) for n in second.notices if n.stage == "rematch"]
    ones = [en for _, en in said if en.startswith("rematch 1: ")]
    twos = [en for _, en in said if en.startswith("rematch 2: ")]
    assert len(ones) + len(twos) == len(said) and ones and twos
    assert twos == [f"rematch 2: {c.en}" for c in changes]
    assert [n.zh for n in second.notices if n.code == "none"] == ["第 2 次重新结对:其余结对不变"]


def test_a_locked_pair_of_an_absent_volunteer_is_paused():
    vols = [volunteer("V1"), volunteer("V2"), volunteer("V3")]
    kids = [child("C1"), child("C2")]
    plan = planned_day(vols, kids, select=3, locked=(LockedPair(volunteer="V1", children=("C1",)),))
    new, changes = rematch(plan, ["V1"])
    assert "lock_paused" in [c.kind for c in changes]
    assert new.settings.matching.locked == ()
    sound(new)


def test_ids_are_matched_whatever_their_case_and_unknown_ids_are_bad_input():
    plan = planned_day([volunteer("V1"), volunteer("V2")], [child("C1")], select=2)
    new, _ = rematch(plan, ["c1"])
    assert new.pairs == []
    with pytest.raises(InvalidInput) as caught:
        rematch(plan, ["V9", "C1"])
    assert caught.value.problems[0].message == "V9 既不是志愿者编号也不是儿童编号"


def test_when_nobody_is_left_the_rematch_is_impossible_with_numbers():
    plan = planned_day([volunteer("V1", max_children=1)], [child("C1")], select=1)
    with pytest.raises(Infeasible) as caught:
        rematch(plan, ["V1"])
    assert caught.value.reasons == ["1 名儿童,0 名入选志愿者 × 2 = 0 个名额:差 1 个"]


def test_the_later_stages_are_recomputed_from_the_new_pairs():
    vols = [volunteer(f"V{i}") for i in range(1, 4)]
    plan = planned_day(vols, [child(f"C{i}") for i in range(1, 5)], select=3)
    new, _ = rematch(plan, ["C4"])
    assert sorted(c for g in new.groups for c in g.child_ids) == ["C1", "C2", "C3"]
    assert new.budget is not None and new.budget.counts["children"] == 3


def test_the_command_writes_the_plan_and_prints_the_changes(tmp_path: Path):
    plan = planned_day([volunteer("V1"), volunteer("V2")], [child("C1"), child("C2")], select=2)
    source = write_plan(plan, tmp_path / "before")
    lines: list[str] = []
    code = rematch_command(source, "C2", tmp_path / "after", echo=lines.append)
    assert code == 0
    assert lines[0].startswith("已重新结对,写入") and "  - 儿童 C2 缺席" in lines[1]
    assert [c for p in read_plan(tmp_path / "after" / "plan.json").pairs for c in p.child_ids] == [
        "C1"
    ]
    out: list[str] = []
    rematch_command(source, ["C2"], tmp_path / "json", as_json=True, echo=out.append)
    data = json.loads(out[0])
    assert data["changes"][0]["kind"] == "absent_child" and data["plan"].endswith("plan.json")
