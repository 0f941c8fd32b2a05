"""Shared by the rematch tests: example plans, the facts read straight from a
plan (independently of planner.diff), and the invites as files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from icalendar import Calendar

from planner.load import load_event
from planner.model import Plan
from planner.pipeline import build_plan
from planner.render.invites import write_invites

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


@cache
def example_plan(name: str) -> Plan:
    """The example's whole plan (built once per test session)."""
    return build_plan(load_event(EXAMPLES / name))


def raw_facts(plan: Plan) -> dict[tuple[str, str], str]:
    """(person, fact) -> value, read from the plan's own lists: pair, group,
    leader, escort, bus and stop time each way, seat. Written apart from
    planner.diff, so that the tests hold the diff to the plans."""
    out: dict[tuple[str, str], str] = {}
    for pair in plan.pairs:
        out[(pair.volunteer_id, "pair")] = "+".join(sorted(pair.child_ids))
        for cid in pair.child_ids:
            out[(cid, "pair")] = pair.volunteer_id
    for group in plan.groups:
        for pid in [*group.volunteer_ids, *group.child_ids]:
            out[(pid, "group")] = group.id
    for bus in plan.buses:
        for leg in bus.legs:
            d = leg.direction or "out"
            for vid in leg.volunteer_ids:
                out[(vid, f"bus_{d}")] = bus.id
            for stop in leg.stops:
                for cid in stop.child_ids:
                    out[(cid, f"bus_{d}")] = bus.id
                    when = "pickup" if d == "out" else "dropoff"
                    out[(cid, when)] = stop.time.isoformat()
    seats: dict[str, list[str]] = {}
    for bus in plan.buses:
        for pid, n in bus.seat_of.items():
            seats.setdefault(pid, []).append(f"{bus.id}/{n}")
    for pid, held in seats.items():
        out[(pid, "seat")] = ",".join(sorted(held))
    return out


def raw_differences(before: Plan, after: Plan) -> set[tuple[str, str]]:
    """(person, fact) pairs whose value differs between the plans."""
    a, b = raw_facts(before), raw_facts(after)
    return {key for key in set(a) | set(b) if a.get(key) != b.get(key)}


def invites(plan: Plan, lang: str = "zh") -> dict[str, bytes]:
    """The invite files of a plan: file name -> bytes."""
    return {i.filename: i.data for i in write_invites(plan, lang=lang)}


def vevents(data: bytes) -> list:
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]
