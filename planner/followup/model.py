"""The follow-up programme: what `programme.toml` and its sheets describe.

A programme outlives its events: carers (teachers, volunteers, any role the
organiser names) are paired with children for months or years, and owe
duties (a home visit, a concrete help, an information check, a monthly
contact, a growth record) at least N times per period (month, term, year).

This module holds the validated values and the one definition of a
duty's periods; the ledger (``schema``), the record sheets, ``due``,
``report`` and ``remind`` all read them from here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from msgspec import Struct
from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Frequency(StrEnum):
    """How often a duty falls due."""

    MONTH = "month"
    TERM = "term"
    YEAR = "year"


#: Duty kinds every programme knows, with their labels (zh, en). An organiser
#: may name others in programme.toml (``[[kinds]]``).
KNOWN_KINDS: dict[str, tuple[str, str]] = {
    "visit": ("家访", "home visit"),
    "help": ("帮扶", "help"),
    "info_check": ("信息核查", "information check"),
    "contact": ("联系", "contact"),
    "growth_record": ("成长记录", "growth record"),
}

#: Growth-record fields (county plan): thinking, study, daily life, family
#: education, progress and shortfalls. Labels (zh, en).
GROWTH_FIELDS: dict[str, tuple[str, str]] = {
    "thinking": ("思想", "thinking"),
    "study": ("学习", "study"),
    "life": ("生活", "daily life"),
    "family_education": ("家庭教育", "family education"),
    "progress": ("进步", "progress"),
    "shortfalls": ("不足", "shortfalls"),
}


class Kind(Frozen):
    """A kind of record (what was done), with its labels."""

    id: str = Field(min_length=1, max_length=40)
    zh: str
    en: str


class Term(Frozen):
    """A school term: the period of every termly duty."""

    id: str = Field(min_length=1, max_length=40)
    name: str | None = None
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.end < self.start:
            raise ValueError(f"term {self.id} ends ({self.end}) before it starts ({self.start})")
        return self


class Unit(Frozen):
    """A member unit: a school, a community office, a county bureau."""

    id: str = Field(min_length=1, max_length=40)
    name: str


class Duty(Frozen):
    """Who owes what, how often: ``who`` does ``what`` at least ``times`` per ``every``.

    ``remind_days`` is how many days before a period ends the reminder goes out.
    """

    id: str = Field(min_length=1, max_length=40)
    who: str = Field(min_length=1, max_length=40)
    what: str = Field(min_length=1, max_length=40)
    every: Frequency
    times: int = Field(default=1, ge=1, le=100)
    remind_days: int = Field(default=7, ge=0, le=366)


class Programme(Frozen):
    """A long-term care programme, as ``programme.toml`` describes it."""

    id: str = Field(min_length=1, max_length=80)
    name: str
    organiser: str | None = None
    timezone: str = "Asia/Shanghai"
    start: date
    end: date
    terms: tuple[Term, ...] = ()
    units: tuple[Unit, ...] = ()
    kinds: tuple[Kind, ...] = ()
    duties: tuple[Duty, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        if self.end < self.start:
            raise ValueError(f"the programme ends ({self.end}) before it starts ({self.start})")
        return self

    def today(self, now: datetime | None = None) -> date:
        """Today where the programme is (its ``timezone``), not on the machine's clock.

        (load.py refuses a programme.toml whose timezone is unknown.)

        >>> p = Programme(id="p", name="p", start=date(2026, 9, 1), end=date(2027, 7, 10))
        >>> p.today(datetime(2026, 9, 1, 23, 30, tzinfo=UTC))  # 07:30 on the 2nd in Beijing
        datetime.date(2026, 9, 2)
        """
        return (now or datetime.now(UTC)).astimezone(ZoneInfo(self.timezone)).date()

    def kind_labels(self) -> dict[str, tuple[str, str]]:
        """Every kind this programme knows: the built-in ones and its own."""
        labels = dict(KNOWN_KINDS)
        labels.update({k.id: (k.zh, k.en) for k in self.kinds})
        return labels

    def term(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)


class Period(Struct, frozen=True, order=True):
    """One period of a duty: ``start`` and ``end`` are both inclusive days."""

    start: date
    end: date
    id: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(day: date) -> date:
    first_next = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def periods(programme: Programme, every: Frequency) -> list[Period]:
    """The periods of a duty that falls due ``every`` month, term or year.

    Months are calendar months, years run twelve months from the programme's
    start; both are clipped to the programme's dates. Terms are the
    programme's terms as written.

    >>> p = Programme(id="p", name="p", start=date(2026, 9, 15), end=date(2027, 1, 20))
    >>> [x.id for x in periods(p, Frequency.MONTH)]
    ['2026-09', '2026-10', '2026-11', '2026-12', '2027-01']
    >>> periods(p, Frequency.MONTH)[0].start, periods(p, Frequency.MONTH)[-1].end
    (datetime.date(2026, 9, 15), datetime.date(2027, 1, 20))
    >>> [(x.id, x.end) for x in periods(p, Frequency.YEAR)]
    [('2026-27', datetime.date(2027, 1, 20))]
    """
    if every is Frequency.TERM:
        return sorted(Period(t.start, t.end, t.id) for t in programme.terms)
    out: list[Period] = []
    if every is Frequency.MONTH:
        first = programme.start.replace(day=1)
        while first <= programme.end:
            start = max(first, programme.start)
            end = min(_month_end(first), programme.end)
            out.append(Period(start, end, f"{first:%Y-%m}"))
            first = _month_end(first) + timedelta(days=1)
        return out
    start = programme.start
    while start <= programme.end:
        nxt = _add_years(start, 1)
        end = min(nxt - timedelta(days=1), programme.end)
        label = (
            str(start.year)
            if (start.month, start.day) == (1, 1)
            else (f"{start.year}-{(start.year + 1) % 100:02d}")
        )
        out.append(Period(start, end, label))
        start = nxt
    return out


def period_of(programme: Programme, every: Frequency, day: date) -> Period | None:
    """The period of a duty (falling due ``every``) that contains ``day``, if any."""
    return next((p for p in periods(programme, every) if p.contains(day)), None)
