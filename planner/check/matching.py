"""Hard rules of screening and pairing, checked on a finished plan.

Plain Python, separate from the solvers: each rule re-reads the plan and
the event and yields one message per place it is broken (Chinese, then
English). The rules about one volunteer and one child are the solver's own
functions (:data:`planner.matching.rules.ARC_RULES`, which also build the
model and explain an impossible pairing), applied to the pairs made; the
rules about the whole plan count from the plan's pairs and people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from planner.check.core import hard_rule
from planner.matching import rules
from planner.matching.facts import siblings_kept_together
from planner.matching.rules import ArcRule
from planner.model import Event, Plan
from planner.screening.requirements import failures

SCREENING = "screening"
MATCHING = "matching"


# ----------------------------------------------------------------- screening


@hard_rule(SCREENING, "入选者都合格 / every chosen volunteer is eligible")
def chosen_volunteers_are_eligible(event: Event, plan: Plan) -> Iterator[str]:
    """Everyone chosen applied, did the training, has a background check in date,
    is an adult and can come on the day."""
    by_id = {v.id: v for v in event.volunteers}
    for vid in plan.volunteers_selected:
        v = by_id.get(vid)
        if v is None:
            yield f"入选的 {vid} 不在报名名单中 / chosen {vid} did not apply"
            continue
        for f in failures(event, v):
            yield f"入选的 {vid}:{f.zh} / chosen {vid}: {f.en}"


@hard_rule(SCREENING, "入选人数符合要求 / the number asked for is chosen")
def chosen_number_as_asked(event: Event, plan: Plan) -> Iterator[str]:
    """As many are chosen as the event asks, or every eligible one when there are fewer."""
    eligible = sum(1 for v in event.volunteers if not failures(event, v))
    wanted = eligible if event.screening.select is None else min(event.screening.select, eligible)
    got = len(set(plan.volunteers_selected))
    if got != wanted:
        yield f"应选 {wanted} 名,实选 {got} 名 / {wanted} to choose, {got} chosen"


@hard_rule(SCREENING, "配额满足 / quotas met")
def quotas_met(event: Event, plan: Plan) -> Iterator[str]:
    """Each quota holds among the chosen (per_group: times the number of game groups)."""
    by_id = {v.id: v for v in event.volunteers}
    chosen = [by_id[v] for v in set(plan.volunteers_selected) if v in by_id]
    for q in event.screening.quotas:
        need = q.min * (event.groups.count if q.per_group else 1)
        if q.skill is not None:
            count = sum(1 for v in chosen if q.skill in v.skills)
            what = q.skill.value
        else:
            count = sum(1 for v in chosen if v.gender == q.gender)
            what = q.gender.value  # type: ignore[union-attr]
        label = q.label or what
        if count < need:
            yield f"配额「{label}」至少 {need} 名,实有 {count} 名 / quota {what}: {count} < {need}"
        if q.max is not None and count > q.max:
            yield f"配额「{label}」至多 {q.max} 名,实有 {count} 名 / quota {what}: {count} > {q.max}"


@hard_rule(SCREENING, "每名报名者都有答复 / every applicant gets an answer")
def every_applicant_answered(event: Event, plan: Plan) -> Iterator[str]:
    """Each applicant is chosen or turned down with a reason, exactly once."""
    chosen = Counter(plan.volunteers_selected)
    turned = Counter(r.volunteer_id for r in plan.volunteers_rejected)
    for vid, n in sorted((chosen + turned).items()):
        if n > 1:
            yield f"{vid} 出现 {n} 次 / {vid} listed {n} times"
    for v in event.volunteers:
        if v.id not in chosen and v.id not in turned:
            yield f"报名者 {v.id} 既未入选也无未入选原因 / applicant {v.id} has no answer"
    applicants = {v.id for v in event.volunteers}
    for r in plan.volunteers_rejected:
        if r.volunteer_id not in applicants:
            yield f"未入选名单中的 {r.volunteer_id} 不是报名者 / {r.volunteer_id} did not apply"
        if not r.reason.strip():
            yield f"{r.volunteer_id} 未入选但没有原因 / {r.volunteer_id} turned down without a reason"


# ----------------------------------------------------------------- matching


@hard_rule(MATCHING, "只有入选志愿者结对 / only screened volunteers are paired")
def only_screened_volunteers(event: Event, plan: Plan) -> Iterator[str]:
    """Only volunteers who passed screening take children."""
    chosen = set(plan.volunteers_selected)
    for pair in plan.pairs:
        if pair.volunteer_id not in chosen:
            yield f"{pair.volunteer_id} 未入选却在结对中 / {pair.volunteer_id} paired but not screened"


@hard_rule(MATCHING, "每名儿童恰好一名志愿者 / every child gets exactly one volunteer")
def every_child_gets_one_volunteer(event: Event, plan: Plan) -> Iterator[str]:
    """Each child coming on the day is in exactly one pair; nobody else is."""
    coming = {c.id for c in event.children if c.attending}
    known = {c.id for c in event.children}
    seen = Counter(cid for pair in plan.pairs for cid in pair.child_ids)
    for cid in sorted(coming):
        holds, item = rules.one_volunteer_for(cid, seen[cid])
        if not holds:
            yield f"{item.zh}(现有 {seen[cid]} 名) / {item.en} (has {seen[cid]})"
    for cid in sorted(set(seen) - coming):
        why = "当天不来 / not coming" if cid in known else "不在儿童名单 / unknown"
        yield f"儿童 {cid} 被结对但{why} / child {cid} paired"


@hard_rule(MATCHING, "志愿者带人不超过上限 / no volunteer above their limit")
def volunteer_within_capacity(event: Event, plan: Plan) -> Iterator[str]:
    """A volunteer has one pair at most, with no more children than they and the event allow."""
    by_id = {v.id: v for v in event.volunteers}
    count = Counter(p.volunteer_id for p in plan.pairs)
    for vid, n in sorted(count.items()):
        if n > 1:
            yield f"{vid} 有 {n} 个结对 / {vid} has {n} pairs"
    for pair in plan.pairs:
        v = by_id.get(pair.volunteer_id)
        if v is None:
            yield f"{pair.volunteer_id} 不在报名名单 / {pair.volunteer_id} unknown"
            continue
        holds, item = rules.within_capacity(event, v, len(pair.child_ids))
        if not holds:
            n = len(pair.child_ids)
            yield f"{item.zh},现带 {n} 名 / {item.en}, takes {n}"
        if len(set(pair.child_ids)) != len(pair.child_ids):
            yield f"{v.id} 的结对重复列出儿童 / {v.id} lists a child twice"


@hard_rule(MATCHING, "兄弟姐妹同一志愿者 / siblings with the same volunteer")
def siblings_with_same_volunteer(event: Event, plan: Plan) -> Iterator[str]:
    """Brothers and sisters coming on the day go with the same volunteer."""
    volunteer_of = {cid: p.volunteer_id for p in plan.pairs for cid in p.child_ids}
    coming = [c for c in event.children if c.attending]
    for group, ids in siblings_kept_together(event, coming).items():
        first, *rest = ids
        kept = [
            rules.siblings_share_a_volunteer(
                group, ids, volunteer_of.get(first), volunteer_of.get(o)
            )
            for o in rest
        ]
        if not all(holds for holds, _ in kept):
            item = kept[0][1]
            shown = "、".join(f"{cid}→{volunteer_of.get(cid) or '无'}" for cid in ids)
            yield f"{item.zh},但被分开:{shown} / {item.en}, but split"


def _made_pairs_breaking(rule: ArcRule, event: Event, plan: Plan) -> Iterator[str]:
    """Each pair made in ``plan`` that the solver's own arc rule forbids."""
    by_v = {v.id: v for v in event.volunteers}
    by_c = {c.id: c for c in event.children}
    for pair in plan.pairs:
        v = by_v.get(pair.volunteer_id)
        for cid in pair.child_ids:
            c = by_c.get(cid)
            if v is not None and c is not None and (item := rule(event, v, c)) is not None:
                yield f"{v.id}→{cid}:{item.zh} / {v.id}→{cid}: {item.en}"


@hard_rule(MATCHING, "特殊照护只由受过训练的志愿者 / special care only with a trained volunteer")
def special_care_only_with_trained_volunteer(event: Event, plan: Plan) -> Iterator[str]:
    """A child who needs special care is paired only with a volunteer trained for special needs."""
    yield from _made_pairs_breaking(rules.special_care_only_with_trained_volunteer, event, plan)


@hard_rule(MATCHING, "锁定结对保持不变 / locked pairs kept")
def locked_pairs_kept(event: Event, plan: Plan) -> Iterator[str]:
    """A locked (long-term) pair is kept: its child, when coming, goes with its volunteer."""
    volunteer_of = {cid: p.volunteer_id for p in plan.pairs for cid in p.child_ids}
    coming = {c.id for c in event.children if c.attending}
    for lock in event.matching.locked:
        for cid in (cid for cid in lock.children if cid in coming):
            taken = int(volunteer_of.get(cid) == lock.volunteer)
            holds, item = rules.locked_pair_kept(lock.volunteer, lock.children, taken)
            if not holds:
                now = volunteer_of.get(cid)
                yield f"{item.zh}:{cid} 现由 {now or '无人'} 带 / {item.en}: {cid} is with {now or 'nobody'}"


@hard_rule(MATCHING, "禁止的结对不出现 / forbidden pairs kept apart")
def forbidden_pairs_kept_apart(event: Event, plan: Plan) -> Iterator[str]:
    """A pair the organisers ruled out is never made."""
    yield from _made_pairs_breaking(rules.forbidden_pairs_kept_apart, event, plan)


@hard_rule(MATCHING, "要求时同性别结对 / same gender when required")
def same_gender_when_required(event: Event, plan: Plan) -> Iterator[str]:
    """When the event requires it, every child's volunteer has the child's gender."""
    yield from _made_pairs_breaking(rules.same_gender_when_required, event, plan)


@hard_rule(MATCHING, "每个结对说明理由 / every pair says why")
def every_pair_says_why(event: Event, plan: Plan) -> Iterator[str]:
    """Each pair lists its reasons, and its score is the sum of its points."""
    for pair in plan.pairs:
        if not pair.reasons:
            yield f"{pair.volunteer_id} 的结对没有理由 / pair of {pair.volunteer_id} has no reasons"
        if abs(sum(pair.points.values()) - pair.score) > 0.011:
            yield (
                f"{pair.volunteer_id} 的得分 {pair.score} ≠ 各项之和 {sum(pair.points.values()):.2f} / "
                f"score of {pair.volunteer_id} is not the sum of its points"
            )
