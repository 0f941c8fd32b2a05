"""Who is who on the day: the words of an activity's ``who`` turned into people.

An activity names its participants with words (``everyone``, ``volunteers``,
``escorts``, ``children``, ``staff``, ``pairs``) or group ids (``G1``). The
roster turns them into person ids, so the timeline, the checker and each
person's own schedule read ``who`` the same way.

Person ids: a volunteer's id, a child's id, and ``staff:<name>`` for staff.

>>> r = Roster(volunteers=("V1", "V2"), children=("C1",), staff=("staff:刘",),
...            escorts=("V2",), pairs={"V1": ("C1",)}, groups={"G1": ("V1", "C1")})
>>> sorted(r.members("pairs"))
['C1', 'V1']
>>> sorted(r.participants(("escorts", "children")))
['C1', 'V2']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from msgspec import Struct, field

from planner.model import Plan, StaffMember

#: The words ``who`` understands, besides group ids.
WORDS: tuple[str, ...] = ("everyone", "volunteers", "escorts", "children", "staff", "pairs")

STAFF_PREFIX = "staff:"


def staff_id(member: StaffMember) -> str:
    """The person id of a staff member (staff have no id of their own)."""
    return STAFF_PREFIX + member.name


class Roster(Struct, frozen=True):
    """The people of the day, by role."""

    volunteers: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    escorts: tuple[str, ...] = ()
    pairs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of_plan(cls, plan: Plan) -> Roster:
        """The roster a finished plan implies (escorts: who rides a bus)."""
        escorts = sorted({v for bus in plan.buses for leg in bus.legs for v in leg.volunteer_ids})
        return cls(
            volunteers=tuple(sorted(plan.volunteers_selected)),
            children=paired_children(plan),
            staff=tuple(staff_id(s) for s in plan.people.staff),
            escorts=tuple(escorts),
            pairs={p.volunteer_id: tuple(p.child_ids) for p in plan.pairs},
            groups={g.id: tuple(g.volunteer_ids) + tuple(g.child_ids) for g in plan.groups},
        )

    def knows(self, word: str) -> bool:
        return word in WORDS or word in self.groups

    def members(self, word: str) -> frozenset[str]:
        """The person ids one ``who`` word stands for (unknown words: nobody)."""
        if word == "everyone":
            return frozenset(self.volunteers) | frozenset(self.children) | frozenset(self.staff)
        if word == "volunteers":
            return frozenset(self.volunteers)
        if word == "escorts":
            return frozenset(self.escorts)
        if word == "children":
            return frozenset(self.children)
        if word == "staff":
            return frozenset(self.staff)
        if word == "pairs":
            return frozenset(self.pairs) | frozenset(c for cs in self.pairs.values() for c in cs)
        return frozenset(self.groups.get(word, ()))

    def participants(self, who: Iterable[str]) -> frozenset[str]:
        out: frozenset[str] = frozenset()
        for word in who:
            out |= self.members(word)
        return out

    @property
    def riders(self) -> frozenset[str]:
        """Who travels on the buses: the children and their escorts."""
        return frozenset(self.children) | frozenset(self.escorts)


def paired_children(plan: Plan) -> tuple[str, ...]:
    """The children who take part: every child in a pair, sorted."""
    return tuple(sorted({c for p in plan.pairs for c in p.child_ids}))
