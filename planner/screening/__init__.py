"""Screening: choose the event's volunteers from the applicants, with a reason for everyone left out.

Hard requirements first (training, background check in date, adult,
available: :mod:`planner.screening.requirements`); then, among the eligible,
the choice of :mod:`planner.screening.select` (quotas, every child
pairable, best weighted scores). Every applicant not chosen gets a
:class:`planner.model.Rejection` with the reason in Chinese (and English).
"""

from __future__ import annotations

import numpy as np

from planner.errors import Problem
from planner.matching.facts import attending_children, effective_capacity
from planner.model import Event, Notice, Plan, Rejection, Volunteer
from planner.screening.cover import Cover, cover_of
from planner.screening.requirements import (
    check_weights,
    eligible,
    failures,
    weight_problems,
    weighted_score,
)
from planner.screening.select import Choice, choose, quota_needs

__all__ = ["rejections", "run", "validate"]


def validate(event: Event) -> list[Problem]:
    """Every input problem of the screening stage (its weights)."""
    return weight_problems(event)


def run(event: Event, plan: Plan) -> Plan:
    """The screening stage: fill ``volunteers_selected`` and ``volunteers_rejected``."""
    check_weights(event)
    pool = eligible(event)
    wanted = event.screening.select
    notices = list(plan.notices)
    n = len(pool) if wanted is None else min(wanted, len(pool))
    if wanted is not None and wanted > len(pool):
        notices.append(
            _notice(
                "fewer_eligible_than_wanted",
                f"筛选:合格报名者只有 {len(pool)} 名,少于计划的 {wanted} 名,全部入选",
                f"screening: only {len(pool)} eligible applicants for {wanted} places; all chosen",
            )
        )
    choice = choose(event, pool, n)
    if choice.coverable < choice.children:
        notices.append(
            _notice(
                "children_left_unpairable",
                f"筛选:入选志愿者最多能为 {choice.coverable}/{choice.children} 名儿童结对",
                f"screening: the chosen volunteers can pair at most {choice.coverable} of {choice.children} children",
            )
        )
    if not choice.optimal:
        notices.append(
            _notice(
                "not_proved_optimal",
                "筛选:时限内未证明最优",
                "screening: not proved optimal within the time limit",
            )
        )
    return plan.model_copy(
        update={
            "volunteers_selected": list(choice.chosen),
            "volunteers_rejected": rejections(event, pool, choice),
            "notices": notices,
        }
    )


class _Counts:
    """Children a team can pair, counted by max flow over the pool's classes (built once)."""

    def __init__(self, event: Event, pool: list[Volunteer]) -> None:
        self.event, self.pool = event, pool
        self._cover: Cover | None = None
        self._seen: dict[frozenset[str], int] = {}

    def __call__(self, team: list[Volunteer]) -> int:
        key = frozenset(v.id for v in team)
        if key not in self._seen:
            if self._cover is None:
                self._cover = cover_of(self.event, self.pool, attending_children(self.event))
            mask = np.array([v.id in key for v in self.pool], dtype=bool)
            self._seen[key] = self._cover.count(mask)[0]
        return self._seen[key]


def rejections(event: Event, pool: list[Volunteer], choice: Choice) -> list[Rejection]:
    """A reason for every applicant not chosen, sorted by id."""
    chosen = set(choice.chosen)
    ranked = sorted(pool, key=lambda v: (-weighted_score(event, v), v.id))
    rank = {v.id: i + 1 for i, v in enumerate(ranked)}
    by_id = {v.id: v for v in event.volunteers}
    out: list[Rejection] = []
    counts = _Counts(event, pool)
    for v in sorted(event.volunteers, key=lambda v: v.id):
        if v.id in chosen:
            continue
        failed = failures(event, v)
        if failed:
            out.append(
                Rejection(
                    volunteer_id=v.id,
                    reason=";".join(f.zh for f in failed),
                    reasons=[f.zh for f in failed],
                    reason_en="; ".join(f.en for f in failed),
                )
            )
            continue
        zh, en, details = _why_not_chosen(event, v, ranked, rank, chosen, by_id, choice, counts)
        out.append(Rejection(volunteer_id=v.id, reason=zh, reasons=details, reason_en=en))
    return out


def _why_not_chosen(
    event: Event,
    v: Volunteer,
    ranked: list[Volunteer],
    rank: dict[str, int],
    chosen: set[str],
    by_id: dict[str, Volunteer],
    choice: Choice,
    counts: _Counts,
) -> tuple[str, str, list[str]]:
    """Why an eligible applicant is out: a lower rank, or what taking them in would break."""
    score = weighted_score(event, v)
    standing_zh = f"综合评分 {score:.2f},合格报名者 {len(ranked)} 名中排第 {rank[v.id]} 名"
    standing_en = f"weighted score {score:.2f}, rank {rank[v.id]} of {len(ranked)} eligible"
    below = [w for w in ranked if w.id in chosen and rank[w.id] > rank[v.id]]
    if not below:
        return (
            f"{standing_zh};只选 {len(chosen)} 名,名额已满",
            f"{standing_en}; only {len(chosen)} are chosen",
            [standing_zh, f"入选 {len(chosen)} 名"],
        )
    w = below[-1]  # the lowest-ranked chosen volunteer
    swapped = [by_id[i] for i in sorted(chosen - {w.id} | {v.id})]
    broken_zh: list[str] = []
    broken_en: list[str] = []
    for q in quota_needs(event):
        count = sum(1 for u in swapped if q.has(u))
        if count < q.need or (q.most is not None and count > q.most):
            broken_zh.append(f"配额「{q.label_zh}」不满足({count} 名)")
            broken_en.append(f"quota '{q.label_en}' broken ({count})")
    if not broken_zh:
        after = counts(swapped)  # an upper bound with siblings: a shortfall is real
        if after < choice.coverable:
            hint_zh, hint_en = "", ""
            cap_v, cap_w = effective_capacity(event, v), effective_capacity(event, w)
            if cap_v < cap_w:
                hint_zh, hint_en = f"{v.id} 只能带 {cap_v} 名,", f"{v.id} takes only {cap_v}, "
            broken_zh.append(
                f"{hint_zh}只能为 {after}/{choice.children} 名儿童结对(现为 {choice.coverable} 名)"
            )
            broken_en.append(f"{hint_en}only {after} of {choice.children} children could be paired")
    if not broken_zh:
        broken_zh.append("整体评分更低(配额与结对要求下的最优组合不含此人)")
        broken_en.append(
            "a lower total (the best choice under quotas and pairing rules leaves them out)"
        )
    swap_zh = f"若换下入选的 {w.id}(评分 {weighted_score(event, w):.2f}):" + ";".join(broken_zh)
    swap_en = f"swapping out {w.id} (score {weighted_score(event, w):.2f}): " + "; ".join(broken_en)
    return (
        f"{standing_zh},但{swap_zh}",
        f"{standing_en}, but {swap_en}",
        [standing_zh, swap_zh],
    )


def _notice(code: str, zh: str, en: str) -> Notice:
    return Notice(stage="screening", code=code, zh=zh, en=en)
