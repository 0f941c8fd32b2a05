"""Calendar invites (RFC 5545): one file per selected volunteer, one for the team.

What a volunteer's invite holds, and nothing more: their role, group, bus
and pickup time, the meeting point, the coordinator's contact and the
*given* names of their children. Never a child's full name, a guardian's
phone, medical, allergy or category notes, nor other volunteers' contacts.

The files are handed out, not sent by the tool, so they are
``METHOD:PUBLISH`` (RFC 5546 §3.2.1). UIDs are uuid5 of event, person and
item, so a re-export replaces the events instead of duplicating them.
SEQUENCE is per person (``Plan.sequences``): a re-plan raises it only for
those whose day changed, so everyone else's file stays byte for byte the
same. Someone a re-plan dropped gets a ``METHOD:CANCEL`` file of their
former events (same UIDs, ``STATUS:CANCELLED``, a higher SEQUENCE) so their
calendar clears. ``team.ics`` shows every bus on the bus rounds.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event, vCalAddress, vRecur
from msgspec import Struct

from planner.diff import FOLLOWUP_ID
from planner.model import Plan, TimelineItem, Volunteer
from planner.render.bus_lines import bus_label, bus_lines, children_bus_lines, every_bus_lines
from planner.render.labels import Labels
from planner.render.schedule import schedule_for, team_items
from planner.render.view import PlanView, stamp_for

#: A bus round's timeline kind -> its legs' direction.
TRAVEL_DIRECTIONS = {"travel_out": "out", "travel_back": "back"}

#: Namespace of every UID this tool writes (uuid5 of the words below).
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://planner.invalid/ics")

#: The evening-before reminder rings at this local time the day before.
EVENING_BEFORE = time(20, 0)

#: The second reminder rings this long before each item.
HOUR_BEFORE = timedelta(hours=1)

#: Monthly follow-up reminders: local time, length, and how many months.
FOLLOWUP_AT = time(19, 0)
FOLLOWUP_LENGTH = timedelta(minutes=30)
FOLLOWUP_MONTHS = 12

#: Latest day of the month a monthly reminder starts on (every month has it).
LAST_SAFE_MONTHDAY = 28


class Invite(Struct, frozen=True):
    """One calendar file: its name under ``invites/`` and its bytes."""

    filename: str
    data: bytes


def item_uid(event_id: str, person: str, item: str) -> str:
    """A stable UID: the same event, person and item give the same UID.

    >>> item_uid("expo", "V01", "lunch") == item_uid("expo", "V01", "lunch")
    True
    >>> item_uid("expo", "V01", "lunch") == item_uid("expo", "V02", "lunch")
    False
    """
    return str(uuid.uuid5(UID_NAMESPACE, f"{event_id}/{person}/{item}"))


def followup_start(plan: Plan) -> datetime:
    """First monthly reminder: a month after the event, on a day every month has."""
    day = plan.event.date
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    first = date(year, month, min(day.day, LAST_SAFE_MONTHDAY))
    return datetime.combine(first, FOLLOWUP_AT, PlanView(plan).tz)


def followup_interval_months(plan: Plan) -> int:
    """The reminder repeats every ``contact_every_days`` rounded to whole months."""
    days = plan.settings.followup.contact_every_days if plan.settings else 31
    return max(1, round(days / 30.44))


class InviteWriter:
    """Builds the invites of one plan in one language at one DTSTAMP."""

    def __init__(self, plan: Plan, *, lang: str = "zh", now: datetime | None = None) -> None:
        self.plan = plan
        self.view = PlanView(plan, lang)
        self.t = Labels(lang)
        self.stamp = stamp_for(plan, now)
        self._zones: dict[frozenset[str], list] = {}

    # ---- calendars -------------------------------------------------------
    def calendar(self, name: str, method: str = "PUBLISH") -> Calendar:
        """An empty PUBLISH (or CANCEL) calendar without icalendar 7's random calendar UID."""
        cal = Calendar.new(
            prodid=f"-//planner//{self.plan.event.id}//{self.t.lang.upper()}",
            method=method,
            calscale="GREGORIAN",
        )
        if "UID" in cal:
            del cal["UID"]
        cal.add("X-WR-CALNAME", name)
        cal.add("X-WR-TIMEZONE", self.plan.event.timezone)
        return cal

    def finish(self, cal: Calendar) -> bytes:
        """Add the VTIMEZONE, valid from the first item to past the last reminder.

        icalendar's ``add_missing_timezones`` is slow (it scans the zone), so
        the block made for the first calendar is reused for the others.
        """
        missing = cal.get_missing_tzids()
        cached = self._zones.get(frozenset(missing))
        if cached is not None:
            for zone in reversed(cached):
                cal.subcomponents.insert(0, zone)
        else:
            first = self.view.first_date()
            months = FOLLOWUP_MONTHS * followup_interval_months(self.plan)
            last = date(first.year + 2 + months // 12, 1, 1)
            cal.add_missing_timezones(first_date=first, last_date=last)
            self._zones[frozenset(missing)] = list(cal.timezones)
        return cal.to_ical()

    def volunteer_invite(self, volunteer: Volunteer) -> Invite:
        """Every item of one volunteer's day, plus the monthly follow-up of their pair."""
        event_name = self.plan.event.name
        cal = self.calendar(f"{event_name} · {volunteer.name}")
        items = schedule_for(self.plan, volunteer.id)
        facts = self.volunteer_facts(volunteer)
        first_of_day: set[str] = set()
        seen_days: set[date] = set()
        for item in items:
            day = self.view.local(item.start).date()
            if day not in seen_days:
                seen_days.add(day)
                first_of_day.add(item.id)
        for item in items:
            item = self.in_own_words(item, volunteer.id)
            vevent = self.item_event(item, person=volunteer.id, facts=facts)
            self.add_people(vevent, attendee=volunteer)
            if item.id in first_of_day:
                vevent.add_component(self.evening_alarm(item))
            vevent.add_component(self.hour_alarm(item))
            cal.add_component(vevent)
        followup = self.followup_event(volunteer)
        if followup is not None:
            cal.add_component(followup)
        return Invite(f"{volunteer.id}.ics", self.finish(cal))

    def team_invite(self) -> Invite:
        """The team's shared day: no attendees (others' emails stay private), no children."""
        cal = self.calendar(f"{self.plan.event.name} · {self.t['team_calendar']}")
        facts = self.common_facts()
        plain = {item.id: item for item in self.plan.timeline}
        for item in team_items(self.plan):
            item = plain.get(item.id, item)  # the round as a whole, not one escort's bus
            who = self.who_text(item.who)
            buses = [
                self.t.kv("every_bus", line) for line in every_bus_lines(self.view, self.t, item)
            ]
            vevent = self.item_event(
                item, person="team", facts=[self.t.kv("who_label", who), *buses, *facts]
            )
            self.add_people(vevent, attendee=None)
            vevent.add_component(self.hour_alarm(item))
            cal.add_component(vevent)
        return Invite("team.ics", self.finish(cal))

    def cancellation(self, person: str, items: list[TimelineItem]) -> Invite:
        """Someone a re-plan dropped: their former events, cancelled (RFC 5546
        CANCEL: same UIDs, STATUS:CANCELLED, their raised SEQUENCE)."""
        cal = self.calendar(f"{self.plan.event.name} · {person}", method="CANCEL")
        for item in items:
            title = self.t.pick(item.title, item.title_en)
            vevent = Event.new(
                uid=item_uid(self.plan.event.id, person, item.id),
                stamp=self.stamp,
                summary=self.t("cancelled_title", title=f"{self.plan.event.name} {title}"),
                description=self.t["cancelled_body"],
                sequence=self.sequence(person),
            )
            if item.id == FOLLOWUP_ID:  # the monthly series, from its first reminder
                vevent.start = followup_start(self.plan)
                vevent.end = vevent.start + FOLLOWUP_LENGTH
            else:
                vevent.start = self.view.local(item.start)
                vevent.end = self.view.local(item.end)
            self.add_people(vevent, attendee=None)
            vevent.add("STATUS", "CANCELLED")
            cal.add_component(vevent)
        return Invite(f"{person}.ics", self.finish(cal))

    def sequence(self, person: str) -> int:
        """The person's SEQUENCE: the revision at which their day last changed (a
        plan without per-person sequences, from before they existed: its revision)."""
        if not self.plan.sequences:
            return self.plan.revision
        return self.plan.sequences.get(person, 0)

    def in_own_words(self, item: TimelineItem, person: str) -> TimelineItem:
        """A bus round names the person's bus in the reader's language, by its
        label (the plan's ``note``/``note_en`` name it by its own name and id)."""
        direction = TRAVEL_DIRECTIONS.get(item.kind or "")
        if direction is None:
            return item
        for bus_leg in self.view.bus_legs:
            leg = bus_leg.leg
            if (leg.direction or "out") != direction:
                continue
            bus = bus_label(self.t, bus_leg.bus)
            if person in leg.volunteer_ids:
                return item.model_copy(
                    update={"note": self.t("escort_on", bus=bus), "note_en": None}
                )
            if any(person in stop.child_ids for stop in leg.stops):
                return item.model_copy(update={"note": self.t("riding", bus=bus), "note_en": None})
        return item

    # ---- components --------------------------------------------------------
    def item_event(self, item: TimelineItem, *, person: str, facts: list[str]) -> Event:
        title = self.t.pick(item.title, item.title_en)
        lines = [*facts]
        note = self.t.pick(item.note, item.note_en)
        if note:
            lines.insert(0, note)
        vevent = Event.new(
            uid=item_uid(self.plan.event.id, person, item.id),
            stamp=self.stamp,
            start=self.view.local(item.start),
            end=self.view.local(item.end),
            summary=f"{self.plan.event.name}：{title}"
            if self.t.lang == "zh"
            else f"{self.plan.event.name}: {title}",
            description="\n".join(lines),
            sequence=self.sequence(person),
        )
        location = self.location_of(item, None if person == "team" else person)
        if location:
            vevent.add("LOCATION", location)
        vevent.add("STATUS", "CONFIRMED")
        return vevent

    def followup_event(self, volunteer: Volunteer) -> Event | None:
        """The pair's monthly contact reminder, repeating (RRULE FREQ=MONTHLY)."""
        children = self.view.children_of(volunteer.id)
        if not children:
            return None
        names = self.t.list_sep.join(c.given_name for c in children)
        start = followup_start(self.plan)
        vevent = Event.new(
            uid=item_uid(self.plan.event.id, volunteer.id, FOLLOWUP_ID),
            stamp=self.stamp,
            start=start,
            end=start + FOLLOWUP_LENGTH,
            summary=self.t("followup_title", names=names),
            description="\n".join([self.t["followup_body"], self.coordinator_line()]).strip(),
            sequence=self.sequence(volunteer.id),
        )
        vevent.add(
            "RRULE",
            vRecur(
                {
                    "FREQ": "MONTHLY",
                    "INTERVAL": followup_interval_months(self.plan),
                    "COUNT": FOLLOWUP_MONTHS,
                }
            ),
        )
        self.add_people(vevent, attendee=volunteer)
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", self.t("followup_title", names=names))
        alarm.add("TRIGGER", timedelta(0))
        vevent.add_component(alarm)
        return vevent

    def add_people(self, vevent: Event, *, attendee: Volunteer | None) -> None:
        """ORGANIZER (the coordinator) and ATTENDEE (the invite's owner) when emails exist."""
        coordinator = self.plan.event.coordinator
        if coordinator and coordinator.email:
            organizer = vCalAddress(f"mailto:{coordinator.email}")
            organizer.params["CN"] = coordinator.name
            vevent.add("ORGANIZER", organizer)
        if attendee is not None and attendee.email:
            address = vCalAddress(f"mailto:{attendee.email}")
            address.params["CN"] = attendee.name
            address.params["ROLE"] = "REQ-PARTICIPANT"
            address.params["PARTSTAT"] = "ACCEPTED"
            vevent.add("ATTENDEE", address)

    def hour_alarm(self, item: TimelineItem) -> Alarm:
        return self._alarm(item, -HOUR_BEFORE)

    def evening_alarm(self, item: TimelineItem) -> Alarm:
        """Rings at EVENING_BEFORE on the previous day (a trigger relative to the start)."""
        start = self.view.local(item.start)
        evening = datetime.combine(start.date() - timedelta(days=1), EVENING_BEFORE, start.tzinfo)
        return self._alarm(item, evening - start)

    def _alarm(self, item: TimelineItem, trigger: timedelta) -> Alarm:
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", self.t.pick(item.title, item.title_en))
        alarm.add("TRIGGER", trigger)
        return alarm

    # ---- what the volunteer reads -------------------------------------------
    def location_of(self, item: TimelineItem, person: str | None = None) -> str:
        """The item's place; for a bus ride, where the person's bus leaves from."""
        if item.place:
            return self.view.place_text(item.place)
        riding = self.view.legs_during(item, person)
        if riding:
            return self.view.place_text(riding[0].leg.from_)
        return self.view.place_text(self.plan.event.location)

    def who_text(self, who: list[str]) -> str:
        """``who`` in words: roles by their label, group ids by the group's name."""
        groups = {g.id: self.view.group_name(g) for g in self.plan.groups}
        return self.t.list_sep.join(groups.get(w) or self.t.enum("who", w) for w in who)

    def coordinator_line(self) -> str:
        person = self.plan.event.coordinator
        if person is None:
            return ""
        contact = " ".join(x for x in (person.name, person.phone, person.email) if x)
        return self.t.kv("coordinator", contact)

    def common_facts(self) -> list[str]:
        facts = []
        if self.plan.event.meeting_point:
            facts.append(
                self._fact("meeting_point", self.view.place_text(self.plan.event.meeting_point))
            )
        line = self.coordinator_line()
        if line:
            facts.append(line)
        return facts

    def volunteer_facts(self, volunteer: Volunteer) -> list[str]:
        """Role, group, bus and pickup, meeting point, coordinator, children's given names."""
        facts = [self._fact("your_role", self.t.enums("role", self.view.roles_of(volunteer.id)))]
        group = self.view.group_of_volunteer(volunteer.id)
        if group is not None:
            facts.append(self._fact("your_group", self.view.group_name(group)))
        facts.extend(
            self._fact("your_bus", text) for text in bus_lines(self.view, self.t, volunteer.id)
        )
        children = self.view.children_of(volunteer.id)
        if children:
            names = self.t.list_sep.join(c.given_name for c in children)
            facts.append(self._fact("your_children", names))
            facts.extend(
                self._fact("children_bus", text)
                for text in children_bus_lines(self.view, self.t, volunteer.id)
            )
        facts.extend(self.common_facts())
        return facts

    def _fact(self, key: str, value: str) -> str:
        return self.t.kv(key, value)


def write_invites(plan: Plan, *, lang: str = "zh", now: datetime | None = None) -> list[Invite]:
    """One invite per selected volunteer (by id) and ``team.ics``."""
    writer = InviteWriter(plan, lang=lang, now=now)
    invites = [writer.volunteer_invite(v) for v in writer.view.selected]
    invites.append(writer.team_invite())
    invites += [writer.cancellation(p, items) for p, items in sorted(plan.cancelled.items())]
    return invites
