"""Pair the screened volunteers with the children: the best-scoring plan that keeps every hard rule.

Method: a min-cost flow over every allowed arc, proved optimal on few of
them (:func:`planner.matching.flow.solve_exact`), at any size. Brothers and
sisters kept together are one unit needing a volunteer with room for all
of them; locked and forbidden pairs are arcs kept or left out. The flow is
the LP relaxation of the pairing, so when it sends every unit whole to one
volunteer it is the optimum. When it splits a unit, CP-SAT solves a small
event (up to :data:`SPLIT_CP_SAT_LIMIT` children) with the hard rules of
:mod:`planner.matching.rules`, and :func:`planner.matching.whole.keep_whole`
a larger one (proved, or with a bound); when using a volunteer at all has a
charge (re-matching), CP-SAT solves the event. One worker and a fixed seed
keep CP-SAT deterministic, and a time-out is never reported as impossible.
"""

from __future__ import annotations

import math

import numpy as np
from msgspec import Struct

from planner.errors import TimeLimitReached
from planner.matching.criteria import Scorer, points_matrix
from planner.matching.facts import effective_capacity, siblings_kept_together
from planner.matching.flow import NoFullAssignment, solve_exact
from planner.matching.rules import PairingModel, allowed_matrix
from planner.matching.whole import Units, keep_whole
from planner.model import Child, Event, Volunteer
from planner.solving import cp_solver
from planner.steps import report_progress


class Unpairable(Exception):
    """No pairing keeps every hard rule (proved, not timed out)."""


class Pairing(Struct, frozen=True):
    """The solver's answer: each volunteer's children, and the objective it reached."""

    children_of: dict[str, tuple[str, ...]]
    objective: int
    optimal: bool
    method: str
    #: not proved optimal by the flow: no plan scores above this (the flow's relaxation)
    bound: int | None = None


def allowed_points(
    event: Event, volunteers: list[Volunteer], children: list[Child], scorer: Scorer
) -> dict[tuple[str, str], int]:
    """Integer points of every pair the arc rules allow."""
    points, allowed = _tables(event, volunteers, children, scorer, None)
    return _as_dict(volunteers, children, points, allowed)


def _tables(
    event: Event,
    volunteers: list[Volunteer],
    children: list[Child],
    scorer: Scorer,
    bonus: dict[tuple[str, str], int] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """``points[c, v]`` (with ``bonus`` added) and ``allowed[c, v]``, by position."""
    points = points_matrix(scorer, volunteers, children)
    allowed = allowed_matrix(event, volunteers, children)
    if bonus:
        vi = {v.id: i for i, v in enumerate(volunteers)}
        ci = {c.id: j for j, c in enumerate(children)}
        for (vid, cid), extra in bonus.items():
            if vid in vi and cid in ci:
                points[ci[cid], vi[vid]] += extra
    return points, allowed


def _as_dict(
    volunteers: list[Volunteer], children: list[Child], points: np.ndarray, allowed: np.ndarray
) -> dict[tuple[str, str], int]:
    rows, cols = np.nonzero(allowed)
    return {
        (volunteers[j].id, children[i].id): int(points[i, j])
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
    }


def solve_pairing(
    event: Event,
    volunteers: list[Volunteer],
    children: list[Child],
    *,
    scorer: Scorer | None = None,
    bonus: dict[tuple[str, str], int] | None = None,
    volunteer_cost: dict[str, int] | None = None,
) -> Pairing:
    """The optimal pairing of ``children`` with ``volunteers`` (both sorted by id).

    ``bonus`` adds points to given pairs and ``volunteer_cost`` charges for
    using a volunteer at all (re-matching: keep pairs, call in few reserves).
    Raises :class:`Unpairable` or :class:`planner.errors.TimeLimitReached`.
    """
    scorer = scorer or Scorer(event)
    if not children:
        return Pairing({}, 0, True, "empty")
    points, allowed = _tables(event, volunteers, children, scorer, bonus)
    if not volunteer_cost:
        found = _by_flow(event, volunteers, children, points, allowed, scorer)
        if found is not None:
            return found
    arcs = _as_dict(volunteers, children, points, allowed)
    return _by_cp_sat(event, volunteers, children, arcs, scorer, volunteer_cost or {})


def pairs_everyone(event: Event, volunteers: list[Volunteer], children: list[Child]) -> bool:
    """Whether ``volunteers`` can pair every one of ``children`` keeping every hard
    rule (screening's check of a choice): the flow, its groups kept whole by
    :func:`planner.matching.whole.keep_whole`; CP-SAT only when that finds no plan.
    Raises :class:`planner.errors.TimeLimitReached`."""
    if not children:
        return True
    scorer = Scorer(event)
    points, allowed = _tables(event, volunteers, children, scorer, None)
    try:
        if _by_flow(event, volunteers, children, points, allowed, scorer, first_found=True):
            return True
        arcs = _as_dict(volunteers, children, points, allowed)
        _by_cp_sat(event, volunteers, children, arcs, scorer, {})
    except Unpairable:
        return False
    return True


class _Units(Struct, frozen=True):
    """Children as the flow sees them: one row per child, or per sibling group kept together."""

    members: list[list[int]]  # child positions of each unit
    demand: np.ndarray  # children per unit
    scale: int  # costs are multiplied by this so a unit's cost per child is whole


def _units(event: Event, children: list[Child]) -> _Units:
    pos = {c.id: i for i, c in enumerate(children)}
    groups = [[pos[cid] for cid in ids] for ids in siblings_kept_together(event, children).values()]
    grouped = {i for g in groups for i in g}
    members = sorted([[i] for i in range(len(children)) if i not in grouped] + groups)
    demand = np.array([len(m) for m in members], dtype=np.int64)
    return _Units(members, demand, math.lcm(*demand.tolist()) if len(demand) else 1)


def _by_flow(
    event: Event,
    volunteers: list[Volunteer],
    children: list[Child],
    points: np.ndarray,
    allowed: np.ndarray,
    scorer: Scorer,
    *,
    first_found: bool = False,
) -> Pairing | None:
    """The exact min-cost flow (:func:`planner.matching.flow.solve_exact`); a sibling
    group is one unit needing a volunteer with room for all of them. When the flow
    splits a unit between volunteers: CP-SAT over every child decides a small event
    (None), else :func:`planner.matching.whole.keep_whole` keeps every group whole,
    proved optimal or with the bound its gap is stated from (None if it finds no
    whole plan). ``first_found``: any plan keeping every rule will do (screening)."""
    units = _units(event, children)
    caps = np.array([effective_capacity(event, v) for v in volunteers], dtype=np.int64)
    cost = np.stack([-points[m].sum(axis=0) * units.scale // len(m) for m in units.members])
    ok = np.stack([allowed[m].all(axis=0) & (caps >= len(m)) for m in units.members])
    spread = np.array([scorer.spread_points(v) for v in volunteers], dtype=np.int64)
    try:
        result = solve_exact(
            cost,
            ok,
            caps,
            single_bonus=spread * units.scale,
            demand=units.demand,
            progress=lambda step, done, total: report_progress(step, done, total),
        )
    except NoFullAssignment:
        raise Unpairable from None
    optimal, bound = True, None
    volunteer_of = result.volunteer_of
    if result.split:
        if len(children) <= SPLIT_CP_SAT_LIMIT and not first_found:
            return None  # small enough for CP-SAT over every child to prove the optimum
        whole = keep_whole(
            Units(cost, ok, units.demand, caps, spread * units.scale),
            result,
            seed=event.matching.seed,
            work=event.matching.time_limit_s,
            first_found=first_found,
        )
        if whole is None:
            return None
        volunteer_of, optimal = whole.volunteer_of, whole.proved
        bound = -whole.bound // units.scale
    children_of: dict[str, list[str]] = {}
    for u, i in enumerate(volunteer_of.tolist()):
        kids = children_of.setdefault(volunteers[i].id, [])
        kids.extend(children[j].id for j in units.members[u])
    objective = -Units(cost, ok, units.demand, caps, spread * units.scale).total(volunteer_of)
    objective //= units.scale
    return Pairing(
        {v: tuple(sorted(k)) for v, k in sorted(children_of.items())},
        objective,
        optimal,
        "min_cost_flow",
        None if optimal else bound,
    )


#: with siblings split by the flow, events up to this many children go to CP-SAT
SPLIT_CP_SAT_LIMIT = 200


def _by_cp_sat(
    event: Event,
    volunteers: list[Volunteer],
    children: list[Child],
    points: dict[tuple[str, str], int],
    scorer: Scorer,
    volunteer_cost: dict[str, int],
) -> Pairing:

    from ortools.sat.python import cp_model

    pm = PairingModel(event, volunteers, children)
    model = pm.model
    terms = [points[arc] * var for arc, var in sorted(pm.y.items()) if points.get(arc)]
    for v in volunteers:
        arcs = pm.by_volunteer[v.id]
        if not arcs:
            continue
        spread = scorer.spread_points(v)  # only for volunteers who may take two
        if spread:
            # single = 1 only when the volunteer takes exactly one child; written as two
            # linear bounds (not a reified equality) so the LP relaxation stays tight
            single = model.new_bool_var(f"single[{v.id}]")
            model.add(single <= sum(arcs))
            model.add(single <= 2 - sum(arcs))
            terms.append(spread * single)
        charge = volunteer_cost.get(v.id, 0)
        if charge:
            used = model.new_bool_var(f"used[{v.id}]")
            for var in arcs:
                model.add_implication(var, used)
            terms.append(-charge * used)
    model.maximize(sum(terms))
    settings = event.matching
    solver = cp_solver(seed=settings.seed, work=settings.time_limit_s, full_linearisation=True)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        raise Unpairable
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise TimeLimitReached("matching", settings.time_limit_s)
    children_of: dict[str, list[str]] = {}
    for (vid, cid), var in sorted(pm.y.items()):
        if solver.boolean_value(var):
            children_of.setdefault(vid, []).append(cid)
    return Pairing(
        {v: tuple(sorted(k)) for v, k in sorted(children_of.items())},
        round(solver.objective_value),
        status == cp_model.OPTIMAL,
        "cp_sat",
    )
