"""Why an event cannot be paired, in numbers and names.

First the counting checks (cheap, and the clearest words): places against
children, special care, siblings, same gender, locked pairs, then a Hall set
from a max-flow min cut (these children may only go to those volunteers,
who have too few places). When every count passes but no pairing exists,
:func:`diagnose` puts each rule item behind an enforcement literal, asks
CP-SAT for the assumptions that cannot hold together, shrinks that set to a
minimal one and confirms it by solving with it alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from planner.matching.facts import (
    effective_capacity,
    siblings_kept_together,
    special_care_needs,
    trained_for_special_care,
)
from planner.matching.flow import NoFullAssignment, _no_full_assignment
from planner.matching.rules import (
    RULE_LABELS,
    PairingModel,
    RuleItem,
    allowed_matrix,
    arc_blockers,
)
from planner.matching.words import GENDER_ZH, NEED_EN, NEED_ZH, ids_en, ids_zh
from planner.model import Child, Event, Gender, Volunteer
from planner.solving import cp_solver

Reason = tuple[str, str]  # (Chinese, English)


class Facts:
    """What the checks read: the event, the screened volunteers, the children coming."""

    def __init__(
        self,
        event: Event,
        volunteers: list[Volunteer],
        children: list[Child],
        rejected: dict[str, str] | None = None,
    ) -> None:
        self.event = event
        self.volunteers = volunteers
        self.children = children
        self.rejected = rejected or {}
        self.cap = {v.id: effective_capacity(event, v) for v in volunteers}
        self.child_ids = {c.id for c in children}

    def places(self, vols: list[Volunteer]) -> int:
        return sum(self.cap[v.id] for v in vols)


def _places_phrase(facts: Facts, vols: list[Volunteer]) -> Reason:
    """'12 名入选志愿者 × 2 = 24 个名额' or, with mixed limits, the split."""
    counts = Counter(facts.cap[v.id] for v in vols)
    total = facts.places(vols)
    if len(counts) <= 1:
        each = next(iter(counts), facts.event.matching.max_children)
        return (
            f"{len(vols)} 名入选志愿者 × {each} = {total} 个名额",
            f"{len(vols)} screened volunteers × {each} = {total} places",
        )
    split_zh = "、".join(f"{n} 人各带 {k} 名" for k, n in sorted(counts.items(), reverse=True))
    split_en = ", ".join(f"{n} taking {k}" for k, n in sorted(counts.items(), reverse=True))
    return (
        f"{len(vols)} 名入选志愿者共 {total} 个名额({split_zh})",
        f"{len(vols)} screened volunteers with {total} places ({split_en})",
    )


# ------------------------------------------------------------------ counting checks


def enough_places_for_all_children(facts: Facts) -> list[Reason]:
    """There are at least as many places as children."""
    n, total = len(facts.children), facts.places(facts.volunteers)
    if n <= total:
        return []
    zh, en = _places_phrase(facts, facts.volunteers)
    return [(f"{n} 名儿童,{zh}:差 {n - total} 个", f"{n} children, {en}: {n - total} short")]


def special_care_has_trained_volunteers(facts: Facts) -> list[Reason]:
    """Children needing special care have enough trained volunteers' places."""
    special = [c for c in facts.children if special_care_needs(c)]
    if not special:
        return []
    trained = [v for v in facts.volunteers if trained_for_special_care(v)]
    if not trained:
        return [
            (
                f"儿童 {c.id}({'、'.join(NEED_ZH[n] for n in special_care_needs(c))})需要受过特殊教育培训的志愿者,"
                "入选志愿者中没有",
                f"child {c.id} ({', '.join(NEED_EN[n] for n in special_care_needs(c))}) needs a volunteer "
                "trained for special needs; no screened volunteer is",
            )
            for c in special
        ]
    places = facts.places(trained)
    if len(special) <= places:
        return []
    ids = [c.id for c in special]
    return [
        (
            f"{len(special)} 名需特殊照护的儿童({ids_zh(ids)}),受过特殊教育培训的入选志愿者 {len(trained)} 名"
            f"({ids_zh(v.id for v in trained)})共 {places} 个名额:差 {len(special) - places} 个",
            f"{len(special)} children need special care ({ids_en(ids)}); {len(trained)} trained volunteers "
            f"({ids_en(v.id for v in trained)}) have {places} places: {len(special) - places} short",
        )
    ]


def siblings_fit_one_volunteer(facts: Facts) -> list[Reason]:
    """Each sibling group fits one volunteer, and there are enough volunteers taking two."""
    groups = siblings_kept_together(facts.event, facts.children)
    if not groups:
        return []
    out: list[Reason] = []
    biggest = max((facts.cap[v.id] for v in facts.volunteers), default=0)
    by_id = {c.id: c for c in facts.children}
    roomy: list[tuple[str, tuple[str, ...]]] = []
    for group, ids in groups.items():
        kids = "+".join(ids)
        if len(ids) > biggest:
            out.append(
                (
                    f"兄弟姐妹 {kids} 须由同一志愿者带,但入选志愿者每人最多带 {biggest} 名",
                    f"siblings {kids} must go with one volunteer, but screened volunteers take at most {biggest}",
                )
            )
            continue
        able = [
            v
            for v in facts.volunteers
            if facts.cap[v.id] >= len(ids)
            and not any(arc_blockers(facts.event, v, by_id[cid]) for cid in ids)
        ]
        if not able:
            out.append(
                (
                    f"兄弟姐妹 {kids} 需要一名能带 {len(ids)} 名、且符合每个孩子要求的志愿者;没有剩余的",
                    f"siblings {kids} need a volunteer taking {len(ids)} who suits each of them; none is left",
                )
            )
        roomy.append((group, ids))
    if out:
        return out
    takers = [v for v in facts.volunteers if facts.cap[v.id] >= 2]
    if len(roomy) > len(takers):
        names = ";".join("+".join(ids) for _, ids in roomy)
        out.append(
            (
                f"{len(roomy)} 组兄弟姐妹({names})各需一名能带 2 名的志愿者,入选志愿者中只有 {len(takers)} 名能带 2 名:"
                f"差 {len(roomy) - len(takers)} 名",
                f"{len(roomy)} sibling groups ({names}) each need a volunteer taking 2; only {len(takers)} "
                f"screened volunteers can: {len(roomy) - len(takers)} short",
            )
        )
    return out


def same_gender_places(facts: Facts) -> list[Reason]:
    """With same-gender pairs required, each gender has enough places of its own."""
    if not facts.event.matching.same_gender_required:
        return []
    out: list[Reason] = []
    for gender in Gender:
        kids = [c for c in facts.children if c.gender == gender]
        vols = [v for v in facts.volunteers if v.gender == gender]
        places = facts.places(vols)
        if len(kids) > places:
            g = GENDER_ZH[gender]
            out.append(
                (
                    f"要求同性别结对:{len(kids)} 名{g}童,{g}性入选志愿者 {len(vols)} 名共 {places} 个名额:"
                    f"差 {len(kids) - places} 个",
                    f"same-gender pairs required: {len(kids)} {gender.value} children, {len(vols)} "
                    f"{gender.value} volunteers with {places} places: {len(kids) - places} short",
                )
            )
    for _group, ids in siblings_kept_together(facts.event, facts.children).items():
        genders = {c.gender for c in facts.children if c.id in ids}
        if len(genders) > 1:
            out.append(
                (
                    f"兄弟姐妹 {'+'.join(ids)} 性别不同,但要求同性别结对且兄弟姐妹须同一志愿者",
                    f"siblings {'+'.join(ids)} differ in gender, but pairs must be same-gender and siblings together",
                )
            )
    return out


def locked_pairs_possible(facts: Facts) -> list[Reason]:
    """Each locked pair names a screened volunteer who may take all its children."""
    out: list[Reason] = _children_locked_twice(facts)
    by_vol = {v.id: v for v in facts.volunteers}
    by_child = {c.id: c for c in facts.children}
    for lock in facts.event.matching.locked:
        kids = "+".join(lock.children)
        here = [cid for cid in lock.children if cid in by_child]
        if not here:
            continue
        v = by_vol.get(lock.volunteer)
        if v is None:
            out.append(_locked_volunteer_missing(facts, lock.volunteer, kids))
            continue
        if len(here) > facts.cap[v.id]:
            out.append(
                (
                    f"锁定结对 {lock.volunteer}→{kids} 有 {len(here)} 名儿童,但 {v.id} 最多带 {facts.cap[v.id]} 名",
                    f"locked pair {lock.volunteer}→{kids} has {len(here)} children but {v.id} takes at most "
                    f"{facts.cap[v.id]}",
                )
            )
        for cid in here:
            for blocker in arc_blockers(facts.event, v, by_child[cid]):
                if blocker.rule != "locked_pairs_kept":
                    out.append(
                        (
                            f"锁定结对 {lock.volunteer}→{kids} 违反规则:{blocker.zh}",
                            f"locked pair {lock.volunteer}→{kids} breaks a rule: {blocker.en}",
                        )
                    )
    return out


def _children_locked_twice(facts: Facts) -> list[Reason]:
    """A child is locked to one volunteer at most."""
    out: list[Reason] = []
    seen: dict[str, str] = {}
    for lock in facts.event.matching.locked:
        for cid in lock.children:
            if cid in seen and seen[cid] != lock.volunteer:
                out.append(
                    (
                        f"儿童 {cid} 同时锁定给 {seen[cid]} 和 {lock.volunteer}",
                        f"child {cid} is locked to both {seen[cid]} and {lock.volunteer}",
                    )
                )
            seen.setdefault(cid, lock.volunteer)
    return out


def _locked_volunteer_missing(facts: Facts, vid: str, kids: str) -> Reason:
    """Why a locked pair's volunteer is not among the screened: never applied, or not chosen."""
    if vid not in {v.id for v in facts.event.volunteers}:
        return (
            f"锁定结对 {vid}→{kids}:报名名单中没有志愿者 {vid}",
            f"locked pair {vid}→{kids}: no applicant {vid}",
        )
    why = facts.rejected.get(vid)
    return (
        f"锁定结对 {vid}→{kids}:{vid} 未入选" + (f"({why})" if why else ""),
        f"locked pair {vid}→{kids}: {vid} was not screened in",
    )


def every_child_has_some_volunteer(
    facts: Facts, children: list[Child] | None = None
) -> list[Reason]:
    """Each child has at least one screened volunteer the rules allow."""
    out: list[Reason] = []
    if not facts.volunteers:
        return out
    kids = facts.children if children is None else children
    some = np.any(allowed_matrix(facts.event, facts.volunteers, kids), axis=1).tolist()
    for c in (c for c, ok in zip(kids, some, strict=True) if not ok):
        blocked = [arc_blockers(facts.event, v, c) for v in facts.volunteers]
        if all(blocked):
            rules = sorted({b.rule for bs in blocked for b in bs})
            words_zh = "、".join(RULE_LABELS[r][0] for r in rules)
            words_en = ", ".join(RULE_LABELS[r][1] for r in rules)
            out.append(
                (
                    f"儿童 {c.id} 没有可以带的入选志愿者(规则:{words_zh})",
                    f"child {c.id} has no screened volunteer the rules allow ({words_en})",
                )
            )
    return out


def forbidden_children_have_some_volunteer(facts: Facts) -> list[Reason]:
    """A child named in [[matching.forbidden]] still has a screened volunteer the
    rules allow. Cheap (only those children are looked at), so it runs with the
    plain counts: a child forbidden with everyone is named even when the places
    are short as well."""
    named = {rule.child for rule in facts.event.matching.forbidden}
    return every_child_has_some_volunteer(facts, [c for c in facts.children if c.id in named])


def hall_shortage(facts: Facts) -> list[Reason]:
    """A group of children whose allowed volunteers have fewer places than them
    (from a max-flow min cut; siblings not considered)."""

    vols, kids = facts.volunteers, facts.children
    child_arr, vol_arr = np.nonzero(allowed_matrix(facts.event, vols, kids))
    caps = np.array([facts.cap[v.id] for v in vols], dtype=np.int64)
    exc: NoFullAssignment = _no_full_assignment(
        len(kids),
        len(vols),
        child_arr.astype(np.int64),
        vol_arr.astype(np.int64),
        caps,
    )
    if exc.matched >= len(kids):
        return []
    hall_kids = [kids[j].id for j in exc.children]
    hall_vols = [vols[i].id for i in exc.volunteers]
    short = len(hall_kids) - exc.places
    return [
        (
            f"儿童 {ids_zh(hall_kids)} 按规则只能由 {ids_zh(hall_vols) or '(无人)'} 带,共 {exc.places} 个名额:"
            f"差 {short} 个(最多 {exc.matched} 名儿童能配对)",
            f"children {ids_en(hall_kids)} may only go with {ids_en(hall_vols) or '(nobody)'}, "
            f"{exc.places} places: {short} short (at most {exc.matched} children can be paired)",
        )
    ]


CountingCheck = Callable[[Facts], list[Reason]]

#: The plain counting checks: every problem they find is reported.
COUNTING_CHECKS: tuple[CountingCheck, ...] = (
    enough_places_for_all_children,
    locked_pairs_possible,
    special_care_has_trained_volunteers,
    same_gender_places,
    siblings_fit_one_volunteer,
    forbidden_children_have_some_volunteer,
)

#: Finer checks, asked only when the plain ones find nothing.
FINER_CHECKS: tuple[CountingCheck, ...] = (every_child_has_some_volunteer, hall_shortage)


def counting_problems(facts: Facts) -> list[Reason]:
    """Every problem the counting checks find (empty: the counts allow a pairing)."""
    if not facts.children:
        return []
    out: list[Reason] = []
    for check in COUNTING_CHECKS:
        out.extend(check(facts))
    for check in FINER_CHECKS:
        if out:
            break
        out.extend(check(facts))
    return out


# ------------------------------------------------------------------ CP-SAT core


def _feasible_with(
    facts: Facts, keep: set[RuleItem] | None, seed: int, limit: float
) -> bool | None:
    """Solve the diagnosis model with only ``keep`` enforced (all when None).

    True: a pairing exists; False: proved impossible; None: undecided in time.
    """

    from ortools.sat.python import cp_model

    pm = PairingModel(facts.event, facts.volunteers, facts.children, diagnose=True)
    for item, lit in pm.items.items():
        if keep is None or item in keep:
            pm.model.add(lit == 1)
    solver = cp_solver(seed=seed, work=limit)
    status = solver.solve(pm.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if status == cp_model.INFEASIBLE:
        return False
    return None


def colliding_rules(facts: Facts, *, seed: int = 0, limit: float = 10.0) -> list[RuleItem] | None:
    """A minimal set of rule items that cannot all hold (None: undecided in time).

    CP-SAT's ``sufficient_assumptions_for_infeasibility`` gives a core; items
    are then dropped one at a time while the rest stays impossible, and the
    final set is confirmed by solving with it alone.
    """

    from ortools.sat.python import cp_model

    pm = PairingModel(facts.event, facts.volunteers, facts.children, diagnose=True)
    order = sorted(pm.items)
    pm.model.add_assumptions([pm.items[i] for i in order])
    solver = cp_solver(seed=seed, work=limit)
    status = solver.solve(pm.model)
    if status != cp_model.INFEASIBLE:
        return [] if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    by_index = {pm.items[i].index: i for i in order}
    core = sorted(
        by_index[k] for k in solver.sufficient_assumptions_for_infeasibility() if k in by_index
    )
    if not core:  # impossible even without any rule item (should not happen)
        return []
    if len(core) <= 80:
        for item in list(core):
            trial = set(core) - {item}
            if _feasible_with(facts, trial, seed, limit) is False:
                core.remove(item)
    if _feasible_with(facts, set(core), seed, limit) is not False:
        return None  # could not confirm: say nothing rather than something wrong
    return core


def core_reasons(core: list[RuleItem], facts: Facts) -> list[Reason]:
    """Words for a confirmed core: the rules that collide, grouped, with the numbers."""
    by_rule: dict[str, list[RuleItem]] = {}
    for item in core:
        by_rule.setdefault(item.rule, []).append(item)
    parts_zh, parts_en = [], []
    for rule, items in by_rule.items():
        if rule == "every_child_gets_one_volunteer":
            kids = [i.key for i in items]
            parts_zh.append(f"儿童 {ids_zh(kids)} 各需一名志愿者")
            parts_en.append(f"children {ids_en(kids)} each need a volunteer")
        elif rule == "volunteer_within_capacity":
            vols = [i.key for i in items]
            places = sum(facts.cap[v] for v in vols)
            parts_zh.append(f"志愿者 {ids_zh(vols)} 共 {places} 个名额")
            parts_en.append(f"volunteers {ids_en(vols)} have {places} places")
        else:
            parts_zh.extend(i.zh for i in items)
            parts_en.extend(i.en for i in items)
    labels_zh = "、".join(f"「{RULE_LABELS[r][0]}」" for r in by_rule)
    labels_en = ", ".join(f"'{RULE_LABELS[r][1]}'" for r in by_rule)
    return [
        (f"这些规则不能同时满足:{labels_zh}", f"these rules cannot all hold: {labels_en}"),
        ("其中:" + ";".join(parts_zh), "namely: " + "; ".join(parts_en)),
    ]


def why_impossible(facts: Facts, *, seed: int = 0, limit: float = 10.0) -> list[Reason]:
    """Counting checks first; then a confirmed CP-SAT core. Empty when undecided."""
    found = counting_problems(facts)
    if found:
        return found
    core = colliding_rules(facts, seed=seed, limit=limit)
    if core:
        return core_reasons(core, facts)
    return []


__all__ = [
    "COUNTING_CHECKS",
    "FINER_CHECKS",
    "Facts",
    "Reason",
    "colliding_rules",
    "core_reasons",
    "counting_problems",
    "why_impossible",
]
