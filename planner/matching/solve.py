"""Pair the screened volunteers with the children: the best-scoring plan that keeps every hard rule.

Method: when only capacities and pair scores matter (no siblings, no
fixed charge for using a volunteer), a min-cost flow solves the event
exactly (the spread bonus is a convex cost on each volunteer's two places);
otherwise CP-SAT with the hard rules of :mod:`planner.matching.rules`.
Both give the same optimum; one worker and a fixed seed keep CP-SAT
deterministic, and a time-out is never reported as impossible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from planner.errors import TimeLimitReached
from planner.matching.criteria import Scorer
from planner.matching.facts import effective_capacity, siblings_kept_together
from planner.matching.flow import NoFullAssignment, solve_flow
from planner.matching.rules import PairingModel, arc_blockers
from planner.model import Child, Event, Volunteer
from planner.solving import cp_solver


class Unpairable(Exception):
    """No pairing keeps every hard rule (proved, not timed out)."""


@dataclass(frozen=True)
class Pairing:
    """The solver's answer: each volunteer's children, and the objective it reached."""

    children_of: dict[str, tuple[str, ...]]
    objective: int
    optimal: bool
    method: str


def allowed_points(
    event: Event, volunteers: list[Volunteer], children: list[Child], scorer: Scorer
) -> dict[tuple[str, str], int]:
    """Integer points of every pair the arc rules allow."""
    return {
        (v.id, c.id): scorer.points(v, c)
        for v in volunteers
        for c in children
        if not arc_blockers(event, v, c)
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
    points = allowed_points(event, volunteers, children, scorer)
    for arc, extra in (bonus or {}).items():
        if arc in points:
            points[arc] += extra
    if not children:
        return Pairing({}, 0, True, "empty")
    if not siblings_kept_together(event, children) and not volunteer_cost:
        return _by_flow(event, volunteers, children, points, scorer)
    return _by_cp_sat(event, volunteers, children, points, scorer, volunteer_cost or {})


def _by_flow(
    event: Event,
    volunteers: list[Volunteer],
    children: list[Child],
    points: dict[tuple[str, str], int],
    scorer: Scorer,
) -> Pairing:
    vi = {v.id: i for i, v in enumerate(volunteers)}
    ci = {c.id: j for j, c in enumerate(children)}
    arcs = sorted(points)
    child = np.array([ci[c] for _, c in arcs], dtype=np.int64)
    vol = np.array([vi[v] for v, _ in arcs], dtype=np.int64)
    cost = np.array([-points[a] for a in arcs], dtype=np.int64)
    caps = np.array([effective_capacity(event, v) for v in volunteers], dtype=np.int64)
    bonus = np.array([scorer.spread_points(v) for v in volunteers], dtype=np.int64)
    try:
        result = solve_flow(
            len(children), len(volunteers), child, vol, cost, caps, single_bonus=bonus
        )
    except NoFullAssignment:
        raise Unpairable from None
    children_of: dict[str, list[str]] = {}
    for j, i in enumerate(result.volunteer_of.tolist()):
        children_of.setdefault(volunteers[i].id, []).append(children[j].id)
    objective = -result.cost + int(
        sum(bonus[vi[v]] for v, kids in children_of.items() if len(kids) == 1)
    )
    return Pairing(
        {v: tuple(sorted(k)) for v, k in sorted(children_of.items())},
        objective,
        True,
        "min_cost_flow",
    )


def _by_cp_sat(
    event: Event,
    volunteers: list[Volunteer],
    children: list[Child],
    points: dict[tuple[str, str], int],
    scorer: Scorer,
    volunteer_cost: dict[str, int],
) -> Pairing:

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
