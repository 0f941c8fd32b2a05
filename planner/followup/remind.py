"""Duty reminders: one calendar file per carer, an event for each duty period they owe.

``reminders/<carer id>.ics`` holds, for every (duty, period) the carer owes
from ``as_of`` on, an all-day event from the reminder day (the period's end
less ``remind_days``, never before the period starts) to the period's end,
with an alarm at 09:00 on the reminder day. The description names the
children still owed, by *given* name only: calendars sync to cloud services,
so no full name, guardian, phone, address, ID number or health note is ever
written here (the same rule as the event invites). A period whose children
are all done stays in the file as ``STATUS:CANCELLED``, so an imported
reminder is replaced rather than left ringing.

The owner of a period is the carer holding the child on the period's last
day, as the pairs stand (see ``due``): the one who will answer for it.
Files are ``METHOD:PUBLISH``; UIDs are uuid5 of programme, carer, duty and
period, so a re-export replaces the events; SEQUENCE is read from the
ledger (rows of ``change`` and ``pair``, and the records counted for that
duty and period), numbers that only grow, so it rises whenever an event's
content can have changed; DTSTAMP is midnight of ``as_of``. The same ledger
and day give the same bytes.

A known limit: SEQUENCE reads the ledger only. An edit made only in
programme.toml (``remind_days``, ``times``, term dates, names) changes
events without raising their SEQUENCE, and moving term dates can even lower
it (fewer records fall in a period). A hash of the event's content cannot be
folded in without losing monotonicity: it would need the last SEQUENCE of
every event stored somewhere, and nothing is. After such an edit, carers
should remove the old reminder calendar before importing the new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone
from sqlalchemy import Engine, func, select

from planner.followup import schema
from planner.followup.due import DueItem, Ledger, Status, label, owed_items, read_counts
from planner.followup.model import Duty, Frequency, Period, Programme, periods
from planner.io import write_bytes
from planner.names import given_name
from planner.render.invites import item_uid

__all__ = ["Reminder", "reminders_for", "write_reminders"]

#: The alarm rings at this local time on the reminder day.
ALARM_AT = time(9, 0)

#: Characters never used in a file name made from an id.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(ident: str) -> str:
    """A file name for an id from a spreadsheet: no path separators, no leading dot.

    >>> safe_name("T01"), safe_name("../x"), safe_name("a/b")
    ('T01', '_.._x', 'a_b')
    """
    name = _UNSAFE.sub("_", ident.strip())
    return "_" + name if not name or name.startswith(".") else name


class Reminder:
    """One event of a carer's reminder calendar: a duty, a period, the children still owed."""

    __slots__ = ("carer_id", "children", "done", "duty", "period", "sequence")

    def __init__(
        self,
        carer_id: str,
        duty: Duty,
        period: Period,
        children: list[str],
        done: bool,
        sequence: int,
    ) -> None:
        self.carer_id = carer_id
        self.duty = duty
        self.period = period
        self.children = children  # given names of the children still owed
        self.done = done
        self.sequence = sequence

    @property
    def day(self) -> date:
        """The reminder day: ``remind_days`` before the period ends, not before it starts."""
        return max(self.period.end - timedelta(days=self.duty.remind_days), self.period.start)


def _open_periods(programme: Programme, as_of: date) -> dict[Frequency, list[Period]]:
    return {f: [p for p in periods(programme, f) if p.end >= as_of] for f in Frequency}


def _ledger_rows(engine: Engine, programme_id: str) -> int:
    """Rows of ``change`` and ``pair`` of the programme: a number that only grows."""
    with engine.connect() as conn:
        changes = conn.execute(
            select(func.count()).where(schema.change.c.programme_id == programme_id)
        ).scalar_one()
        pairs = conn.execute(
            select(func.count()).where(schema.pair.c.programme_id == programme_id)
        ).scalar_one()
    return int(changes) + int(pairs)


def reminders_for(engine: Engine, programme: Programme, as_of: date) -> dict[str, list[Reminder]]:
    """Each carer's reminders (carer id -> events in day order) for periods ending on or after ``as_of``.

    Carers who left by ``as_of`` get none.
    """
    ledger = Ledger.read(engine, programme.id)
    spans = _open_periods(programme, as_of)
    owner_days = {f: [p.end.toordinal() for p in ps] for f, ps in spans.items()}
    counts = read_counts(engine, programme, ledger, spans, as_of)
    items, _ = owed_items(engine, programme, ledger, spans, owner_days, as_of, counts=counts)
    duties = {d.id: d for d in programme.duties}
    by_id = {p.id: p for ps in spans.values() for p in ps}
    grouped: dict[tuple[str, str, str], list[DueItem]] = {}
    for item in items:
        grouped.setdefault((item.carer_id, item.duty, item.period), []).append(item)
    base = _ledger_rows(engine, programme.id)
    totals = {
        (duty.id, spans[duty.every][j].id): int(n)
        for duty in programme.duties
        for j, n in enumerate(counts.per_period(duty, len(spans[duty.every])))
    }
    given = {c.id: given_name(c.name) for c in ledger.children.values()}
    out: dict[str, list[Reminder]] = {}
    for (carer_id, duty_id, period_id), owed in sorted(grouped.items()):
        left_on = ledger.carers[carer_id].left_on
        if left_on is not None and left_on <= as_of:
            continue
        open_ = sorted(i.child_id for i in owed if i.status is not Status.DONE)
        names = [given[c] for c in open_]
        out.setdefault(carer_id, []).append(
            Reminder(
                carer_id,
                duties[duty_id],
                by_id[period_id],
                names,
                done=not open_,
                sequence=base + totals.get((duty_id, period_id), 0),
            )
        )
    for events in out.values():
        events.sort(key=lambda e: (e.day, e.duty.id, e.period.start))
    return out


class ReminderWriter:
    """Builds one carer's calendar in one language, stamped at midnight of ``as_of``."""

    def __init__(self, programme: Programme, *, as_of: date, lang: str) -> None:
        self.programme = programme
        self.lang = lang
        self.tz = ZoneInfo(programme.timezone)
        self.stamp = datetime.combine(as_of, time(0), self.tz).astimezone(UTC)
        self.kinds = programme.kind_labels()
        self._zone: Timezone | None = None

    def zone(self, first: date, last: date) -> Timezone:
        """The programme's VTIMEZONE, one clean block, as the event invites write it."""
        if self._zone is None:
            self._zone = Timezone.from_tzid(
                self.programme.timezone, first_date=first, last_date=last
            )
        return self._zone

    def kind_text(self, kind: str) -> str:
        zh, en = self.kinds.get(kind, (kind, kind))
        return zh if self.lang == "zh" else en

    def summary(self, reminder: Reminder) -> str:
        end = reminder.period.end
        deadline = label("deadline", self.lang, month=end.month, day=end.day)
        text = f"{self.kind_text(reminder.duty.what)} · {reminder.period.id} · {deadline}"
        return f"{label('done', self.lang)}: {text}" if reminder.done else text

    def description(self, reminder: Reminder) -> str:
        sep = "、" if self.lang == "zh" else ", "
        first = (
            label("all_done", self.lang)
            if reminder.done
            else label("still_owed", self.lang, names=sep.join(reminder.children))
        )
        return "\n".join(
            [first, label("times", self.lang, n=reminder.duty.times), self.programme.name]
        )

    def event(self, reminder: Reminder) -> Event:
        event = Event.new(
            uid=item_uid(
                self.programme.id,
                reminder.carer_id,
                f"{reminder.duty.id}/{reminder.period.id}",
            ),
            stamp=self.stamp,
            start=reminder.day,
            end=reminder.period.end + timedelta(days=1),
            summary=self.summary(reminder),
            description=self.description(reminder),
            sequence=reminder.sequence,
        )
        event.add("STATUS", "CANCELLED" if reminder.done else "CONFIRMED")
        event.add("TRANSP", "TRANSPARENT")
        if not reminder.done:
            alarm = Alarm()
            alarm.add("ACTION", "DISPLAY")
            alarm.add("DESCRIPTION", self.summary(reminder))
            # relative to the all-day start (local midnight): 09:00 on the reminder day
            alarm.add("TRIGGER", timedelta(hours=ALARM_AT.hour, minutes=ALARM_AT.minute))
            event.add_component(alarm)
        return event

    def calendar(self, reminders: Sequence[Reminder]) -> bytes:
        cal = Calendar.new(
            prodid=f"-//planner//{self.programme.id}//{self.lang.upper()}",
            method="PUBLISH",
            calscale="GREGORIAN",
        )
        if "UID" in cal:
            del cal["UID"]
        cal.add("X-WR-CALNAME", f"{self.programme.name} · {label('reminders', self.lang)}")
        cal.add("X-WR-TIMEZONE", self.programme.timezone)
        cal.add_component(self.zone(self.programme.start, date(self.programme.end.year + 2, 1, 1)))
        for reminder in reminders:
            cal.add_component(self.event(reminder))
        return cal.to_ical()


def write_reminders(
    engine: Engine, programme: Programme, *, out: Path, as_of: date, lang: str
) -> list[Path]:
    """Write ``out/reminders/<carer id>.ics`` for every carer who owes a duty period from ``as_of`` on.

    The files are private (0600 in a 0700 folder): they name children.
    """
    label("done", lang)  # an unknown language fails before anything is written
    writer = ReminderWriter(programme, as_of=as_of, lang=lang)
    folder = Path(out) / "reminders"
    written = []
    for carer_id, reminders in sorted(reminders_for(engine, programme, as_of).items()):
        path = folder / f"{safe_name(carer_id)}.ics"
        written.append(write_bytes(path, writer.calendar(reminders), private=True))
    return written
