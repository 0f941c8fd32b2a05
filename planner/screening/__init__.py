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


class _Standing:
    """What every "why not chosen" reads, computed once: ranks, the lowest-ranked
    chosen volunteer, the quota counts of the choice, and the pairing count of the
    choice with that volunteer swapped for another kind of applicant."""

    def __init__(self, event: Event, pool: list[Volunteer], choice: Choice) -> None:
        self.event, self.pool, self.choice = event, pool, choice
        self.chosen = set(choice.chosen)
        self.ranked = sorted(pool, key=lambda v: (-weighted_score(event, v), v.id))
        self.rank = {v.id: i + 1 for i, v in enumerate(self.ranked)}
        picked = [v for v in self.ranked if v.id in self.chosen]
        self.lowest = picked[-1] if picked else None
        self.quotas = [(q, sum(1 for v in picked if q.has(v))) for q in quota_needs(event)]
        self.index = {v.id: i for i, v in enumerate(pool)}
        self._cover: Cover | None = None
        self._counted: dict[int, int] = {}

    def paired_after_swap(self, v: Volunteer) -> int:
        """Children the choice could pair with ``v`` in place of the lowest-ranked chosen
        (max flow over classes: exact without siblings, an upper bound with them)."""
        if self._cover is None:
            self._cover = cover_of(self.event, self.pool, attending_children(self.event))
        kind = int(self._cover.volunteer_class[self.index[v.id]])
        if kind not in self._counted:
            mask = np.array([u.id in self.chosen for u in self.pool], dtype=bool)
            assert self.lowest is not None
            mask[self.index[self.lowest.id]] = False
            mask[self.index[v.id]] = True
            self._counted[kind] = self._cover.count(mask)[0]
        return self._counted[kind]


def rejections(event: Event, pool: list[Volunteer], choice: Choice) -> list[Rejection]:
    """A reason for every applicant not chosen, sorted by id."""
    standing = _Standing(event, pool, choice)
    out: list[Rejection] = []
    for v in sorted(event.volunteers, key=lambda v: v.id):
        if v.id in standing.chosen:
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
        zh, en, details = _why_not_chosen(v, standing)
        out.append(Rejection(volunteer_id=v.id, reason=zh, reasons=details, reason_en=en))
    return out


def _why_not_chosen(v: Volunteer, st: _Standing) -> tuple[str, str, list[str]]:
    """Why an eligible applicant is out: a lower rank, or what taking them in would break."""
    event, choice, w = st.event, st.choice, st.lowest
    score = weighted_score(event, v)
    standing_zh = f"综合评分 {score:.2f},合格报名者 {len(st.ranked)} 名中排第 {st.rank[v.id]} 名"
    standing_en = f"weighted score {score:.2f}, rank {st.rank[v.id]} of {len(st.ranked)} eligible"
    if w is None or st.rank[w.id] < st.rank[v.id]:
        return (
            f"{standing_zh};只选 {len(st.chosen)} 名,名额已满",
            f"{standing_en}; only {len(st.chosen)} are chosen",
            [standing_zh, f"入选 {len(st.chosen)} 名"],
        )
    broken_zh: list[str] = []
    broken_en: list[str] = []
    for q, having in st.quotas:
        count = having - q.has(w) + q.has(v)
        if count < q.need or (q.most is not None and count > q.most):
            broken_zh.append(f"配额「{q.label_zh}」不满足({count} 名)")
            broken_en.append(f"quota '{q.label_en}' broken ({count})")
    if not broken_zh:
        after = st.paired_after_swap(v)  # an upper bound with siblings: a shortfall is real
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
