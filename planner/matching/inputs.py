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
    known = {"volunteer": {v.id for v in event.volunteers}, "child": {c.id for c in event.children}}
    person_zh = {"volunteer": "志愿者", "child": "儿童"}
    kind_zh = {"locked": "固定结对", "forbidden": "禁止结对"}
    named: list[tuple[str, int, str, str, str]] = []  # (kind, index, key, role, id)
    for i, lock in enumerate(event.matching.locked):
        named.append(("locked", i, "volunteer", "volunteer", lock.volunteer))
        named += [("locked", i, "children", "child", cid) for cid in lock.children]
    for i, ban in enumerate(event.matching.forbidden):
        named.append(("forbidden", i, "volunteer", "volunteer", ban.volunteer))
        named.append(("forbidden", i, "child", "child", ban.child))
    return [
        Problem(
            "event.toml",
            None,
            f"matching.{kind}.{i}.{key}",
            f"{kind_zh[kind]}里的{person_zh[role]} {ident} 不在名单中",
            f"{kind} pair names unknown {role} {ident}",
            loc=("matching", kind, i, key),
        )
        for kind, i, key, role, ident in named
        if ident not in known[role]
    ]


def validate(event: Event) -> list[Problem]:
    """Every input problem of the matching stage."""
    return [*weight_problems(event), *pair_reference_problems(event)]
