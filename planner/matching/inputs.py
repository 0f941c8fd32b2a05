"""The pairing's input rules: weights that exist, locked and forbidden pairs
that name people on the lists. Run by the loader through :func:`validate`."""

from __future__ import annotations

from planner.errors import Problem
from planner.matching.criteria import weight_problems
from planner.model import Event

__all__ = ["pair_reference_problems", "validate"]


def pair_reference_problems(event: Event) -> list[Problem]:
    """Locked and forbidden pairs name volunteers and children on the lists."""
    if not event.volunteers and not event.children:
        return []
    vids = {v.id for v in event.volunteers}
    cids = {c.id for c in event.children}
    problems: list[Problem] = []

    def missing(loc: tuple[str | int, ...], zh: str, en: str) -> None:
        problems.append(Problem("event.toml", None, ".".join(map(str, loc)), zh, en, loc=loc))

    for i, lock in enumerate(event.matching.locked):
        if lock.volunteer not in vids:
            missing(
                ("matching", "locked", i, "volunteer"),
                f"固定结对里的志愿者 {lock.volunteer} 不在名单中",
                f"locked pair names unknown volunteer {lock.volunteer}",
            )
        for cid in lock.children:
            if cid not in cids:
                missing(
                    ("matching", "locked", i, "children"),
                    f"固定结对里的儿童 {cid} 不在名单中",
                    f"locked pair names unknown child {cid}",
                )
    for i, ban in enumerate(event.matching.forbidden):
        if ban.volunteer not in vids:
            missing(
                ("matching", "forbidden", i, "volunteer"),
                f"禁止结对里的志愿者 {ban.volunteer} 不在名单中",
                f"forbidden pair names unknown volunteer {ban.volunteer}",
            )
        if ban.child not in cids:
            missing(
                ("matching", "forbidden", i, "child"),
                f"禁止结对里的儿童 {ban.child} 不在名单中",
                f"forbidden pair names unknown child {ban.child}",
            )
    return problems


def validate(event: Event) -> list[Problem]:
    """Every input problem of the matching stage."""
    return [*weight_problems(event), *pair_reference_problems(event)]
