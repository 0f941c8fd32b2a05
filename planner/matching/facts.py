"""Plain facts about an event that the solver, the explanations and the checker share.

These are definitions, not rules: how many children a volunteer may take,
which children are siblings, which child needs special care. Keeping them in
one place makes the checker and the solver speak about the same things.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from planner.model import SPECIAL_CARE_NEEDS, Child, Event, Need, Skill, Volunteer


def effective_capacity(event: Event, volunteer: Volunteer) -> int:
    """Children this volunteer may take today: their own limit, capped by the event's.

    >>> from planner.model import MatchingSettings
    >>> v = Volunteer(id="V1", name="甲", gender="male", age=30, max_children=2)
    >>> e = Event(id="e", name="e", date="2026-12-12", matching=MatchingSettings(max_children=1))
    >>> effective_capacity(e, v)
    1
    """
    return min(volunteer.max_children, event.matching.max_children)


def special_care_needs(child: Child) -> tuple[Need, ...]:
    """The child's needs that only a volunteer trained for special needs may take on."""
    return tuple(n for n in child.needs if n in SPECIAL_CARE_NEEDS)


def trained_for_special_care(volunteer: Volunteer) -> bool:
    """The volunteer has special-needs training (特殊教育)."""
    return volunteer.has(Skill.SPECIAL_NEEDS)


def siblings_kept_together(event: Event, children: Iterable[Child]) -> dict[str, tuple[str, ...]]:
    """The sibling groups that must go with one volunteer: all of them, unless the
    event lets brothers and sisters have volunteers of their own."""
    return sibling_groups(children) if event.matching.siblings_together else {}


def sibling_groups(children: Iterable[Child]) -> dict[str, tuple[str, ...]]:
    """Sibling group id -> sorted child ids, for groups of two or more children."""
    groups: dict[str, list[str]] = defaultdict(list)
    for child in children:
        if child.sibling_group:
            groups[child.sibling_group].append(child.id)
    return {g: tuple(sorted(ids)) for g, ids in sorted(groups.items()) if len(ids) >= 2}


def attending_children(event: Event) -> list[Child]:
    """The children coming on the day, sorted by id."""
    return sorted(event.attending_children, key=lambda c: c.id)
