"""Each person's own day, read from a finished plan alone.

A person takes part in a timeline item when its ``who`` names them (by
role, group or id). Bus rounds are made personal: a child's pickup round
starts at their own stop's pickup time, their return round ends when they
are handed to their guardian; an escort's rounds follow their own bus.

A photo activity (合影) and the children in it without photo consent are
found here too (:func:`photo_refusals`), for the plan's notice and the sheets.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from planner.itinerary.roster import STAFF_PREFIX, Roster
from planner.model import ActivityKind, Child, Notice, Plan, TimelineItem

__all__ = ["PHOTO_NOTICE", "is_photo", "photo_notices", "photo_refusals", "schedule_for"]


#: A bus round's timeline kind -> the direction of its legs.
_DIRECTION: dict[str, str] = {
    ActivityKind.TRAVEL_OUT.value: "out",
    ActivityKind.TRAVEL_BACK.value: "back",
}


def schedule_for(plan: Plan, person_id: str, roster: Roster | None = None) -> list[TimelineItem]:
    """The timeline items ``person_id`` takes part in, by start time: those
    whose ``who`` names them, and the bus rounds they ride (an escort starts
    their day at the depot even when the round's ``who`` leaves escorts out).

    ``person_id`` is a volunteer's or child's id, or ``staff:<name>`` (a bare
    staff name is understood too). ``roster``, when given, is the plan's own
    (:meth:`Roster.of_plan`), made once for many people.
    """
    roster = roster if roster is not None else Roster.of_plan(plan)
    if (
        person_id not in roster.participants(["everyone"])
        and STAFF_PREFIX + person_id in roster.staff
    ):
        person_id = STAFF_PREFIX + person_id
    rides = {
        leg.direction
        for bus in plan.buses
        for leg in bus.legs
        if leg.direction and (person_id in leg.volunteer_ids or person_id in leg.child_ids)
    }
    items = []
    for item in plan.timeline:
        if (
            person_id in item.who
            or person_id in roster.participants(item.who)
            or _DIRECTION.get(item.kind or "") in rides
        ):
            items.append(_personal(plan, item, person_id))
    return sorted(items, key=lambda t: (t.start, t.end, t.id))


def _personal(plan: Plan, item: TimelineItem, person_id: str) -> TimelineItem:
    """The item as ``person_id`` lives it (their own bus, stop and times; the
    note names their bus in Chinese and in English apart)."""
    direction = _DIRECTION.get(item.kind or "")
    if direction is None:
        return item
    for bus in plan.buses:
        for leg in bus.legs:
            if leg.direction != direction:
                continue
            bus_name = bus.name or bus.id
            if person_id in leg.volunteer_ids:
                return item.model_copy(
                    update={
                        "start": leg.depart,
                        "end": leg.arrive,
                        "place": leg.from_,
                        "note": f"{bus_name},跟车",
                        "note_en": f"escort on {bus.id}",
                    }
                )
            for stop in leg.stops:
                if person_id not in stop.child_ids:
                    continue
                if direction == "out":
                    update = {"start": stop.time, "end": leg.arrive, "place": stop.point}
                else:
                    update = {"start": leg.depart, "end": stop.time, "place": stop.point}
                return item.model_copy(update={**update, "note": bus_name, "note_en": bus.id})
    return item


# ---- photos --------------------------------------------------------------
#: Words in an activity's id, kind or title that mark it as a photo (合影): children
#: without photo consent must be kept out of the picture.
PHOTO_WORDS: tuple[str, ...] = ("合影", "拍照", "照相", "photo")

#: ``Notice.code`` of a photo activity with children who may not be photographed.
PHOTO_NOTICE = "photo_without_consent"


def is_photo(item: TimelineItem) -> bool:
    """An activity is a photo when its id, kind or title says so (合影, photo).

    >>> from datetime import datetime, timezone
    >>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> is_photo(TimelineItem(id="p", title="长安塔前合影留念", start=at, end=at))
    True
    """
    words = (item.id, item.kind or "", item.title, item.title_en or "")
    return any(w in text.lower() for text in words for w in PHOTO_WORDS)


def photo_refusals(plan: Plan, children: Iterable[Child]) -> list[tuple[TimelineItem, list[Child]]]:
    """Each photo activity with those of ``children`` taking part in it whose
    guardians did not consent to photos (only activities with such children)."""
    refused = sorted((c for c in children if not c.photo_consent), key=lambda c: c.id)
    roster = Roster.of_plan(plan)
    found = []
    for item in sorted((i for i in plan.timeline if is_photo(i)), key=lambda i: (i.start, i.id)):
        there = [c for c in refused if c.id in item.who or c.id in roster.participants(item.who)]
        if there:
            found.append((item, there))
    return found


def photo_notices(plan: Plan, children: Iterable[Child]) -> list[Notice]:
    """One notice per photo activity with children who may not be photographed
    (``plan.json`` ``notices``, code :data:`PHOTO_NOTICE`)."""
    tz = ZoneInfo(plan.event.timezone)
    notices = []
    for item, there in photo_refusals(plan, children):
        at = item.start.astimezone(tz).strftime("%H:%M")
        ids = [f"{c.id} {c.name}" for c in there]
        notices.append(
            Notice(
                stage="itinerary",
                code=PHOTO_NOTICE,
                zh=f"{at}“{item.title}”是合影：{'、'.join(ids)} 的监护人未同意拍照，"
                "请其结对志愿者让孩子回避",
                en=f'{at} "{item.title_en or item.title}" is a photo: no photo consent for '
                f"{', '.join(ids)}; their volunteers keep them out of the picture",
            )
        )
    return notices
