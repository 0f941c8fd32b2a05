"""Tiny named events for the screening and matching tests, built in Python.

``volunteer()`` is an eligible applicant (trained, background check in date,
adult, available) and ``child()`` a child who comes; keyword overrides break
one thing at a time. ``planned()`` runs screening and matching and audits
the answer with the plan checker, so every solver answer in the tests goes
through it.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from planner.check import check_plan
from planner.matching.criteria import Scorer
from planner.matching.facts import (
    attending_children,
    effective_capacity,
    sibling_groups,
)
from planner.matching.rules import may_pair
from planner.model import (
    Child,
    Event,
    GroupSettings,
    MatchingSettings,
    Plan,
    Quota,
    Scores,
    ScreeningSettings,
    Volunteer,
)
from planner.pipeline import empty_plan

DAY = date(2026, 12, 12)
STAGES = {"screening", "matching"}


def volunteer(vid: str, **kw: Any) -> Volunteer:
    """An eligible applicant; ``score`` sets all four interview scores at once."""
    score = kw.pop("score", 7)
    fields: dict[str, Any] = {
        "id": vid,
        "name": f"志愿者{vid}",
        "gender": "female",
        "age": 25,
        "max_children": 2,
        "training_done": True,
        "background_check_done": True,
        "background_check_date": date(2026, 6, 1),
        "scores": Scores(responsibility=score, patience=score, caring=score, interview=score),
    }
    fields.update(kw)
    return Volunteer(**fields)


def child(cid: str, **kw: Any) -> Child:
    fields: dict[str, Any] = {"id": cid, "name": f"儿童{cid}", "gender": "female", "age": 10}
    fields.update(kw)
    return Child(**fields)


def event(
    volunteers: list[Volunteer],
    children: list[Child],
    *,
    select: int | None = None,
    quotas: tuple[Quota, ...] = (),
    groups: int = 1,
    weights: dict[str, float] | None = None,
    **matching: Any,
) -> Event:
    """An event on DAY; ``matching`` keywords go to MatchingSettings (max_children=2 by default)."""
    matching.setdefault("max_children", 2)
    if weights is not None:
        matching["weights"] = weights
    return Event(
        id="test",
        name="测试活动",
        date=DAY,
        volunteers=tuple(volunteers),
        children=tuple(children),
        screening=ScreeningSettings(select=select, quotas=quotas),
        matching=MatchingSettings(**matching),
        groups=GroupSettings(count=groups),
    )


def screened(ev: Event) -> Plan:
    import planner.screening

    return planner.screening.run(ev, empty_plan(ev))


def planned(ev: Event) -> Plan:
    """Screening then matching, audited by the checker (which must find nothing)."""
    import planner.matching

    plan = planner.matching.run(ev, screened(ev))
    found = check_plan(ev, plan, stages=STAGES)
    assert found == [], found
    return plan


def volunteer_of(plan: Plan) -> dict[str, str]:
    return {cid: p.volunteer_id for p in plan.pairs for cid in p.child_ids}


def violations(ev: Event, plan: Plan) -> list[str]:
    """Names of the broken rules (the checker's, for the two stages)."""
    return sorted({v.rule for v in check_plan(ev, plan, stages=STAGES)})


def plan_objective(ev: Event, plan: Plan) -> int:
    """The solver's integer objective of a plan, recomputed from the criteria."""
    scorer = Scorer(ev)
    by_v = {v.id: v for v in ev.volunteers}
    by_c = {c.id: c for c in ev.children}
    total = 0
    for p in plan.pairs:
        v = by_v[p.volunteer_id]
        total += sum(scorer.points(v, by_c[c]) for c in p.child_ids)
        if len(p.child_ids) == 1:
            total += scorer.spread_points(v)
    return total


def brute_force_best(ev: Event, volunteer_ids: list[str]) -> int | None:
    """The best objective over every assignment that keeps the hard rules (None: none does).

    Written independently of the solver: plain enumeration and plain checks.
    """
    vols = [v for v in ev.volunteers if v.id in set(volunteer_ids)]
    kids = attending_children(ev)
    scorer = Scorer(ev)
    options = [[v for v in vols if may_pair(ev, v, c)] for c in kids]
    siblings = list(sibling_groups(kids).values())
    best: int | None = None
    for choice in itertools.product(*options):
        load: dict[str, int] = {}
        for v in choice:
            load[v.id] = load.get(v.id, 0) + 1
        if any(load[v.id] > effective_capacity(ev, v) for v in choice):
            continue
        of = {c.id: v.id for c, v in zip(kids, choice, strict=True)}
        if any(len({of[c] for c in group}) > 1 for group in siblings):
            continue
        total = sum(scorer.points(v, c) for c, v in zip(kids, choice, strict=True))
        total += sum(scorer.spread_points(v) for v in vols if load.get(v.id) == 1)
        best = total if best is None else max(best, total)
    return best


def flow_and_cp_sat(ev: Event, vols: list[Volunteer], kids: list[Child]) -> tuple[Any, Any]:
    """The pairing of ``vols`` and ``kids`` by the exact flow (None where it gives
    up) and by CP-SAT over every child, for tests that hold one against the other."""
    from planner.matching.solve import _by_cp_sat, _by_flow, _tables, allowed_points

    scorer = Scorer(ev)
    points, allowed = _tables(ev, vols, kids, scorer, None)
    by_flow = _by_flow(ev, vols, kids, points, allowed, scorer)
    by_sat = _by_cp_sat(ev, vols, kids, allowed_points(ev, vols, kids, scorer), scorer, {})
    return by_flow, by_sat


def assert_flow_within_its_bound(by_flow: Any, by_sat: Any) -> None:
    """The flow's plan equals CP-SAT's optimum when proved; else it is no better
    and its stated bound is no lower."""
    assert by_sat.optimal and by_flow is not None
    if by_flow.optimal:
        assert by_flow.objective == by_sat.objective
    else:
        assert by_flow.bound is not None
        assert by_flow.objective <= by_sat.objective <= by_flow.bound
