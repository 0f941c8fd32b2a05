"""The scale path's tables and exact flow agree with the rules and solvers they stand for."""

from __future__ import annotations

import random

import numpy as np
import pytest
from matching.build import child, event, volunteer

from planner.matching.criteria import Scorer, points_matrix
from planner.matching.flow import NoFullAssignment, solve_exact, solve_flow
from planner.matching.rules import allowed_matrix, may_pair
from planner.model import ForbiddenPair, LockedPair

WEIGHTS = {
    "same_gender": 10,
    "need_skill": 25,
    "dialect": 10,
    "distance": 15,
    "age_gap": 5,
    "continuity": 40,
    "spread": 30,
}


def mixed_event(seed: int, *, same_gender: bool):
    rng = random.Random(seed)
    kids = [
        child(
            f"C{i:02d}",
            gender=rng.choice(("male", "female")),
            age=rng.randint(6, 14),
            needs=rng.choice(((), ("wheelchair",), ("tutoring_math",), ("counselling",))),
            dialects=rng.choice(((), ("关中话",), ("四川话",))),
            village=rng.choice(("石井村", "柳树湾", None)),
        )
        for i in range(14)
    ]
    vols = [
        volunteer(
            f"V{i:02d}",
            gender=rng.choice(("male", "female")),
            age=rng.randint(18, 50),
            skills=rng.choice(((), ("special_needs",), ("tutoring_math",), ("counselling",))),
            dialects=rng.choice(((), ("关中话",), ("四川话", "关中话"))),
            home_area=rng.choice(("石井村", "柳树湾", None)),
            last_children=(f"C{rng.randint(0, 13):02d}",),
            max_children=rng.choice((1, 2)),
        )
        for i in range(11)
    ]
    return event(
        vols,
        kids,
        weights=WEIGHTS,
        same_gender_required=same_gender,
        locked=(LockedPair(volunteer="V03", children=("C05",)),),
        forbidden=(
            ForbiddenPair(volunteer="V01", child="C02"),
            ForbiddenPair(volunteer="V07", child="C09"),
        ),
    )


@pytest.mark.parametrize("same_gender", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_tables_say_what_the_rules_and_criteria_say_pair_by_pair(seed, same_gender):
    ev = mixed_event(seed, same_gender=same_gender)
    vols, kids = list(ev.volunteers), list(ev.children)
    scorer = Scorer(ev)
    points = points_matrix(scorer, vols, kids)
    allowed = allowed_matrix(ev, vols, kids)
    for i, c in enumerate(kids):
        for j, v in enumerate(vols):
            assert points[i, j] == scorer.points(v, c), (v.id, c.id)
            assert allowed[i, j] == may_pair(ev, v, c), (v.id, c.id)
    assert not allowed.all()  # the locks, forbidden pairs and special care did bite


def geographic(n: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    kids, vols = rng.uniform(0, 100, (n, 2)), rng.uniform(0, 100, (m, 2))
    cost = np.rint(np.hypot(*(kids[:, None, :] - vols[None, :, :]).transpose(2, 0, 1)) * 10)
    allowed = rng.random((n, m)) > 0.15
    return cost.astype(np.int64), allowed


@pytest.mark.parametrize("cap", [1, 2])
@pytest.mark.parametrize("seed", range(4))
def test_the_flow_on_few_arcs_proves_the_optimum_over_all(seed, cap):
    n, m = 120, 100 if cap == 2 else 130
    cost, allowed = geographic(n, m, seed)
    caps = np.full(m, cap, dtype=np.int64)
    bonus = np.full(m, 40, dtype=np.int64) if cap == 2 else None
    child, vol = np.nonzero(allowed)
    dense = solve_flow(n, m, child, vol, cost[child, vol], caps, single_bonus=bonus)
    exact = solve_exact(cost, allowed, caps, single_bonus=bonus, nearest=3)
    assert exact.rounds > 1  # three arcs each were not enough: the prices found more
    assert exact.cost == dense.cost
    assert allowed[np.arange(n), exact.volunteer_of].all()
    assert (np.bincount(exact.volunteer_of, minlength=m) <= caps).all()


def test_too_few_arcs_for_a_full_assignment_are_widened():
    cost = np.array([[1, 9, 9], [1, 9, 9], [1, 9, 9]], dtype=np.int64)
    allowed = np.ones((3, 3), dtype=bool)
    result = solve_exact(cost, allowed, np.ones(3, dtype=np.int64), nearest=1)
    assert sorted(result.volunteer_of.tolist()) == [0, 1, 2]
    assert result.cost == 19


def test_no_full_assignment_on_every_arc_is_refused():
    allowed = np.array([[True, False], [True, False]])
    with pytest.raises(NoFullAssignment):
        solve_exact(np.ones((2, 2), dtype=np.int64), allowed, np.ones(2, dtype=np.int64))


def test_a_unit_of_two_goes_whole_to_a_volunteer_with_room_or_says_split():
    # two siblings (one unit of demand 2) and a single child; V0 takes two, V1 one
    cost = np.array([[2, 0], [5, 1]], dtype=np.int64)  # per child of the unit, the single
    allowed = np.array([[True, False], [True, True]])
    demand = np.array([2, 1], dtype=np.int64)
    result = solve_exact(cost, allowed, np.array([2, 1], dtype=np.int64), demand=demand)
    assert not result.split and result.volunteer_of.tolist() == [0, 1]
    assert result.cost == 2 * 2 + 1
