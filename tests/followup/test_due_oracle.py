"""``due`` against an independent count.

The oracle below reads the rules as the organisers state them and checks
them the slow way: day by day for owners and coverage, record by record for
counts. It shares nothing with ``planner.followup.due`` except the
programme's periods (``model.periods``, the one definition of a period).
The programme has two terms, termly and monthly duties (and one yearly),
carers changing mid-term, pairs that end with no successor, children left
without any carer, children joining mid-programme (uncovered only from
joining on), and records on the first and last day of periods, the
day after, and made up for earlier periods; the days asked about fall
between records, so records made after the day must not count.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from followup.test_due import LedgerBuilder
from sqlalchemy import Engine, create_engine

from planner.followup.due import compute_due
from planner.followup.model import Duty, Frequency, Programme, Term, Unit, periods

PROGRAMME = Programme(
    id="oracle",
    name="两学期项目",
    start=date(2026, 9, 1),
    end=date(2027, 7, 10),
    terms=(
        Term(id="2026秋", start=date(2026, 9, 1), end=date(2027, 1, 20)),
        Term(id="2027春", start=date(2027, 2, 20), end=date(2027, 7, 10)),
    ),
    units=(Unit(id="A", name="甲校"), Unit(id="B", name="乙校")),
    duties=(
        Duty(id="visit", who="teacher", what="visit", every=Frequency.TERM, times=1),
        Duty(id="help", who="teacher", what="help", every=Frequency.TERM, times=2),
        Duty(id="contact", who="volunteer", what="contact", every=Frequency.MONTH, times=1),
        Duty(id="growth", who="teacher", what="growth_record", every=Frequency.YEAR, times=1),
    ),
)

ROLES = ("teacher", "volunteer")
KINDS = ("visit", "help", "contact", "growth_record", "info_check")


@dataclass(frozen=True)
class P:
    carer: str
    child: str
    since: date
    until: date | None

    def covers(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class R:
    carer: str
    child: str
    kind: str
    on: date
    for_period: str | None


def days(a: date, b: date) -> Iterator[date]:
    day = a
    while day <= b:
        yield day
        day += timedelta(days=1)


def oracle_items(
    programme: Programme,
    roles: dict[str, str],
    children: list[str],
    pairs: list[P],
    records: list[R],
    as_of: date,
) -> dict[tuple[str, str, str], tuple[str, str, bool, int, int]]:
    """(child, duty, period) -> (carer, status, late, count, days overdue), the slow way."""
    out = {}
    for duty in programme.duties:
        for period in periods(programme, duty.every):
            if period.start > as_of:
                continue
            last = min(period.end, as_of)
            for child in children:
                owner = None
                day = last
                while owner is None and day >= period.start:  # walk back one day at a time
                    for pair in pairs:
                        if (
                            pair.child == child
                            and roles[pair.carer] == duty.who
                            and pair.covers(day)
                        ):
                            owner = pair.carer
                    day -= timedelta(days=1)
                if owner is None:
                    continue
                count = inside = 0
                for rec in records:
                    if rec.child != child or rec.kind != duty.what or roles[rec.carer] != duty.who:
                        continue
                    if rec.on > as_of:  # not made yet on the day asked about
                        continue
                    counts = (
                        rec.for_period == period.id
                        if rec.for_period is not None
                        else period.start <= rec.on <= period.end
                    )
                    if counts:
                        count += 1
                        if period.start <= rec.on <= period.end:
                            inside += 1
                if count >= duty.times:
                    status, late, overdue = "done", inside < duty.times, 0
                elif as_of > period.end:
                    status, late, overdue = "overdue", False, (as_of - period.end).days
                else:
                    status, late, overdue = "due", False, 0
                out[(child, duty.id, period.id)] = (owner, status, late, count, overdue)
    return out


def oracle_uncovered(
    programme: Programme,
    children: list[str],
    pairs: list[P],
    as_of: date,
    joined: dict[str, date] | None = None,
) -> list[tuple[str, date, date]]:
    """Runs of days on which a child had no pair at all, from the day the child joined."""
    runs = []
    for child in children:
        start = None
        end = min(as_of, programme.end)
        first = max(programme.start, (joined or {}).get(child, programme.start))
        for day in days(first, end):
            covered = any(p.child == child and p.covers(day) for p in pairs)
            if not covered and start is None:
                start = day
            if covered and start is not None:
                runs.append((child, start, day - timedelta(days=1)))
                start = None
        if start is not None:
            runs.append((child, start, end))
    return sorted(runs)


def boundary_days(programme: Programme) -> list[date]:
    """Every period's first and last day, the day before and the day after."""
    out = set()
    for every in Frequency:
        for period in periods(programme, every):
            for day in (period.start, period.end):
                out.update({day - timedelta(days=1), day, day + timedelta(days=1)})
    return sorted(d for d in out if programme.start <= d <= programme.end)


def random_ledger(
    rng: random.Random,
) -> tuple[dict[str, str], dict[str, str], list[str], list[P], list[R], dict[str, date]]:
    """Carers (role), children (unit), pairs without overlap per role, records, joining days.

    Some children join mid-programme: their pairs start on or after joining,
    or (for some) not at all.
    """
    prog = PROGRAMME
    roles = {f"T{i}": "teacher" for i in range(4)} | {f"V{i}": "volunteer" for i in range(4)}
    children = [f"C{i:02d}" for i in range(14)]
    units = {c: rng.choice("AB") for c in children}
    edges = boundary_days(prog)
    span = (prog.end - prog.start).days

    def some_day() -> date:
        if rng.random() < 0.5:
            return rng.choice(edges)
        return prog.start + timedelta(days=rng.randrange(span + 1))

    pairs: list[P] = []
    for child in children:
        for role in ROLES:
            mine = [c for c, r in roles.items() if r == role]
            shape = rng.random()
            if shape < 0.15:
                continue  # no carer of this role at all
            cuts = sorted({some_day() for _ in range(rng.choice((0, 1, 2)))})
            start = prog.start if rng.random() < 0.7 else some_day()
            bounds = [start, *[c for c in cuts if c > start]]
            for i, since in enumerate(bounds):
                nxt = bounds[i + 1] if i + 1 < len(bounds) else None
                until = None if nxt is None else nxt - timedelta(days=1)
                if nxt is not None and rng.random() < 0.3:  # a gap before the successor
                    until = max(since, until - timedelta(days=rng.randrange(1, 20)))  # type: ignore[operator]
                if nxt is None and rng.random() < 0.2:
                    until = some_day()
                    if until < since:
                        continue
                pairs.append(P(rng.choice(mine), child, since, until))
    joined = {c: some_day() for c in children if rng.random() < 0.3}
    pairs = [
        P(p.carer, p.child, max(p.since, joined[p.child]), p.until) if p.child in joined else p
        for p in pairs
        if p.child not in joined or p.until is None or p.until >= joined[p.child]
    ]
    period_ids = {p.id: p for every in Frequency for p in periods(prog, every)}
    records: list[R] = []
    for _ in range(260):
        pair = rng.choice(pairs)
        on = some_day()
        if not pair.covers(on):
            on = pair.since
        kind = rng.choice(KINDS)
        for_period = None
        if rng.random() < 0.2:
            started = [pid for pid, p in period_ids.items() if p.start <= on]
            for_period = rng.choice(started)
        records.append(R(pair.carer, pair.child, kind, on, for_period))
    return roles, units, children, pairs, records, joined


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_due_equals_the_day_by_day_count(engine: Engine, seed: int) -> None:
    rng = random.Random(seed)
    roles, units, children, pairs, records, joined = random_ledger(rng)
    ledger = LedgerBuilder(engine, PROGRAMME)
    for carer, role in roles.items():
        ledger.carer(carer, f"老师{carer}", role, unit=rng.choice("AB"))
    for child in children:
        ledger.child(child, f"孩子{child}", unit=units[child], joined_on=joined.get(child))
    for pair in pairs:
        ledger.pair(pair.carer, pair.child, pair.since, pair.until)
    for rec in records:
        ledger.record(rec.carer, rec.child, rec.kind, rec.on, rec.for_period)

    as_ofs = [*rng.sample(boundary_days(PROGRAMME), 6), date(2027, 7, 10), date(2027, 9, 1)]
    for as_of in as_ofs:
        report = compute_due(engine, PROGRAMME, as_of)
        got = {
            (i.child_id, i.duty, i.period): (
                i.carer_id,
                i.status.value,
                i.late,
                i.counted,
                i.days_overdue,
            )
            for i in report.items
        }
        assert len(got) == len(report.items)
        want = oracle_items(PROGRAMME, roles, children, pairs, records, as_of)
        assert got == want, as_of
        assert sum(1 for v in want.values() if v[1] == "overdue") == report.total.overdue
        uncovered = [(g.child_id, g.start, g.end) for g in report.uncovered]
        assert sorted(uncovered) == oracle_uncovered(PROGRAMME, children, pairs, as_of, joined), (
            as_of
        )
