"""Each bus leg in words: for a volunteer's calendar invite and printed sheet.

Kept apart from the invites so a printed page does not load the calendar
library to say which bus a child takes.
"""

from __future__ import annotations

from planner.model import BusPlan, TimelineItem
from planner.render.labels import Labels
from planner.render.view import BusLeg, PlanView

__all__ = ["bus_label", "bus_lines", "children_bus_lines", "every_bus_lines"]


def bus_lines(view: PlanView, t: Labels, volunteer_id: str) -> list[str]:
    """For an escort: each leg's bus, departure, and the stops with their times."""
    return [_leg_line(view, t, bus_leg) for bus_leg in view.legs_of_volunteer(volunteer_id)]


def every_bus_lines(view: PlanView, t: Labels, item: TimelineItem) -> list[str]:
    """For the team: every bus leg leaving within ``item``, with its stops."""
    return [_leg_line(view, t, bus_leg) for bus_leg in view.legs_during(item)]


def bus_label(t: Labels, bus: BusPlan) -> str:
    """The bus in the reader's language: its own name in Chinese, "Bus B1" in English."""
    return t("bus_named", name=bus.name or bus.id, id=bus.id)


def _leg_line(view: PlanView, t: Labels, bus_leg: BusLeg) -> str:
    """One leg: the bus, when and where it leaves, and its stops with their times."""
    text = t(
        "bus_departs",
        bus=bus_label(t, bus_leg.bus),
        time=view.hhmm(bus_leg.leg.depart),
        place=view.place_name(bus_leg.leg.from_),
    )
    stops = [f"{view.place_name(s.point)} {view.hhmm(s.time)}" for s in bus_leg.leg.stops]
    if stops:
        text += ("；" if t.lang == "zh" else "; ") + t["via"] + " " + t.list_sep.join(stops)
    return text


def children_bus_lines(view: PlanView, t: Labels, volunteer_id: str) -> list[str]:
    """For a paired volunteer: which bus brings which of their children, and when it arrives."""
    own = {bl.key for bl in view.legs_of_volunteer(volunteer_id)}
    riders: dict[str, list[str]] = {}
    legs = {}
    for child in view.children_of(volunteer_id):
        for bus_leg in view.legs_of_child(child.id):
            if bus_leg.key in own or view.is_return(bus_leg.leg):
                continue
            legs[bus_leg.key] = bus_leg
            riders.setdefault(bus_leg.key, []).append(child.given_name)
    lines = []
    for key, bus_leg in sorted(legs.items(), key=lambda kv: (kv[1].leg.arrive, kv[0])):
        lines.append(
            t(
                "children_arrive",
                names=t.list_sep.join(riders[key]),
                bus=bus_label(t, bus_leg.bus),
                time=view.hhmm(bus_leg.leg.arrive),
                place=view.place_name(bus_leg.leg.to),
            )
        )
    return lines
