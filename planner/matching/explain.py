"""Each pair with its score and its reasons, in words an organiser understands."""

from __future__ import annotations

from planner.matching.criteria import CRITERIA, Scorer
from planner.matching.facts import sibling_groups, special_care_needs
from planner.matching.words import NEED_EN, NEED_ZH
from planner.model import Child, Event, Pair, Volunteer


def _hard_reasons(event: Event, v: Volunteer, kids: list[Child]) -> list[tuple[str, str]]:
    """Why the rules themselves put these people together (locks, siblings, special care)."""
    out: list[tuple[str, str]] = []
    ids = {c.id for c in kids}
    for lock in event.matching.locked:
        if lock.volunteer == v.id and ids & set(lock.children):
            out.append(("锁定结对(长期结对,保持不变)", "locked pair (long-term, kept)"))
            break
    for _group, members in sibling_groups(kids).items():
        out.append(
            (
                f"兄弟姐妹 {'+'.join(members)} 同一志愿者(规定)",
                f"siblings {'+'.join(members)} with one volunteer (rule)",
            )
        )
    for c in kids:
        needs = special_care_needs(c)
        if needs:
            out.append(
                (
                    f"{c.id} 需特殊照护({'、'.join(NEED_ZH[n] for n in needs)}):志愿者受过特殊教育培训(规定)",
                    f"{c.id} needs special care ({', '.join(NEED_EN[n] for n in needs)}): "
                    "volunteer trained for special needs (rule)",
                )
            )
    return out


def explain_pair(event: Event, scorer: Scorer, v: Volunteer, kids: list[Child]) -> Pair:
    """The pair of ``v`` and ``kids`` with its points per criterion and its reasons."""
    reasons = _hard_reasons(event, v, kids)
    points: dict[str, float] = {}
    for c in kids:
        for credit in scorer.credits(v, c):
            prefix = f"{c.id}:" if len(kids) > 1 else ""
            prefix_en = f"{c.id}: " if len(kids) > 1 else ""
            reasons.append((prefix + credit.zh, prefix_en + credit.en))
            points[credit.criterion] = points.get(credit.criterion, 0.0) + credit.points
    spread = scorer.spread(v, [c.id for c in kids])
    if spread is not None:
        reasons.append((spread.zh, spread.en))
        points["spread"] = spread.points
    if not reasons:
        reasons.append(("无加分项:按名额安排", "no criterion scored: placed by available places"))
    order = {name: i for i, name in enumerate(CRITERIA)}
    points = {k: round(points[k], 2) for k in sorted(points, key=order.__getitem__)}
    return Pair(
        volunteer_id=v.id,
        child_ids=sorted(c.id for c in kids),
        score=round(sum(points.values()), 2),
        reasons=[zh for zh, _ in reasons],
        reasons_en=[en for _, en in reasons],
        points=points,
        locked=any(
            lock.volunteer == v.id and {c.id for c in kids} & set(lock.children)
            for lock in event.matching.locked
        ),
    )
