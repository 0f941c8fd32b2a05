"""What an earlier plan of the same event told people, for a re-plan to keep.

A re-plan (`planner rematch`) hands the plan people were given to the
itinerary as ``previous``. :class:`Promised` reads from it what each stage
should keep: each person's game group and leader, each rider's and escort's
bus and seat, the times guardians were given at each stop, and each activity's start.
The models then count a change to any of these as a cost above every other
aim, so only what the rules force moves.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from msgspec import Struct, field

from planner.model import BusPlan, Leg, Notice, Plan, TimelineItem, seat_numbers


class Promised(Struct, frozen=True):
    """The earlier plan's decisions, by person, bus and stop."""

    #: person id -> game group id
    group_of: dict[str, str] = field(default_factory=dict)
    #: group id -> its leader's id
    leader_of: dict[str, str] = field(default_factory=dict)
    #: (person id, direction) -> bus id (children who rode, escorts)
    bus_of: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (child id, direction) -> (stop point, time guardians were given)
    stop_of: dict[tuple[str, str], tuple[str, datetime]] = field(default_factory=dict)
    #: timeline item id -> its start
    start_of: dict[str, datetime] = field(default_factory=dict)
    #: timeline item id -> its end
    end_of: dict[str, datetime] = field(default_factory=dict)
    #: bus id -> person id -> their seat on it
    seat_of: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan | None) -> Promised | None:
        if plan is None:
            return None
        group_of = {pid: g.id for g in plan.groups for pid in [*g.volunteer_ids, *g.child_ids]}
        leader_of = {g.id: g.leader_id for g in plan.groups if g.leader_id}
        bus_of: dict[tuple[str, str], str] = {}
        stop_of: dict[tuple[str, str], tuple[str, datetime]] = {}
        for bus in plan.buses:
            for leg in bus.legs:
                d = leg.direction or "out"
                for vid in leg.volunteer_ids:
                    bus_of[(vid, d)] = bus.id
                for stop in leg.stops:
                    for cid in stop.child_ids:
                        bus_of[(cid, d)] = bus.id
                        stop_of[(cid, d)] = (stop.point, stop.time)
        start_of = {item.id: item.start for item in plan.timeline}
        end_of = {item.id: item.end for item in plan.timeline}
        seat_of = {bus.id: dict(bus.seat_of) for bus in plan.buses}
        return cls(group_of, leader_of, bus_of, stop_of, start_of, end_of, seat_of)

    def bus(self, person: str) -> str | None:
        """The bus a person rode out (else back) in the earlier plan."""
        return self.bus_of.get((person, "out")) or self.bus_of.get((person, "back"))

    def promised_at(self, point: str, direction: str, child_ids: list[str]) -> datetime | None:
        """The time guardians of ``child_ids`` were given at ``point`` (the latest
        of them, when they were told different times)."""
        times = [
            when
            for cid in child_ids
            for (at, when) in [self.stop_of.get((cid, direction), ("", None))]
            if at == point and when is not None
        ]
        return max(times) if times else None


def seat_riders(buses: list[BusPlan], promised: Promised | None) -> list[BusPlan]:
    """Each bus with its riders' seats: a re-plan keeps the seat of everyone who
    stays on the same bus; the others take free seats (:func:`seat_numbers`)."""
    kept = promised.seat_of if promised is not None else {}
    return [
        bus.model_copy(update={"seat_of": seat_numbers(bus, kept.get(bus.id))}) for bus in buses
    ]


def keep_promised_times(
    buses: list[BusPlan], promised: Promised, tz: ZoneInfo
) -> tuple[list[BusPlan], list[Notice]]:
    """Stop times no earlier than guardians were told, where the road allows.

    Going out, a bus reaches each stop at the time promised (waiting there if
    it is early), never later than it must to reach the venue on time;
    coming back, it hands each child over no earlier than promised (it waits
    at the stop). A pickup that can only be kept by arriving late at the
    venue is brought forward, and named with its reason in a notice.
    """
    notices: list[Notice] = []
    out = []
    for bus in buses:
        legs = []
        for leg in bus.legs:
            kept, broken = _kept_leg(leg, promised)
            legs.append(kept)
            notices.extend(
                _broken_notice(bus.id, leg, point, was, now, tz) for point, was, now in broken
            )
        out.append(bus.model_copy(update={"legs": legs}))
    return out, notices


def _kept_leg(leg: Leg, promised: Promised) -> tuple[Leg, list[tuple[str, datetime, datetime]]]:
    """The leg with its stop times held to the promises, and the promises it cannot keep."""
    back = leg.direction == "back"
    direction = "back" if back else "out"
    times: list[datetime] = []
    broken: list[tuple[str, datetime, datetime]] = []
    for i, stop in enumerate(leg.stops):
        road = stop.time  # the time with no waiting: earliest back, latest out
        want = promised.promised_at(stop.point, direction, stop.child_ids) or road
        if i:
            after_last = times[-1] + (stop.time - leg.stops[i - 1].time)
        else:  # out, the bus may leave its depot earlier; back, it leaves with the round
            after_last = road if back else want
        if back:
            at = max(road, after_last, want)
        else:
            at = min(road, max(want, after_last))
            if at < want:
                broken.append((stop.point, want, at))
        times.append(at)
    if not times:
        return leg, broken
    stops = [s.model_copy(update={"time": t}) for s, t in zip(leg.stops, times, strict=True)]
    update: dict[str, object] = {"stops": stops}
    if back:
        update["arrive"] = leg.arrive + (times[-1] - leg.stops[-1].time)
    else:
        update["depart"] = leg.depart - (leg.stops[0].time - times[0])
    return leg.model_copy(update=update), broken


def _broken_notice(
    bus: str, leg: Leg, point: str, was: datetime, now: datetime, tz: ZoneInfo
) -> Notice:
    a, b = was.astimezone(tz).strftime("%H:%M"), now.astimezone(tz).strftime("%H:%M")
    due = leg.arrive.astimezone(tz).strftime("%H:%M")
    return Notice(
        stage="itinerary",
        code="pickup_earlier",
        zh=f"{bus} 在 {point} 的接车时间须由 {a} 提前到 {b}:车要在 {due} 前到达 {leg.to},"
        "请通知这些孩子的监护人",
        en=f"{bus} must collect at {point} at {b}, not {a} as told: it must reach {leg.to} "
        f"by {due}; tell these children's guardians",
    )


def travel_items_follow_buses(
    timeline: list[TimelineItem], buses: list[BusPlan]
) -> list[TimelineItem]:
    """A bus round lasts from its first bus leaving to its last arriving (after
    the stop times were held to their promises)."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for direction, kind in (("out", "travel_out"), ("back", "travel_back")):
        legs = [leg for bus in buses for leg in bus.legs if (leg.direction or "out") == direction]
        if legs:
            spans[kind] = (min(x.depart for x in legs), max(x.arrive for x in legs))
    return [
        item.model_copy(update={"start": spans[item.kind][0], "end": spans[item.kind][1]})
        if item.kind in spans
        else item
        for item in timeline
    ]
