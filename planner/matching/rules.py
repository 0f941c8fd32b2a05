"""Hard rules of pairing, one small function each, built into a CP-SAT model.

Arc rules say whether one volunteer may take one child; plan rules tie
several choices together. Every rule instance is a :class:`RuleItem` (which
rule, about whom, in words). In a normal solve the constraints are added as
they are; in a diagnosis each item sits behind its own enforcement literal,
so that CP-SAT can name the items that cannot hold together.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from msgspec import Struct

from planner.matching.facts import (
    effective_capacity,
    siblings_kept_together,
    special_care_needs,
    trained_for_special_care,
)
from planner.matching.words import NEED_EN, NEED_ZH
from planner.model import Child, Event, Volunteer
from planner.solving import new_model

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


class RuleItem(Struct, frozen=True, order=True):
    """One instance of a hard rule: which rule, about whom, and the words for it."""

    rule: str
    key: str
    zh: str
    en: str


# ----------------------------------------------------------------- arc rules


def special_care_only_with_trained_volunteer(
    event: Event, v: Volunteer, c: Child
) -> RuleItem | None:
    """A child who needs special care (wheelchair, hearing, special needs) goes only
    with a volunteer trained for special needs."""
    needs = special_care_needs(c)
    if not needs or trained_for_special_care(v):
        return None
    zh_needs = "、".join(NEED_ZH[n] for n in needs)
    en_needs = ", ".join(NEED_EN[n] for n in needs)
    return RuleItem(
        "special_care_only_with_trained_volunteer",
        c.id,
        f"儿童 {c.id}({zh_needs})只能由受过特殊教育培训的志愿者带",
        f"child {c.id} ({en_needs}) may only go with a volunteer trained for special needs",
    )


def forbidden_pairs_kept_apart(event: Event, v: Volunteer, c: Child) -> RuleItem | None:
    """A pair the organisers ruled out is never made."""
    for rule in event.matching.forbidden:
        if rule.volunteer == v.id and rule.child == c.id:
            why = f"({rule.reason})" if rule.reason else ""
            return RuleItem(
                "forbidden_pairs_kept_apart",
                f"{v.id}-{c.id}",
                f"禁止 {v.id} 与 {c.id} 结对{why}",
                f"{v.id} must not be paired with {c.id}"
                + (f" ({rule.reason})" if rule.reason else ""),
            )
    return None


def same_gender_when_required(event: Event, v: Volunteer, c: Child) -> RuleItem | None:
    """When the event requires it, a volunteer takes only children of their own gender."""
    if not event.matching.same_gender_required or v.gender == c.gender:
        return None
    return RuleItem(
        "same_gender_when_required",
        "event",
        "本次活动要求同性别结对",
        "this event requires same-gender pairs",
    )


def locked_child_stays_with_its_volunteer(event: Event, v: Volunteer, c: Child) -> RuleItem | None:
    """A child in a locked (long-term) pair goes with no other volunteer."""
    for lock in event.matching.locked:
        if c.id in lock.children and lock.volunteer != v.id:
            return _lock_item(lock.volunteer, lock.children)
    return None


def _lock_item(volunteer_id: str, children: Iterable[str]) -> RuleItem:
    kids = "+".join(children)
    return RuleItem(
        "locked_pairs_kept",
        f"{volunteer_id}-{kids}",
        f"锁定结对 {volunteer_id}→{kids}(长期结对)",
        f"locked pair {volunteer_id}→{kids} (long-term pair)",
    )


ArcRule = Callable[[Event, Volunteer, Child], RuleItem | None]

#: The rules about one volunteer and one child, in the order they are checked.
ARC_RULES: tuple[ArcRule, ...] = (
    special_care_only_with_trained_volunteer,
    locked_child_stays_with_its_volunteer,
    forbidden_pairs_kept_apart,
    same_gender_when_required,
)


# What each arc rule reads of a volunteer and of a child: two people with the same
# keys get the same answer, so at scale each rule runs once per pair of key values
# (:func:`arc_classes`), not once per volunteer × child. A rule added to ARC_RULES
# needs its keys here (tests/matching/test_tables.py compares with arc_blockers).


def _lock_volunteer_key(event: Event, v: Volunteer) -> object:
    return v.id if any(lock.volunteer == v.id for lock in event.matching.locked) else None


def _locked_child_key(event: Event, c: Child) -> object:
    return c.id if any(c.id in lock.children for lock in event.matching.locked) else None


def _forbidden_volunteer_key(event: Event, v: Volunteer) -> object:
    return v.id if any(rule.volunteer == v.id for rule in event.matching.forbidden) else None


def _forbidden_child_key(event: Event, c: Child) -> object:
    return c.id if any(rule.child == c.id for rule in event.matching.forbidden) else None


VolunteerKey = Callable[[Event, Volunteer], object]
ChildKey = Callable[[Event, Child], object]

#: arc rule -> (what it reads of the volunteer, what it reads of the child)
ARC_RULE_KEYS: dict[ArcRule, tuple[VolunteerKey, ChildKey]] = {
    special_care_only_with_trained_volunteer: (
        lambda e, v: trained_for_special_care(v),
        lambda e, c: special_care_needs(c),
    ),
    locked_child_stays_with_its_volunteer: (_lock_volunteer_key, _locked_child_key),
    forbidden_pairs_kept_apart: (_forbidden_volunteer_key, _forbidden_child_key),
    same_gender_when_required: (lambda e, v: v.gender, lambda e, c: c.gender),
}


class ArcClasses(Struct, frozen=True):
    """Volunteers and children in classes that every arc rule treats alike.

    ``allowed[i, j]``: children of class ``i`` may go with volunteers of class
    ``j``; ``child_class[c]`` and ``volunteer_class[v]`` index the classes
    (positions as in the lists given). Volunteers of a class also share their
    capacity, so flows may merge them.
    """

    volunteer_class: np.ndarray
    child_class: np.ndarray
    allowed: np.ndarray
    capacity: np.ndarray  # per volunteer class


def class_index(keys: Sequence[Hashable]) -> tuple[np.ndarray, list[int]]:
    """Class index per item (items with equal keys share one), and one
    representative item per class, in order of first appearance."""
    index: dict[Hashable, int] = {}
    reps: list[int] = []
    out = np.empty(len(keys), dtype=np.int64)
    for i, key in enumerate(keys):
        if key not in index:
            index[key] = len(reps)
            reps.append(i)
        out[i] = index[key]
    return out, reps


def arc_classes(event: Event, volunteers: list[Volunteer], children: list[Child]) -> ArcClasses:
    """Every arc rule once per pair of classes (:data:`ARC_RULE_KEYS`)."""
    keys = list(ARC_RULE_KEYS.values())
    vkeys = [(effective_capacity(event, v), *(kv(event, v) for kv, _ in keys)) for v in volunteers]
    ckeys = [tuple(kc(event, c) for _, kc in keys) for c in children]
    vclass, vreps = class_index(vkeys)
    cclass, creps = class_index(ckeys)
    allowed = np.array(
        [[may_pair(event, volunteers[j], children[i]) for j in vreps] for i in creps],
        dtype=bool,
    ).reshape(len(creps), len(vreps))
    capacity = np.zeros(len(vreps), dtype=np.int64)
    np.add.at(capacity, vclass, [effective_capacity(event, v) for v in volunteers])
    return ArcClasses(vclass, cclass, allowed, capacity)


def allowed_matrix(event: Event, volunteers: list[Volunteer], children: list[Child]) -> np.ndarray:
    """``allowed[c, v]``: the arc rules let volunteer ``v`` take child ``c`` (positions)."""
    classes = arc_classes(event, volunteers, children)
    out: np.ndarray = classes.allowed[np.ix_(classes.child_class, classes.volunteer_class)]
    return out


def arc_blockers(event: Event, v: Volunteer, c: Child) -> list[RuleItem]:
    """Every arc rule that forbids this volunteer for this child (empty: allowed)."""
    return [item for rule in ARC_RULES if (item := rule(event, v, c)) is not None]


def may_pair(event: Event, v: Volunteer, c: Child) -> bool:
    """Whether the one-to-one rules allow this volunteer for this child.

    Capacity, siblings and screening are rules about the whole plan.
    """
    return not arc_blockers(event, v, c)


# ----------------------------------------------------------------- the model


class PairingModel:
    """Variables ``y[v, c]`` (volunteer v takes child c) and the hard rules.

    ``diagnose=True`` builds every arc and puts each rule item behind an
    enforcement literal (``self.items``); otherwise arcs forbidden by arc
    rules are left out and the constraints are added plainly.
    ``present``: optional literals saying whether each volunteer is chosen
    (screening); ``cover``: ``"exact"`` every child gets one volunteer,
    ``"at_most"`` a child may stay uncovered (``self.covered[c]``).
    ``keep_locks=False`` leaves locked pairs to the caller (screening forces
    the locked volunteer in instead; a locked child still goes to no other).
    """

    def __init__(
        self,
        event: Event,
        volunteers: list[Volunteer],
        children: list[Child],
        *,
        diagnose: bool = False,
        present: dict[str, Any] | None = None,
        cover: str = "exact",
        keep_locks: bool = True,
        model: cp_model.CpModel | None = None,
    ) -> None:

        if cover not in ("exact", "at_most"):
            raise ValueError(f"cover must be 'exact' or 'at_most', not {cover!r}")
        self.event = event
        self.volunteers = volunteers
        self.children = children
        self.diagnose = diagnose
        self.present = present
        self.cover = cover
        self.keep_locks = keep_locks
        self.model = model if model is not None else new_model()
        self.items: dict[RuleItem, Any] = {}
        self.y: dict[tuple[str, str], Any] = {}
        self.covered: dict[str, Any] = {}
        for v in volunteers:
            for c in children:
                blockers = arc_blockers(event, v, c)
                if blockers and not diagnose:
                    continue
                var = self.model.new_bool_var(f"y[{v.id},{c.id}]")
                self.y[(v.id, c.id)] = var
                for item in blockers:
                    self.require(var == 0, item)
        self.by_child: dict[str, list[Any]] = {c.id: [] for c in children}
        self.by_volunteer: dict[str, list[Any]] = {v.id: [] for v in volunteers}
        for (vid, cid), var in self.y.items():
            self.by_child[cid].append(var)
            self.by_volunteer[vid].append(var)
        for rule in PLAN_RULES:
            rule(self)

    def literal(self, item: RuleItem) -> Any:
        """The enforcement literal of ``item`` (diagnosis only)."""
        if item not in self.items:
            self.items[item] = self.model.new_bool_var(f"rule[{item.rule}:{item.key}]")
        return self.items[item]

    def require(self, constraint: Any, item: RuleItem) -> None:
        """Add ``constraint`` as ``item`` says: plainly, or behind its literal."""
        added = self.model.add(constraint)
        if self.diagnose:
            added.only_enforce_if(self.literal(item))


# ----------------------------------------------------------------- plan rules


# A plan rule says itself over a count: given a finished plan's numbers it
# holds or not (the plan checker), given model expressions it is the
# constraint (the model and the diagnosis). One function serves both.


def one_volunteer_for(child_id: str, volunteers: Any) -> tuple[Any, RuleItem]:
    """Each child on the day gets exactly one volunteer."""
    item = RuleItem(
        "every_child_gets_one_volunteer",
        child_id,
        f"儿童 {child_id} 需要一名志愿者",
        f"child {child_id} needs a volunteer",
    )
    return volunteers == 1, item


def within_capacity(event: Event, v: Volunteer, children: Any) -> tuple[Any, RuleItem]:
    """A volunteer takes no more children than they and the event allow (1 or 2)."""
    cap = effective_capacity(event, v)
    item = RuleItem(
        "volunteer_within_capacity",
        v.id,
        f"志愿者 {v.id} 最多带 {cap} 名",
        f"volunteer {v.id} takes at most {cap}",
    )
    return children <= cap, item


def every_child_gets_one_volunteer(pm: PairingModel) -> None:
    """Each child on the day gets exactly one volunteer."""
    for c in pm.children:
        arcs = pm.by_child[c.id]
        if pm.cover == "exact":
            pm.require(*one_volunteer_for(c.id, sum(arcs)))
        else:
            covered = pm.model.new_bool_var(f"covered[{c.id}]")
            pm.covered[c.id] = covered
            pm.model.add(sum(arcs) == covered)


def volunteer_within_capacity(pm: PairingModel) -> None:
    """A volunteer takes no more children than they and the event allow (1 or 2)."""
    for v in pm.volunteers:
        arcs = pm.by_volunteer[v.id]
        if not arcs:
            continue
        if pm.present is not None:  # a volunteer not chosen takes nobody
            _, item = within_capacity(pm.event, v, 0)
            cap = effective_capacity(pm.event, v)
            pm.require(sum(arcs) <= cap * pm.present[v.id], item)
        else:
            pm.require(*within_capacity(pm.event, v, sum(arcs)))


def siblings_share_a_volunteer(
    group: str, ids: Sequence[str], first: Any, other: Any
) -> tuple[Any, RuleItem]:
    """Brothers and sisters go with the same volunteer: whatever the first of them
    gets, each other one gets (a volunteer's id in a plan, or a model's choice)."""
    item = RuleItem(
        "siblings_with_same_volunteer",
        group,
        f"兄弟姐妹 {'+'.join(ids)} 须由同一志愿者带",
        f"siblings {'+'.join(ids)} go with the same volunteer",
    )
    return first == other, item


def locked_pair_kept(
    volunteer_id: str, children: Sequence[str], taken: Any
) -> tuple[Any, RuleItem]:
    """A locked (long-term) pair from an earlier event is kept: the locked volunteer
    takes the child (``taken`` is 1 in a plan that keeps it, or the model's choice)."""
    return taken == 1, _lock_item(volunteer_id, children)


def siblings_with_same_volunteer(pm: PairingModel) -> None:
    """Brothers and sisters go with the same volunteer."""
    for group, ids in siblings_kept_together(pm.event, pm.children).items():
        first, *rest = ids
        for v in pm.volunteers:
            a = pm.y.get((v.id, first))
            for other in rest:
                b = pm.y.get((v.id, other))
                if a is not None or b is not None:  # an arc left out is a choice of 0
                    pm.require(*siblings_share_a_volunteer(group, ids, _or_0(a), _or_0(b)))


def _or_0(var: Any) -> Any:
    return 0 if var is None else var


def locked_pairs_kept(pm: PairingModel) -> None:
    """A locked pair from an earlier event is kept (continuity is the point)."""
    if not pm.keep_locks:
        return
    attending = {c.id for c in pm.children}
    for lock in pm.event.matching.locked:
        for child_id in lock.children:
            if child_id not in attending:
                continue
            var = pm.y.get((lock.volunteer, child_id))
            if var is not None:
                pm.require(*locked_pair_kept(lock.volunteer, lock.children, var))


def only_chosen_volunteers(pm: PairingModel) -> None:
    """Only screened volunteers take children (in screening: only the chosen ones)."""
    if pm.present is None:
        return
    for (vid, _cid), var in pm.y.items():
        pm.model.add_implication(var, pm.present[vid])


PlanRule = Callable[[PairingModel], None]

#: The rules about the whole plan, added after the arcs.
PLAN_RULES: tuple[PlanRule, ...] = (
    only_chosen_volunteers,
    every_child_gets_one_volunteer,
    volunteer_within_capacity,
    siblings_with_same_volunteer,
    locked_pairs_kept,
)

#: Organiser labels of every hard rule (solver and checker use the same names).
RULE_LABELS: dict[str, tuple[str, str]] = {
    "only_chosen_volunteers": ("只有入选志愿者结对", "only screened volunteers are paired"),
    "every_child_gets_one_volunteer": (
        "每名儿童恰好一名志愿者",
        "every child gets exactly one volunteer",
    ),
    "volunteer_within_capacity": ("志愿者带人不超过上限", "no volunteer above their limit"),
    "siblings_with_same_volunteer": ("兄弟姐妹同一志愿者", "siblings with the same volunteer"),
    "special_care_only_with_trained_volunteer": (
        "特殊照护儿童只由受过特殊教育培训的志愿者带",
        "special care only with a trained volunteer",
    ),
    "locked_pairs_kept": ("锁定结对保持不变", "locked pairs kept"),
    "forbidden_pairs_kept_apart": ("禁止的结对不出现", "forbidden pairs kept apart"),
    "same_gender_when_required": ("要求时同性别结对", "same gender when required"),
}

__all__ = [
    "ARC_RULES",
    "PLAN_RULES",
    "RULE_LABELS",
    "PairingModel",
    "RuleItem",
    "arc_blockers",
]
