"""Generated events (tests/scale/events.py, the bench's generator) plan soundly at every size:
the plan checker finds nothing broken, and the fast pairing path reaches the exact optimum."""

from __future__ import annotations

from pathlib import Path

import pytest
from matching.build import assert_flow_within_its_bound, flow_and_cp_sat
from scale.events import SIZES, Size, write_event

from planner.check import check_plan
from planner.load import load_event
from planner.matching.facts import attending_children
from planner.pipeline import build_plan

SMALL = (
    Size("pairing-90x60", "pairing", 90, 60, 60, 1),
    Size("pairing-two-each", "pairing", 60, 30, 50, 2, siblings=True),
    Size("trip-40-on-2", "day_trip", 40, 25, 40, 2, buses=2, siblings=True),
)


def planned(tmp_path: Path, size: Size):
    event = load_event(write_event(tmp_path / size.name, size))
    plan = build_plan(event)
    return event, plan


def broken(event, plan):
    """The checker's findings: it applies only the rules of the stages the event's
    shape plans (a pairing programme plans no day, so no game-group rule)."""
    return check_plan(event, plan)


@pytest.mark.parametrize("size", SMALL, ids=lambda s: s.name)
def test_small_generated_events_plan_with_no_broken_rule(tmp_path, size):
    event, plan = planned(tmp_path, size)
    assert broken(event, plan) == []
    assert sum(len(p.child_ids) for p in plan.pairs) == size.children
    assert len(plan.volunteers_selected) == size.select
    if size.shape == "day_trip":
        assert plan.buses and plan.timeline


#: small generated events whose flow splits sibling groups (kept whole by their prices)
WITH_SIBLINGS = (
    SMALL[1],
    SMALL[2],
    Size("trip-80-on-2", "day_trip", 70, 45, 80, 2, buses=2, siblings=True),
)


@pytest.mark.parametrize("size", (SMALL[0], *WITH_SIBLINGS), ids=lambda s: s.name)
def test_the_flow_reaches_the_cp_sat_optimum_on_generated_events(tmp_path, size, monkeypatch):
    """The fast path (the exact flow; sibling groups it splits kept whole by
    planner.matching.whole, as above 200 children) against CP-SAT over every child:
    the same objective when the fast path says it is proved, else no better than
    CP-SAT and a bound no lower than it (the gap a notice states is real)."""
    from planner.matching import solve

    monkeypatch.setattr(solve, "SPLIT_CP_SAT_LIMIT", 0)
    event, plan = planned(tmp_path, size)
    vols = sorted(
        (v for v in event.volunteers if v.id in set(plan.volunteers_selected)), key=lambda v: v.id
    )
    kids = attending_children(event)
    by_flow, by_sat = flow_and_cp_sat(event, vols, kids)
    assert_flow_within_its_bound(by_flow, by_sat)


def test_a_pairing_programme_is_not_held_to_the_rules_of_a_day(tmp_path):
    """The checker chooses the rules by the event's shape: a pairing programme plans
    no game groups, so ``groups_even_in_size`` (and every itinerary rule) stays
    silent; the same plan read as a day trip's is missing its groups."""
    from planner.model import Shape

    event, plan = planned(tmp_path, SMALL[0])
    assert plan.pairs and not plan.groups
    assert check_plan(event, plan) == []
    as_a_day = event.model_copy(update={"shape": Shape.DAY_TRIP})
    assert "groups_even_in_size" in {v.rule for v in check_plan(as_a_day, plan)}


def test_the_same_folder_plans_the_same_byte_for_byte(tmp_path):
    size = SMALL[0]
    first = build_plan(load_event(write_event(tmp_path / "a", size)))
    second = build_plan(load_event(write_event(tmp_path / "b", size)))
    assert first.model_dump_json() == second.model_dump_json()


#: the bench sizes planned whole here (the 600-child trip has a test of its own, below)
SLOW_SIZES = tuple(s for s in SIZES if s.name != "trip-600-on-15")


@pytest.mark.slow
@pytest.mark.parametrize("size", SLOW_SIZES, ids=lambda s: s.name)
def test_the_bench_sizes_plan_with_no_broken_rule(tmp_path, size):
    event, plan = planned(tmp_path, size)
    assert broken(event, plan) == []
    assert sum(len(p.child_ids) for p in plan.pairs) == size.children


@pytest.mark.slow
def test_the_600_child_trip_plans_whole_with_no_broken_rule(tmp_path):
    """The 600-child day trip on 15 buses (60 sibling groups the flow splits),
    planned whole: every rule of every stage kept, and an honest claim on the
    pairs (proved, or a bound no lower than the plan in a notice). Its bus
    rounds after the first may find nothing in their share of the itinerary's
    time limit at this size; the first round's plan then stands."""
    (size,) = (s for s in SIZES if s.name == "trip-600-on-15")
    event, plan = planned(tmp_path, size)
    assert broken(event, plan) == []
    assert sum(len(p.child_ids) for p in plan.pairs) == size.children
    assert len(plan.buses) <= 15 and plan.buses
    late = [n for n in plan.notices if n.code == "not_proved_optimal"]
    assert all(n.stage == "matching" and "siblings kept whole" in n.en for n in late)


def test_plan_progress_names_each_stage_its_steps_and_time(tmp_path):
    import subprocess
    import sys

    folder = write_event(tmp_path / "ev", SMALL[0])
    planner = Path(sys.executable).with_name("planner")
    done = subprocess.run(
        [
            str(planner),
            "plan",
            str(folder),
            "--out",
            str(tmp_path / "out"),
            "--no-render",
            "--progress",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("[planner]")]
    for stage in ("screening", "matching", "budget"):
        assert f"[planner] stage {stage} start" in "\n".join(lines)
        assert any(ln.startswith(f"[planner] stage {stage} done in ") for ln in lines)
    assert any(ln.startswith("[planner] matching: ") and "arcs" in ln for ln in lines)
    assert not any(ln.startswith("[planner]") for ln in done.stdout.splitlines())


def test_without_the_flag_and_not_on_a_terminal_plan_prints_no_progress(tmp_path):
    import subprocess
    import sys

    folder = write_event(tmp_path / "ev", SMALL[0])
    planner = Path(sys.executable).with_name("planner")
    done = subprocess.run(
        [str(planner), "plan", str(folder), "--out", str(tmp_path / "out"), "--no-render"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "[planner]" not in done.stderr and "筛选志愿者" not in done.stderr
