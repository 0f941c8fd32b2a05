"""How many children a set of volunteers can pair: a max flow over classes, and its cuts.

Volunteers and children fall into classes that every pairing arc rule treats
alike (:func:`planner.matching.rules.arc_classes`): for 5,000 applicants and
3,000 children, a few dozen of each. Brothers and sisters kept together are
one unit needing a volunteer with room for all of them. The max flow
source → unit classes → volunteer classes → sink counts the children the
chosen volunteers can take; its min cut is a Hall set (units whose allowed
volunteers have too few places), which screening turns into a constraint
on the choice (:meth:`Cover.cut`). For children without siblings the count
is exact; a sibling unit may be split between two volunteers by the flow, so
with siblings it is an upper bound, and screening checks the choice with
the matching engine itself.
"""

from __future__ import annotations

import numpy as np
from msgspec import Struct

from planner.matching.facts import effective_capacity, siblings_kept_together
from planner.matching.rules import arc_classes
from planner.model import Child, Event, Volunteer

__all__ = ["Cover", "Cut", "cover_of"]


class Cut(Struct, frozen=True):
    """Hall's condition for one set of units: the chosen volunteers in ``classes``
    need at least ``need - (children - target)`` places for ``target`` children to be paired."""

    classes: tuple[int, ...]
    need: int


class Cover(Struct, frozen=True):
    """The flow network of an event's pool and children, by classes."""

    volunteer_class: np.ndarray  # per pool volunteer
    capacity: np.ndarray  # per pool volunteer: children they may take
    unit_children: np.ndarray  # per unit class: children in all its units
    allowed: np.ndarray  # [unit class, volunteer class]
    children: int
    siblings: bool  # some units are sibling groups (the count is then an upper bound)

    def count(self, chosen: np.ndarray) -> tuple[int, Cut]:
        """Children the ``chosen`` volunteers (a mask over the pool) can pair, and the tightest cut."""
        from ortools.graph.python import max_flow

        places = np.bincount(
            self.volunteer_class, weights=self.capacity * chosen, minlength=self.allowed.shape[1]
        ).astype(np.int64)
        units, classes = self.allowed.shape
        source, sink = units + classes, units + classes + 1
        flow = max_flow.SimpleMaxFlow()
        rows, cols = np.nonzero(self.allowed)
        big = np.full(len(rows), self.children + 1, dtype=np.int64)
        flow.add_arcs_with_capacity(np.full(units, source), np.arange(units), self.unit_children)
        flow.add_arcs_with_capacity(rows, cols + units, big)
        flow.add_arcs_with_capacity(np.arange(classes) + units, np.full(classes, sink), places)
        flow.solve(source, sink)
        side = np.array(sorted(flow.get_source_side_min_cut()), dtype=np.int64)
        in_units = side[side < units]
        in_classes = side[(side >= units) & (side < units + classes)] - units
        need = int(self.unit_children[in_units].sum())
        return int(flow.optimal_flow()), Cut(tuple(in_classes.tolist()), need)


def cover_of(event: Event, pool: list[Volunteer], children: list[Child]) -> Cover:
    """The classes of ``pool`` and of ``children`` (sibling groups kept together as units)."""
    classes = arc_classes(event, pool, children)
    pos = {c.id: i for i, c in enumerate(children)}
    groups = [[pos[c] for c in ids] for ids in siblings_kept_together(event, children).values()]
    grouped = {i for g in groups for i in g}
    units = groups + [[i] for i in range(len(children)) if i not in grouped]
    class_cap = np.zeros(classes.allowed.shape[1], dtype=np.int64)
    caps = np.array([effective_capacity(event, v) for v in pool], dtype=np.int64)
    class_cap[classes.volunteer_class] = caps  # every volunteer of a class has the same
    index: dict[tuple[int, ...], int] = {}
    sizes: list[int] = []
    for members in units:
        key = (len(members), *sorted(int(classes.child_class[i]) for i in members))
        if key not in index:
            index[key] = len(index)
            sizes.append(0)
        sizes[index[key]] += len(members)
    allowed = np.zeros((len(index), classes.allowed.shape[1]), dtype=bool)
    for key, u in index.items():
        size, *members = key
        allowed[u] = classes.allowed[members].all(axis=0) & (class_cap >= size)
    return Cover(
        classes.volunteer_class,
        caps,
        np.array(sizes, dtype=np.int64),
        allowed,
        len(children),
        bool(groups),
    )
