"""Brothers and sisters kept whole at scale: the pairing when the flow splits a group.

The exact flow (:func:`planner.matching.flow.solve_exact`) sends a sibling
group of two as two units that may go to two volunteers: it is the LP
relaxation of the pairing, and with volunteers of one or two places and
every place needed it often splits a group (the 600-children day trip: 60
groups, most of them split). Its node prices still bound every whole plan:
a plan costs the flow's cost plus the reduced cost of every arc it uses
(each ≥ 0 for an arc the flow leaves unused), so a plan using an arc whose
reduced cost is above ``T`` costs more than ``flow + T``.

:func:`keep_whole` uses that twice:

1. a first whole plan by two exact flows: each group to a volunteer of its
   own, chosen by reduced cost (what taking that volunteer whole costs the
   other children), then the other children on the places left;
2. CP-SAT over units (a group is one choice of one volunteer with room for
   all of them) on the arcs of reduced cost at most ``T`` only: no plan
   costs less than the smaller of its bound and the flow's cost plus the
   least reduced cost left out, so its best plan there is the optimum when
   within that; otherwise that bound goes with the plan (the stage states
   the gap).

Costs here are to be minimised and include the spread bonus (a volunteer
taking exactly one child of two possible: ``-bonus``), as in the flow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from msgspec import Struct

from planner.matching.flow import ExactFlow, NoFullAssignment, solve_exact
from planner.solving import cp_solver, new_model

#: arcs per unit CP-SAT may weigh at most (the cheapest by reduced cost)
ARCS_PER_UNIT = 16

#: deterministic seconds CP-SAT may spend on the whole-units model (at most the stage's limit)
WHOLE_WORK = 2.0


class Units(Struct, frozen=True):
    """The pairing as the flow sees it: ``cost[u, v]`` per child of unit ``u``
    with volunteer ``v`` (allowed where ``ok``), ``demand[u]`` children per unit,
    ``capacity[v]`` places, ``bonus[v]`` for taking exactly one child."""

    cost: np.ndarray
    ok: np.ndarray
    demand: np.ndarray
    capacity: np.ndarray
    bonus: np.ndarray

    def total(self, volunteer_of: np.ndarray) -> int:
        """A whole plan's cost: every unit's arc, less the bonus of each volunteer with one child."""
        arcs = int((self.cost[np.arange(len(volunteer_of)), volunteer_of] * self.demand).sum())
        load = np.bincount(volunteer_of, weights=self.demand, minlength=len(self.capacity))
        return arcs - int(self.bonus[load == 1].sum())


class Whole(Struct, frozen=True):
    """A plan with every unit on one volunteer, and the least cost any such plan may have."""

    volunteer_of: np.ndarray  # per unit
    total: int
    bound: int

    @property
    def proved(self) -> bool:
        return self.total == self.bound


def keep_whole(
    units: Units, split: ExactFlow, *, seed: int, work: float, first_found: bool = False
) -> Whole | None:
    """Every unit whole with one volunteer, best first, from the flow ``split``
    that split some (its cost and prices); None when no whole plan was found.
    ``first_found``: any whole plan will do (screening asks only whether one exists)."""
    assert split.prices is not None and split.load is not None
    n, m = units.cost.shape
    prices = split.prices
    lp = split.cost - int(units.bonus[split.load == 1].sum())
    reduced = (units.cost + prices[:n, None] - prices[None, n : n + m]) * units.demand[:, None]
    first = _two_flows(units, reduced)
    if first is not None and (first_found or units.total(first) == lp):
        return Whole(first, units.total(first), lp)
    threshold = _threshold(units, reduced, lp, first)
    best = None if first is None else Whole(first, units.total(first), lp)
    for _ in range(3):
        keep = units.ok & (reduced <= threshold)
        found, below = _restricted(units, keep, first, seed, work)
        left_out = reduced[units.ok & ~keep]  # a plan using one costs at least lp + it
        bound = max(lp, min(below, lp + int(left_out.min())) if len(left_out) else below)
        if found is not None and (best is None or units.total(found) < best.total):
            best = Whole(found, units.total(found), bound)
        elif best is not None:
            best = Whole(best.volunteer_of, best.total, max(best.bound, bound))
        if best is not None:
            return best
        threshold = 4 * threshold + 1  # no whole plan on these arcs: more of them
    return None


def _threshold(units: Units, reduced: np.ndarray, lp: int, first: np.ndarray | None) -> int:
    """How far above the flow's cost CP-SAT looks: the first plan's gap (then its best is
    proved), but no further than the ``ARCS_PER_UNIT`` cheapest arcs per unit reach."""
    values = reduced[units.ok]
    room = min(len(values), ARCS_PER_UNIT * len(units.demand))
    reach = int(np.partition(values, room - 1)[room - 1]) if room else 0
    return max(0, reach if first is None else min(units.total(first) - lp, reach))


def _two_flows(units: Units, reduced: np.ndarray) -> np.ndarray | None:
    """A whole plan by exact flows: each group of several children to a volunteer of
    its own with room for all of them (least reduced cost), then the single children
    on the places left. None when the single children no longer fit."""
    groups = np.flatnonzero(units.demand > 1)
    singles = np.flatnonzero(units.demand == 1)
    room = units.capacity.copy()
    volunteer_of = np.full(len(units.demand), -1, dtype=np.int64)
    try:
        if len(groups):
            fits = units.ok[groups] & (units.capacity[None, :] >= units.demand[groups][:, None])
            taken = solve_exact(reduced[groups], fits, np.ones_like(room))
            volunteer_of[groups] = taken.volunteer_of
            room[taken.volunteer_of] = 0
        if len(singles):
            rest = solve_exact(
                units.cost[singles],
                units.ok[singles] & (room > 0)[None, :],
                room,
                single_bonus=units.bonus * (room == units.capacity),
            )
            volunteer_of[singles] = rest.volunteer_of
    except NoFullAssignment:
        return None
    return volunteer_of


class WholeUnitsModel:
    """CP-SAT over units on the arcs ``keep``: ``x[u, v]`` unit ``u`` goes whole to
    volunteer ``v``; one volunteer per unit, no volunteer above their places, and
    ``single[v]`` (the spread bonus) only when ``v`` takes exactly one child."""

    def __init__(self, units: Units, keep: np.ndarray) -> None:

        self.units = units
        self.model = new_model()
        rows, cols = np.nonzero(keep)
        self.arcs = list(zip(rows.tolist(), cols.tolist(), strict=True))
        self.x = [self.model.new_bool_var(f"x[{u},{v}]") for u, v in self.arcs]
        self.by_unit: list[list[int]] = [[] for _ in range(len(units.demand))]
        self.by_volunteer: list[list[int]] = [[] for _ in range(len(units.capacity))]
        for i, (u, v) in enumerate(self.arcs):
            self.by_unit[u].append(i)
            self.by_volunteer[v].append(i)
        self.one_volunteer_per_unit()
        self.load = self.within_places()
        self.model.minimize(self.cost())

    def one_volunteer_per_unit(self) -> None:
        for arcs in self.by_unit:
            self.model.add_exactly_one(self.x[i] for i in arcs)

    def within_places(self) -> dict[int, Any]:
        load = {}
        for v, arcs in enumerate(self.by_volunteer):
            if arcs:
                load[v] = sum(int(self.units.demand[self.arcs[i][0]]) * self.x[i] for i in arcs)
                self.model.add(load[v] <= int(self.units.capacity[v]))
        return load

    def cost(self) -> Any:
        u = self.units
        pairs = zip(self.arcs, self.x, strict=True)
        terms = [int(u.cost[a, v] * u.demand[a]) * x for (a, v), x in pairs]
        for v, load in self.load.items():
            bonus, cap = int(u.bonus[v]), int(u.capacity[v])
            if bonus and cap >= 2:
                # single = 1 only when the volunteer takes exactly one child: two linear
                # bounds, so the LP relaxation stays tight
                single = self.model.new_bool_var(f"single[{v}]")
                self.model.add(single <= load)
                self.model.add((cap - 1) * single <= cap - load)
                terms.append(-bonus * single)
        return sum(terms)

    def hint(self, volunteer_of: np.ndarray) -> None:
        for (u, v), x in zip(self.arcs, self.x, strict=True):
            self.model.add_hint(x, int(volunteer_of[u]) == v)

    def chosen(self, solver: Any) -> np.ndarray:
        volunteer_of = np.full(len(self.units.demand), -1, dtype=np.int64)
        for (u, v), x in zip(self.arcs, self.x, strict=True):
            if solver.boolean_value(x):
                volunteer_of[u] = v
        return volunteer_of


def _restricted(
    units: Units, keep: np.ndarray, hint: np.ndarray | None, seed: int, work: float
) -> tuple[np.ndarray | None, int]:
    """The best whole plan on the arcs ``keep`` (None if none found) and the least cost
    any whole plan on them may have (CP-SAT's bound; a large number when none exists)."""
    if not keep.any(axis=1).all():
        return None, np.iinfo(np.int64).max // 4
    from ortools.sat.python import cp_model

    wm = WholeUnitsModel(units, keep)
    if hint is not None:
        wm.hint(hint)
    solver = cp_solver(seed=seed, work=min(work, WHOLE_WORK), full_linearisation=True)
    status = solver.solve(wm.model)
    if status == cp_model.INFEASIBLE:
        return None, np.iinfo(np.int64).max // 4
    below = int(np.ceil(solver.best_objective_bound - 1e-6))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, below
    return wm.chosen(solver), below
