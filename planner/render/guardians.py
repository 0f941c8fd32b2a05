"""What each family is told: when and where their children are picked up and
brought back, and whom to call.

One notice per family (siblings, or children with the same guardian), as
plain text ready to paste into an SMS or WeChat (``guardians/<first child
id>.txt``), all of them in one list for the organiser who sends them
(``guardians/notices.txt``), and as printable slips (``print/guardian_slips``).
A family's notice names only its own children: no other child, no volunteer's
phone, no health note.
"""

from __future__ import annotations

from msgspec import Struct

from planner.model import Child
from planner.render.labels import Labels
from planner.render.view import PlanView

__all__ = ["Family", "FamilyNotice", "families", "family_notices", "notices_text"]


class Family(Struct, frozen=True):
    """Children who go home to the same guardian."""

    id: str
    children: list[Child]

    @property
    def guardian_name(self) -> str:
        guardian = next((c.guardian for c in self.children if c.guardian), None)
        return guardian.name if guardian else ""

    @property
    def guardian_phone(self) -> str:
        guardian = next((c.guardian for c in self.children if c.guardian), None)
        return guardian.phone or "" if guardian else ""


class Trip(Struct, frozen=True):
    """One child's day as their guardian must know it."""

    pickup_place: str = ""
    pickup_time: str = ""
    back_place: str = ""
    back_time: str = ""
    start: str = ""
    end: str = ""
    place: str = ""


class FamilyNotice(Struct, frozen=True):
    family: Family
    greeting: str
    lines: list[str]
    contact: str
    text: str


def _family_key(child: Child) -> tuple[str, ...]:
    if child.sibling_group:
        return ("siblings", child.sibling_group)
    if child.guardian is not None and (child.guardian.phone or child.guardian.name):
        return ("guardian", child.guardian.name, child.guardian.phone or "")
    return ("child", child.id)


def families(view: PlanView) -> list[Family]:
    """The attending children grouped by family (sibling group, else the same guardian
    name and phone), each family named by its first child's id, in id order."""
    grouped: dict[tuple[str, ...], list[Child]] = {}
    for child in view.attending_children:
        grouped.setdefault(_family_key(child), []).append(child)
    found = [Family(kids[0].id, kids) for kids in grouped.values()]
    return sorted(found, key=lambda f: f.id)


def trip_of(view: PlanView, child: Child) -> Trip:
    """Where and when ``child`` is picked up and brought back; without a bus, the
    child's own day (first start, last end, where it begins)."""
    pickup_place = pickup_time = back_place = back_time = ""
    for bus_leg in view.legs_of_child(child.id):
        stop = view.stop_of_child(bus_leg, child.id)
        if stop is None:
            continue
        point, when = stop
        if view.is_return(bus_leg.leg):
            back_place, back_time = view.place_name(point), view.hhmm(when)
        else:
            pickup_place, pickup_time = view.place_name(point), view.hhmm(when)
    from planner.render.schedule import schedule_for

    items = schedule_for(view.plan, child.id)
    first = next((i for i in items if i.place), items[0] if items else None)
    start = view.hhmm(first.start) if first else ""
    end = view.hhmm(max(i.end for i in items)) if items else ""
    place = view.place_name(first.place if first and first.place else view.plan.event.location)
    return Trip(pickup_place, pickup_time, back_place, back_time, start, end, place)


def _names(children: list[Child], t: Labels) -> str:
    return t.list_sep.join(c.name for c in children)


def _trip_lines(view: PlanView, t: Labels, family: Family) -> list[str]:
    """One line per distinct trip; children sharing a trip are named together."""
    trips: dict[Trip, list[Child]] = {}
    for child in family.children:
        trips.setdefault(trip_of(view, child), []).append(child)
    day = view.event_date
    date = f"{day.month}月{day.day}日" if t.lang == "zh" else day.isoformat()
    lines = []
    for trip, children in trips.items():
        parts = []
        if trip.pickup_time:
            parts.append(
                t("notice_pickup", date=date, time=trip.pickup_time, place=trip.pickup_place)
            )
        elif trip.start:
            parts.append(t("notice_day", date=date, start=trip.start, place=trip.place))
        if trip.back_time:
            parts.append(t("notice_back", time=trip.back_time, place=trip.back_place))
        elif trip.end:
            parts.append(t("notice_end", time=trip.end))
        if parts:
            sep = "；" if t.lang == "zh" else "; "
            end = "。" if t.lang == "zh" else "."
            lines.append(t.colon(_names(children, t)) + sep.join(parts) + end)
    return lines


def family_notices(view: PlanView, t: Labels) -> list[FamilyNotice]:
    """One notice per family, in family id order (none for a programme without a day,
    or before the day is planned)."""
    if not view.plans_a_day or not (view.plan.timeline or view.plan.buses):
        return []
    event = view.plan.event
    person = event.coordinator
    contact = " ".join(x for x in (person.name, person.phone) if x) if person else ""
    notices = []
    for family in families(view):
        greeting = t(
            "notice_greeting",
            guardian=family.guardian_name or t["notice_guardian"],
            names=_names(family.children, t),
            event=event.name,
            date=_date(view, t),
        )
        lines = _trip_lines(view, t, family)
        closing = t("notice_contact", contact=contact) if contact else ""
        signature = event.organiser or ""
        text = "\n".join(
            [f"【{event.name}】" if t.lang == "zh" else f"[{event.name}]", greeting, *lines]
            + [x for x in (closing, signature) if x]
        )
        notices.append(FamilyNotice(family, greeting, lines, contact, text + "\n"))
    return notices


def _date(view: PlanView, t: Labels) -> str:
    day = view.event_date
    return f"{day.year}年{day.month}月{day.day}日" if t.lang == "zh" else day.isoformat()


def notices_text(notices: list[FamilyNotice], t: Labels) -> str:
    """Every family's notice in one file for the organiser: each headed by whom to
    send it to (guardian and phone), then the text to paste."""
    blocks = []
    for notice in notices:
        family = notice.family
        ids = " ".join(c.id for c in family.children)
        to = " ".join(x for x in (family.guardian_name, family.guardian_phone) if x)
        blocks.append(f"==== {ids} · {t.colon(t['notice_send_to'])}{to} ====\n{notice.text}")
    return "\n".join(blocks)
