"""Pairing: each child on the day gets one screened volunteer, optimally, with reasons.

``validate(event)`` lists the input problems and ``run(event, plan)`` pairs
(the stage); ``assign(costs, capacities)`` is the scale path for thousands.
Re-pairing on the day is :mod:`planner.rematch`.
"""

from __future__ import annotations

from planner.errors import Infeasible, InvalidInput, Problem
from planner.matching.criteria import CRITERIA, SCALE, Scorer, check_weights
from planner.matching.explain import explain_pair
from planner.matching.facts import attending_children
from planner.matching.feasibility import Facts, counting_problems, why_impossible
from planner.matching.flow import Assignment, assign
from planner.matching.inputs import validate
from planner.matching.solve import Pairing, Unpairable, solve_pairing
from planner.model import Event, Notice, Pair, Plan, Volunteer

__all__ = ["CRITERIA", "Assignment", "Pairing", "assign", "pairs_for", "run", "validate"]


def screened(event: Event, plan: Plan) -> list[Volunteer]:
    """The volunteers screening chose, as objects; an unknown id is bad input."""
    by_id = {v.id: v for v in event.volunteers}
    unknown = sorted(set(plan.volunteers_selected) - set(by_id))
    if unknown:
        raise InvalidInput(
            [
                Problem(
                    "plan.json",
                    None,
                    "volunteers_selected",
                    f"入选名单中的 {vid} 不在报名名单中",
                    f"selected volunteer {vid} is not among the applicants",
                )
                for vid in unknown
            ]
        )
    return sorted((by_id[v] for v in set(plan.volunteers_selected)), key=lambda v: v.id)


def impossible(facts: Facts, found: list[tuple[str, str]] | None = None) -> Infeasible:
    """The Infeasible error for ``facts``: counting reasons, else a confirmed rule core."""
    reasons = found or why_impossible(facts, seed=facts.event.matching.seed)
    if not reasons:
        reasons = [
            (
                "没有满足全部硬性规则的结对方案(未能进一步定位冲突的规则)",
                "no pairing keeps every hard rule (the colliding rules could not be narrowed down)",
            )
        ]
    return Infeasible("matching", [zh for zh, _ in reasons], [en for _, en in reasons])


def pairs_for(
    event: Event,
    volunteers: list[Volunteer],
    *,
    rejected: dict[str, str] | None = None,
    bonus: dict[tuple[str, str], int] | None = None,
    volunteer_cost: dict[str, int] | None = None,
) -> tuple[list[Pair], Pairing]:
    """Pair ``volunteers`` with the event's attending children; raise Infeasible with reasons."""
    check_weights(event)
    children = attending_children(event)
    facts = Facts(event, volunteers, children, rejected)
    found = counting_problems(facts)
    if found:
        raise impossible(facts, found)
    scorer = Scorer(event)
    try:
        pairing = solve_pairing(
            event, volunteers, children, scorer=scorer, bonus=bonus, volunteer_cost=volunteer_cost
        )
    except Unpairable:
        raise impossible(facts) from None
    by_v = {v.id: v for v in volunteers}
    by_c = {c.id: c for c in children}
    pairs = [
        explain_pair(event, scorer, by_v[vid], [by_c[c] for c in kids])
        for vid, kids in pairing.children_of.items()
    ]
    return pairs, pairing


def run(event: Event, plan: Plan) -> Plan:
    """The matching stage: fill ``plan.pairs`` (sorted by volunteer id)."""
    volunteers = screened(event, plan)
    rejected = {r.volunteer_id: r.reason for r in plan.volunteers_rejected}
    pairs, pairing = pairs_for(event, volunteers, rejected=rejected)
    notices = list(plan.notices)
    if not pairing.optimal and pairing.bound is not None:
        gap = (pairing.bound - pairing.objective) / SCALE
        notices.append(
            Notice(
                stage="matching",
                code="not_proved_optimal",
                zh=f"结对:兄弟姐妹各由一名志愿者带,方案得分距可能的最高分至多差 {gap:.2f} 分",
                en=f"pairing: siblings kept whole; the score is at most {gap:.2f} below the best possible",
            )
        )
    elif not pairing.optimal:
        notices.append(
            Notice(
                stage="matching",
                code="not_proved_optimal",
                zh=f"结对:在 {event.matching.time_limit_s:g} 秒时限内找到方案,但未证明最优",
                en="pairing found within the time limit but not proved optimal",
            )
        )
    return plan.model_copy(update={"pairs": pairs, "notices": notices})
