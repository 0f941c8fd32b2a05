"""Read a Plan the way the renderers need it: lookups by id, local times, roles.

Everything here is derived from the Plan alone; nothing is solved again.
Each renderer then picks only the fields its reader may see.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from msgspec import Struct

from planner.itinerary.schedule import is_photo, photo_refusals
from planner.model import (
    BusPlan,
    Child,
    Group,
    Leg,
    Pair,
    Place,
    PlaceKind,
    Plan,
    Shape,
    TimelineItem,
    Volunteer,
)

#: Place kinds a bus starts from on the way out; a leg leaving anywhere else is a return.
OUTBOUND_ORIGINS: frozenset[str] = frozenset({PlaceKind.DEPOT.value, PlaceKind.PICKUP.value})

#: Leg ``direction`` values meaning "taking the children home".
RETURN_DIRECTIONS: frozenset[str] = frozenset({"back", "return", "travel_back", "home"})

#: ``Volunteer.roles`` words that make someone a bus escort.
ESCORT_ROLE_WORDS: frozenset[str] = frozenset({"escort", "escorts", "跟车", "跟车志愿者"})

#: A group name as the groups stage writes it (第1组); other names are the organisers'.
GENERATED_GROUP_NAME = re.compile(r"第(\d+)组")


class BusLeg(Struct, frozen=True):
    """One leg of one bus (the manifest's unit)."""

    bus: BusPlan
    leg: Leg
    index: int

    @property
    def key(self) -> str:
        return f"{self.bus.id}-{self.index + 1}"


class PlanView:
    """Lookups over one plan; build once per export."""

    def __init__(self, plan: Plan, lang: str = "zh") -> None:
        self.plan = plan
        self.lang = lang
        self.tz = ZoneInfo(plan.event.timezone)
        self._volunteers = {v.id: v for v in plan.people.volunteers}
        self._children = {c.id: c for c in plan.people.children}
        self._places = {p.id: p for p in plan.people.places}

    @property
    def plans_a_day(self) -> bool:
        """The programme has a day (timeline, transfers); a pairing programme has none."""
        shape = self.plan.event.shape
        return shape is None or Shape(shape).plans_a_day

    # ---- people and places -------------------------------------------
    def volunteer(self, volunteer_id: str) -> Volunteer | None:
        return self._volunteers.get(volunteer_id)

    def child(self, child_id: str) -> Child | None:
        return self._children.get(child_id)

    def place(self, place_id: str | None) -> Place | None:
        return self._places.get(place_id) if place_id else None

    def place_name(self, place_id: str | None) -> str:
        """The place's name, or the id itself when the plan has no such place."""
        if not place_id:
            return ""
        found = self.place(place_id)
        return found.name if found else place_id

    def place_text(self, place_id: str | None) -> str:
        """Name and address, as printed in a calendar's LOCATION."""
        found = self.place(place_id)
        if found is None:
            return place_id or ""
        return f"{found.name}, {found.address}" if found.address else found.name

    def children_named(self, child_ids: list[str]) -> list[Child]:
        return [c for c in (self.child(i) for i in child_ids) if c is not None]

    @cached_property
    def selected(self) -> list[Volunteer]:
        """The selected volunteers, in id order (everyone who gets an invite)."""
        chosen = sorted(set(self.plan.volunteers_selected))
        return [v for v in (self.volunteer(i) for i in chosen) if v is not None]

    @cached_property
    def attending_children(self) -> list[Child]:
        return sorted((c for c in self.plan.people.children if c.attending), key=lambda c: c.id)

    def age(self, child: Child) -> int | None:
        return child.age_on(self.plan.event.date)

    @property
    def event_date(self) -> date:
        return self.plan.event.date

    # ---- pairs and groups --------------------------------------------
    @cached_property
    def _pair_by_volunteer(self) -> dict[str, Pair]:
        return {p.volunteer_id: p for p in self.plan.pairs}

    @cached_property
    def _volunteer_by_child(self) -> dict[str, str]:
        return {c: p.volunteer_id for p in self.plan.pairs for c in p.child_ids}

    def pair_of(self, volunteer_id: str) -> Pair | None:
        return self._pair_by_volunteer.get(volunteer_id)

    def children_of(self, volunteer_id: str) -> list[Child]:
        pair = self.pair_of(volunteer_id)
        return self.children_named(pair.child_ids) if pair else []

    def volunteer_of_child(self, child_id: str) -> Volunteer | None:
        vid = self._volunteer_by_child.get(child_id)
        return self.volunteer(vid) if vid else None

    def group_of_volunteer(self, volunteer_id: str) -> Group | None:
        return next((g for g in self.plan.groups if volunteer_id in g.volunteer_ids), None)

    def group_of_child(self, child_id: str) -> Group | None:
        return next((g for g in self.plan.groups if child_id in g.child_ids), None)

    def group_name(self, group: Group | None) -> str:
        """The group's name; in English, a name the stage wrote as 第N组 reads "Group N"."""
        if group is None:
            return ""
        name = group.name or group.id
        numbered = GENERATED_GROUP_NAME.fullmatch(name)
        if self.lang == "en" and numbered:
            return f"Group {numbered.group(1)}"
        return name

    # ---- photos (the rule: planner.itinerary.schedule) --------------------
    @staticmethod
    def is_photo(item: TimelineItem) -> bool:
        """An activity is a photo when its id, kind or title says so (合影, photo)."""
        return is_photo(item)

    @cached_property
    def without_photo_consent(self) -> list[Child]:
        """Attending children whose guardians did not consent to photos."""
        return [c for c in self.attending_children if not c.photo_consent]

    def photo_refusals(self) -> list[tuple[TimelineItem, list[Child]]]:
        """Each photo activity with the attending children taking part in it whose
        guardians did not consent to photos (only activities with such children)."""
        return photo_refusals(self.plan, self.attending_children)

    # ---- buses ---------------------------------------------------------
    @cached_property
    def bus_legs(self) -> list[BusLeg]:
        """Every leg of every bus, by departure then bus id."""
        legs = [BusLeg(bus, leg, i) for bus in self.plan.buses for i, leg in enumerate(bus.legs)]
        return sorted(legs, key=lambda bl: (bl.leg.depart, bl.bus.id, bl.index))

    def is_return(self, leg: Leg) -> bool:
        """A leg takes children home when it says so, or leaves from a non-pickup place."""
        if leg.direction:
            return leg.direction in RETURN_DIRECTIONS
        kinds = {stop.kind for stop in leg.stops if stop.kind}
        if kinds:
            return kinds == {"dropoff"}
        origin = self.place(leg.from_)
        return origin is not None and origin.kind.value not in OUTBOUND_ORIGINS

    def legs_of_volunteer(self, volunteer_id: str) -> list[BusLeg]:
        return [bl for bl in self.bus_legs if volunteer_id in bl.leg.volunteer_ids]

    def legs_during(self, item: TimelineItem, volunteer_id: str | None = None) -> list[BusLeg]:
        """Bus legs leaving within ``item`` (the volunteer's own first, when given)."""
        during = [bl for bl in self.bus_legs if item.start <= bl.leg.depart < item.end]
        if volunteer_id is None:
            return during
        own = [bl for bl in during if volunteer_id in bl.leg.volunteer_ids]
        return own or during

    def legs_of_child(self, child_id: str) -> list[BusLeg]:
        return [bl for bl in self.bus_legs if child_id in bl.leg.child_ids]

    def stop_of_child(self, bus_leg: BusLeg, child_id: str) -> tuple[str, datetime] | None:
        """Where and when ``child_id`` boards (or, on a return leg, gets off)."""
        for stop in bus_leg.leg.stops:
            if child_id in stop.child_ids:
                return stop.point, stop.time
        return None

    @cached_property
    def escort_ids(self) -> frozenset[str]:
        """Volunteers riding any bus leg, or whose roles say they escort."""
        riding = {v for bl in self.bus_legs for v in bl.leg.volunteer_ids}
        tagged = {
            v.id for v in self.selected if any(r.lower() in ESCORT_ROLE_WORDS for r in v.roles)
        }
        return frozenset(riding | tagged)

    def roles_of(self, volunteer_id: str) -> list[str]:
        """Role keys (see labels ENUMS['role']) plus any free-text roles, in a fixed order."""
        roles: list[str] = []
        if self.pair_of(volunteer_id):
            roles.append("pair_volunteer")
        if volunteer_id in self.escort_ids:
            roles.append("escort")
        group = self.group_of_volunteer(volunteer_id)
        if group and group.leader_id == volunteer_id:
            roles.append("leader")
        if group and volunteer_id in group.first_aider_ids:
            roles.append("first_aider")
        volunteer = self.volunteer(volunteer_id)
        for free in volunteer.roles if volunteer else ():
            if free.lower() not in ESCORT_ROLE_WORDS and free not in roles:
                roles.append(free)
        return roles or ["volunteer"]

    # ---- time ------------------------------------------------------------
    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def hhmm(self, moment: datetime) -> str:
        return self.local(moment).strftime("%H:%M")

    def first_date(self) -> date:
        """The earliest local date any timed item of the plan falls on."""
        moments = [t.start for t in self.plan.timeline]
        moments += [bl.leg.depart for bl in self.bus_legs]
        moments += [m.time for m in self.plan.meals]
        dates = [self.local(m).date() for m in moments]
        return min([self.event_date, *dates])


#: When no clock is passed in, the outputs are stamped this long before the event day.
STAMP_LEAD = timedelta(days=7)


def stamp_for(plan: Plan, now: datetime | None) -> datetime:
    """When the plan's outputs say they were made, in UTC: ``now`` when given, else
    fixed by the plan (repeatable output). The invites' DTSTAMP and the PDFs'
    creation date."""
    if now is not None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now.astimezone(UTC).replace(microsecond=0)
    midnight = datetime.combine(plan.event.date, time(0), PlanView(plan).tz)
    return (midnight - STAMP_LEAD).astimezone(UTC)
