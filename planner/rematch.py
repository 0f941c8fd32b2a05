"""Re-pairing on the day: someone drops out that morning, change as little as possible.

``rematch(plan, absent)`` reads everything it needs from the plan (its
settings and people), marks the absent volunteers unavailable and the absent
children not coming, and pairs again with a lexicographic aim:

1. the fewest changes: every child keeps their volunteer unless that
   volunteer is absent or the rules force a move, and a reserve (an eligible
   applicant not chosen) is called in only when needed: each moved child and
   each reserve counts as one change;
2. then the reserves highest in the screening ranking;
3. then the best score, as in the first plan.

The later stages (groups, timeline, buses, meals, tickets, budget) are run
again on the new pairs so the whole plan stays consistent.
"""

from __future__ import annotations

from msgspec import Struct

from planner.diff import FOLLOWUP_ID, PLAN, Comparison, changed_people, compare, team_changed
from planner.errors import InvalidInput, Problem
from planner.itinerary.schedule import schedule_for
from planner.matching import pairs_for
from planner.matching.criteria import Scorer
from planner.matching.facts import attending_children, effective_capacity
from planner.model import Event, LockedPair, Notice, Pair, Plan, Rejection, Volunteer
from planner.pipeline import empty_plan, run_stages
from planner.screening.requirements import failures, weighted_score

#: The key of the team calendar in ``Plan.sequences``.
TEAM = "team"

#: Notices of the stages that rematch keeps (the later stages write theirs again).
KEPT_STAGES = frozenset({"screening", "matching", "rematch"})


class Change(Struct, frozen=True):
    """One change made by re-pairing, in Chinese and English."""

    kind: str  # absent_volunteer | absent_child | moved | reserve | lock_paused | headcount | none
    zh: str
    en: str
    #: the people it concerns (their changes below carry it as their reason)
    who: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.zh

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def _absentees(event: Event, absent: list[str]) -> tuple[list[str], list[str]]:
    volunteers = {v.id for v in event.volunteers}
    children = {c.id for c in event.children}
    exact = {i.casefold(): i for i in sorted(volunteers | children)}
    wanted = sorted({exact.get(a.strip().casefold(), a.strip()) for a in absent if a.strip()})
    unknown = [a for a in wanted if a not in volunteers and a not in children]
    if unknown:
        raise InvalidInput(
            [
                Problem(
                    "--absent",
                    None,
                    None,
                    f"{a} 既不是志愿者编号也不是儿童编号",
                    f"{a} is neither a volunteer nor a child id",
                )
                for a in unknown
            ]
        )
    return [a for a in wanted if a in volunteers], [a for a in wanted if a in children]


def _day_event(event: Event, gone_v: list[str], gone_c: list[str]) -> tuple[Event, list[Change]]:
    """The event as it is on the day: absentees out, locks of absent volunteers paused."""
    changes: list[Change] = []
    volunteers = tuple(
        v.model_copy(update={"available": False}) if v.id in gone_v else v for v in event.volunteers
    )
    children = tuple(
        c.model_copy(update={"attending": False}) if c.id in gone_c else c for c in event.children
    )
    locks: list[LockedPair] = []
    for lock in event.matching.locked:
        if lock.volunteer in gone_v:
            kids = "+".join(lock.children)
            changes.append(
                Change(
                    "lock_paused",
                    f"锁定结对 {lock.volunteer}→{kids} 因 {lock.volunteer} 缺席本次暂停",
                    f"locked pair {lock.volunteer}→{kids} paused today: {lock.volunteer} is absent",
                )
            )
            continue
        locks.append(lock)
    matching = event.matching.model_copy(update={"locked": tuple(locks)})
    return event.model_copy(
        update={"volunteers": volunteers, "children": children, "matching": matching}
    ), changes


class Replanned(Struct, frozen=True):
    """A re-plan: the new plan, the decisions in words, and the comparison of
    the two plans (every difference, everyone checked)."""

    plan: Plan
    changes: list[Change]
    comparison: Comparison


def replan(plan: Plan, absent: list[str]) -> Replanned:
    """:func:`rematch`, with the two plans compared once (for the command)."""
    new_plan, changes = _rematch(plan, absent)
    comparison = compare(plan, new_plan)
    return Replanned(with_invite_sequences(plan, new_plan, comparison), changes, comparison)


def rematch(plan: Plan, absent: list[str]) -> tuple[Plan, list[Change]]:
    """Re-pair ``plan`` without ``absent``: the new plan and the changes (see :func:`_rematch`)."""
    done = replan(plan, absent)
    return done.plan, done.changes


def _rematch(plan: Plan, absent: list[str]) -> tuple[Plan, list[Change]]:
    """Re-pair ``plan`` without the ``absent`` volunteers and children, with the fewest changes.

    Returns the new plan (later stages recomputed) and the changes in words.
    Raises :class:`planner.errors.InvalidInput` for an unknown id and
    :class:`planner.errors.Infeasible` when no pairing is possible even with
    every reserve.
    """
    event = plan.event_model()
    gone_v, gone_c = _absentees(event, absent)
    day, changes = _day_event(event, gone_v, gone_c)
    old_of = {cid: p.volunteer_id for p in plan.pairs for cid in p.child_ids}
    changes = _absence_changes(gone_v, gone_c, old_of, changes)
    kept_team = [vid for vid in plan.volunteers_selected if vid not in gone_v]
    chosen = set(plan.volunteers_selected)
    reserves = sorted(
        (v for v in day.volunteers if v.id not in chosen and not failures(day, v)),
        key=lambda v: (-weighted_score(day, v), v.id),
    )
    pairs = _fewest_changes(day, plan, kept_team, reserves, old_of)
    used = {p.volunteer_id for p in pairs}
    called = [v for v in reserves if v.id in used]
    changes += _pairing_changes(day, called, pairs, old_of, gone_v)
    selected = sorted(set(kept_team) | {v.id for v in called})
    settings = day.screening
    if settings.select is not None and settings.select != len(selected):
        changes.append(
            Change(
                "headcount",
                f"当天志愿者人数由 {settings.select} 名改为 {len(selected)} 名",
                f"volunteers on the day: {len(selected)} instead of {settings.select}",
            )
        )
        day = day.model_copy(
            update={"screening": settings.model_copy(update={"select": len(selected)})}
        )
    if not any(c.kind in ("moved", "reserve") for c in changes):
        changes.append(Change("none", "其余结对不变", "all other pairs unchanged"))
    # earlier re-plans' notices stay (the day's history), each with its number
    revision = plan.revision + 1
    notices = [n for n in plan.notices if n.stage in KEPT_STAGES]
    notices += [
        Notice(
            stage="rematch",
            code=c.kind,
            zh=f"第 {revision} 次重新结对:{c.zh}",
            en=f"rematch {revision}: {c.en}",
        )
        for c in changes
    ]
    new_plan = empty_plan(day).model_copy(
        update={
            "revision": revision,  # the invites' SEQUENCE: calendars update, not duplicate
            "volunteers_selected": selected,
            "volunteers_rejected": _rejections(plan, called, gone_v),
            "pairs": pairs,
            "notices": notices,
        }
    )
    return run_stages(day, new_plan, after="matching", previous=plan), changes


def with_invite_sequences(before: Plan, after: Plan, comparison: Comparison) -> Plan:
    """``after`` with each person's invite SEQUENCE: raised to its revision for
    exactly those whose facts changed (``comparison``, :func:`planner.diff.compare`),
    kept for everyone else, and a cancellation kept for everyone dropped."""
    differences = comparison.differences
    changed = changed_people(differences)
    sequences = {p: n for p, n in before.sequences.items() if n}
    for person in sorted(changed):
        sequences[person] = after.revision
    if team_changed(differences):
        sequences[TEAM] = after.revision
    invited = set(after.volunteers_selected)
    cancelled = {p: items for p, items in before.cancelled.items() if p not in invited}
    paired = {p.volunteer_id for p in before.pairs}
    for person in sorted(set(before.volunteers_selected) - invited):
        items = schedule_for(before, person)
        if person in paired and items:  # their monthly follow-up series goes too
            first = items[0]
            items.append(
                first.model_copy(
                    update={"id": FOLLOWUP_ID, "title": "每月联系", "title_en": "monthly contact"}
                )
            )
        cancelled[person] = items
        sequences[person] = after.revision
    return after.model_copy(update={"sequences": sequences, "cancelled": cancelled})


def _absence_changes(
    gone_v: list[str], gone_c: list[str], old_of: dict[str, str], paused: list[Change]
) -> list[Change]:
    """Who is absent and whom they had: the volunteers (latest first), the locks
    paused, then the children."""
    volunteers = []
    for vid in reversed(gone_v):
        kids = sorted(c for c, v in old_of.items() if v == vid)
        volunteers.append(
            Change(
                "absent_volunteer",
                f"志愿者 {vid} 缺席" + (f"(原带 {'、'.join(kids)})" if kids else ""),
                f"volunteer {vid} is absent" + (f" (had {', '.join(kids)})" if kids else ""),
                (vid,),
            )
        )
    children = []
    for cid in gone_c:
        was = old_of.get(cid)
        children.append(
            Change(
                "absent_child",
                f"儿童 {cid} 缺席" + (f",已从 {was} 的结对中移除" if was else ""),
                f"child {cid} is absent" + (f", removed from {was}'s pair" if was else ""),
                (cid,),
            )
        )
    return [*volunteers, *paused, *children]


def _fewest_changes(
    day: Event,
    plan: Plan,
    kept_team: list[str],
    reserves: list[Volunteer],
    old_of: dict[str, str],
) -> list[Pair]:
    """Pairs with lexicographic weights: one change outweighs any choice of
    reserve, and the reserves' screening rank outweighs any pair score."""
    by_id = {v.id: v for v in day.volunteers}
    team: list[Volunteer] = sorted(
        [by_id[v] for v in kept_team if v in by_id] + reserves, key=lambda v: v.id
    )
    scorer = Scorer(day)
    children = attending_children(day)
    best_total = sum(max((scorer.points(v, c) for v in team), default=0) for c in children)
    best_total += sum(scorer.spread_points(v) for v in team)
    rank_step = best_total + 1
    change = rank_step * (len(reserves) + 1)
    bonus = {(old_of[c.id], c.id): change for c in children if old_of.get(c.id) in set(kept_team)}
    cost = {v.id: change + i * rank_step for i, v in enumerate(reserves)}
    rejected = {r.volunteer_id: r.reason for r in plan.volunteers_rejected}
    pairs, _ = pairs_for(day, team, rejected=rejected, bonus=bonus, volunteer_cost=cost)
    return pairs


def _pairing_changes(
    day: Event,
    called: list[Volunteer],
    pairs: list[Pair],
    old_of: dict[str, str],
    gone_v: list[str],
) -> list[Change]:
    """The reserves called in, and each child who moved, with why."""
    changes = [
        Change(
            "reserve",
            f"替补 {v.id} 入选(综合评分 {weighted_score(day, v):.2f},最多带 {effective_capacity(day, v)} 名)",
            f"reserve {v.id} called in (score {weighted_score(day, v):.2f})",
            (v.id,),
        )
        for v in called
    ]
    new_of = {cid: p.volunteer_id for p in pairs for cid in p.child_ids}
    for cid in sorted(new_of):
        before, after = old_of.get(cid), new_of[cid]
        if before == after:
            continue
        if before is None:
            why_zh, why_en = "原来没有结对", "was not paired"
        elif before in gone_v:
            why_zh, why_en = f"{before} 缺席", f"{before} is absent"
        else:
            why_zh, why_en = "为满足结对规则调整", "moved to keep the pairing rules"
        changes.append(
            Change(
                "moved",
                f"儿童 {cid}:{before or '无'} → {after}({why_zh})",
                f"child {cid}: {before or 'none'} → {after} ({why_en})",
                (cid, after, *((before,) if before else ())),
            )
        )
    return changes


def _rejections(plan: Plan, called: list[Volunteer], gone_v: list[str]) -> list[Rejection]:
    """The first plan's rejections but for the reserves called in, and the absent chosen."""
    chosen = set(plan.volunteers_selected)
    called_ids = {v.id for v in called}
    rejections = [r for r in plan.volunteers_rejected if r.volunteer_id not in called_ids]
    rejections += [
        Rejection(
            volunteer_id=vid,
            reason="当天缺席(原已入选)",
            reasons=["当天缺席(原已入选)"],
            reason_en="absent on the day (had been chosen)",
        )
        for vid in gone_v
        if vid in chosen
    ]
    return sorted(rejections, key=lambda r: r.volunteer_id)


#: The reason of a change no decision above names: the re-plan's least change.
FOLLOWS = (
    "随上述变化所需的最少调整(分组、乘车规则)",
    "the least the rules (groups, buses) allow after the changes above",
)


def reasons(changes: list[Change], plan: Plan) -> dict[str, tuple[str, str]]:
    """Each person's reason for their changes (zh, en): the rematch decision that
    names them (the first one), else a forced time they were given, else
    :data:`FOLLOWS`; the plan's own facts change with the headcount."""
    out: dict[str, tuple[str, str]] = {}
    for change in changes:
        for who in change.who:
            out.setdefault(who, (change.zh, change.en))
    for bus in plan.buses:
        for leg in bus.legs:
            for stop in leg.stops:
                for notice in plan.notices:
                    if notice.code == "pickup_earlier" and f" {stop.point} " in notice.zh:
                        for cid in stop.child_ids:
                            out.setdefault(cid, (notice.zh, notice.en))
    out.setdefault(PLAN, ("人数变化", "the headcount changed"))
    return out
