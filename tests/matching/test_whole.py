"""Sibling groups kept whole at scale (planner.matching.whole), on hand-made units."""

from __future__ import annotations

import numpy as np

from planner.matching.flow import solve_exact
from planner.matching.whole import Units, keep_whole


def units(cost, capacity, demand, bonus=None):
    cost = np.array(cost, dtype=np.int64)
    return Units(
        cost,
        np.ones(cost.shape, dtype=bool),
        np.array(demand, dtype=np.int64),
        np.array(capacity, dtype=np.int64),
        np.zeros(len(capacity), dtype=np.int64) if bonus is None else np.array(bonus),
    )


def split_flow(u):
    return solve_exact(u.cost, u.ok, u.capacity, single_bonus=u.bonus, demand=u.demand)


def test_a_group_the_flow_splits_takes_a_whole_volunteer_at_the_proved_optimum():
    """Two volunteers of two places; siblings (unit 0) and two children who each prefer
    a different volunteer. The flow gives each volunteer one sibling and its favourite
    child (cost -20); whole, the siblings take one volunteer and the two children the
    other (cost -10), proved: the flow's prices bound every whole plan."""
    u = units([[0, 0], [-10, 0], [0, -10]], capacity=[2, 2], demand=[2, 1, 1])
    flow = split_flow(u)
    assert flow.split and flow.cost == -20
    whole = keep_whole(u, flow, seed=0, work=5.0)
    assert whole is not None and whole.proved and whole.total == whole.bound == -10
    siblings_with = int(whole.volunteer_of[0])
    assert set(whole.volunteer_of[1:].tolist()) == {1 - siblings_with}


def test_the_bonus_for_one_child_counts_in_the_whole_plan():
    """Three volunteers of two places, siblings and one child: the child alone on a
    volunteer earns that volunteer's bonus (5), so the best whole plan is -5 + 0."""
    u = units([[0, 0, 0], [0, 0, 0]], capacity=[2, 2, 2], demand=[2, 1], bonus=[5, 5, 5])
    whole = keep_whole(u, split_flow(u), seed=0, work=5.0)
    assert whole is not None and whole.total == -5 and whole.proved
    assert whole.volunteer_of[0] != whole.volunteer_of[1]


def test_no_whole_plan_when_siblings_need_a_volunteer_there_is_no_room_for():
    """Two volunteers of two places, siblings and two more children: whole, the
    siblings take one volunteer; a third single child leaves no whole plan."""
    u = units([[0, 0], [0, 0], [0, 0], [0, 0]], capacity=[2, 2], demand=[2, 1, 1, 1])
    flow = solve_exact(u.cost, u.ok, np.array([2, 3]), demand=u.demand)  # room for five
    assert keep_whole(u, flow, seed=0, work=5.0) is None
