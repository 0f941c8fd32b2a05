"""What is due: every duty of every carer for every child, done, due or overdue, on a date.

For an ``as_of`` day A, each duty D, each period P of D (``model.periods``)
that has started by A, and each child c:

- the *owner* is the carer of role ``D.who`` whose pair with c covers
  ``min(P.end, A)``; failing that, the one of that role whose pair overlapped
  the period most recently; with no such pair the child is not owed D in P;
- the *count* is the child's records of kind ``D.what`` by any carer of that
  role (a predecessor's visit counts: the child got it), dated in P or made
  up for P (``for_period``), and dated on or before A: a record made after
  A does not count, so ``--as-of`` shows the state on that day;
- the item is ``done`` when the count reaches ``D.times`` (``late`` when
  make-ups were needed), else ``overdue`` once P has ended, else ``due``.

Children without any carer on some day are listed apart (coverage must be
full), from the later of the programme's start and the day the child joined
(``joined_on``) until ``as_of`` or the day the child left.

The ledger is read in four queries (carers, children, pairs, and the
records' days and kinds packed per child, carer and make-up period, from
one index), never a query per child; owners, counts and statuses are worked
out on whole numpy arrays of id codes, so a county (20,000 children,
300,000 records) answers in about a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np
from msgspec import Struct
from numpy.typing import NDArray
from sqlalchemy import (
    ColumnElement,
    Date,
    Engine,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
)

from planner.followup import schema
from planner.followup.model import Duty, Frequency, Period, Programme, periods

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "CarerInfo",
    "ChildInfo",
    "DueItem",
    "DueReport",
    "Gap",
    "Items",
    "Status",
    "Tally",
    "compute_due",
    "due_json",
    "label",
    "print_due",
]


class Status(StrEnum):
    """Where a duty item stands on the day asked about."""

    OVERDUE = "overdue"
    DUE = "due"
    DONE = "done"


#: Items are listed overdue first, then due, then done.
STATUS_ORDER: dict[Status, int] = {Status.OVERDUE: 0, Status.DUE: 1, Status.DONE: 2}

#: A pair without an end lasts past any day the ledger can hold.
NEVER = date.max.toordinal()

#: Every word ``due``, ``report`` and ``remind`` print: key -> (Chinese, English).
LABELS: dict[str, tuple[str, str]] = {
    "due_title": ("待办职责", "Duties due"),
    "as_of": ("截至", "As of"),
    "unit": ("单位", "Unit"),
    "no_unit": ("（未分单位）", "(no unit)"),
    "carer": ("负责人", "Carer"),
    "carer_id": ("负责人编号", "Carer id"),
    "role": ("角色", "Role"),
    "child": ("儿童", "Child"),
    "child_id": ("儿童编号", "Child id"),
    "duty": ("职责", "Duty"),
    "period": ("周期", "Period"),
    "status": ("状态", "Status"),
    "days": ("天数", "Days"),
    "count": ("已做/应做", "Done/required"),
    "overdue": ("逾期", "overdue"),
    "due": ("待办", "due"),
    "done": ("已完成", "done"),
    "late": ("补做", "made up late"),
    "days_overdue": ("逾期{n}天", "{n} days overdue"),
    "days_left": ("剩{n}天", "{n} days left"),
    "uncovered_title": (
        "无负责人的儿童（须全覆盖）",
        "Children without a carer (coverage must be full)",
    ),
    "from": ("起", "From"),
    "to": ("止", "To"),
    "summary": (
        "共 {items} 项：已完成 {done}（其中补做 {late}），待办 {due}，逾期 {overdue}；无负责人儿童 {uncovered}",
        "{items} items: {done} done ({late} made up late), {due} due, {overdue} overdue; "
        "{uncovered} children without a carer",
    ),
    "nothing_due": ("没有待办或逾期的职责。", "Nothing due or overdue."),
    "by_carer": (
        "共 {n} 项，按负责人汇总（逐项清单：--json）",
        "{n} items, counted per carer (every item: --json)",
    ),
    "children_n": ("儿童", "Children"),
    # reports
    "assessment": ("年度考核", "Year-end assessment"),
    "units": ("单位汇总", "Units"),
    "problems": ("未解决的问题", "Open problems"),
    "all_problems": ("问题", "Problems"),
    "growth": ("成长档案", "Growth record"),
    "required": ("应做", "Required"),
    "on_time": ("按时完成", "Done"),
    "late_col": ("补做", "Late"),
    "missing": ("缺做", "Missing"),
    "rate": ("完成率", "Rate"),
    "open": ("进行中", "Open"),
    "children": ("儿童数", "Children"),
    "coverage": ("覆盖率", "Coverage"),
    "completion": ("完成率", "Completion"),
    "open_problems": ("未解决问题", "Open problems"),
    "found_on": ("发现日期", "Found on"),
    "age_days": ("已过天数", "Age (days)"),
    "reported": ("已上报", "Reported upward"),
    "problem": ("问题", "Problem"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "term": ("学期", "Term"),
    "all_terms": ("截至当日所有已结束周期", "All periods ended by the day"),
    "confidential": ("机密 · 仅限组织者", "CONFIDENTIAL · organisers only"),
    "records": ("记录", "Records"),
    "date": ("日期", "Date"),
    "kind": ("类别", "Kind"),
    "what_done": ("做了什么", "What was done"),
    "problems_found": ("发现的问题", "Problems found"),
    "solved": ("已解决", "Solved"),
    "solved_on": ("解决日期", "Solved on"),
    "how": ("解决办法", "How"),
    "no_records": ("暂无记录。", "No records yet."),
    "gender": ("性别", "Gender"),
    "grade": ("年级", "Grade"),
    "school": ("学校", "School"),
    "carers_of_child": ("负责人", "Carers"),
    "generated": ("生成日期", "Generated for"),
    "none": ("无", "none"),
    # reminders
    "deadline": ("截止 {month}月{day}日", "due {day} {mon}"),
    "still_owed": ("尚未完成：{names}", "Still to do: {names}"),
    "all_done": ("已全部完成", "All done"),
    "times": ("每个周期至少 {n} 次", "At least {n} time(s) per period"),
    "reminders": ("职责提醒", "Duty reminders"),
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def label(key: str, lang: str, **values: object) -> str:
    """A label in ``lang`` (``zh`` or ``en``), formatted with ``values``.

    >>> label("days_overdue", "zh", n=3), label("days_overdue", "en", n=3)
    ('逾期3天', '3 days overdue')
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: zh or en")
    zh, en = LABELS[key]
    text = zh if lang == "zh" else en
    if "mon" in text:
        values = {**values, "mon": _MONTHS_EN[int(str(values["month"])) - 1]}
    return text.format(**values) if values else text


class DueItem(NamedTuple):
    """One duty one carer owes one child in one period (a row of ``due``).

    ``unit_id`` is the carer's unit (the child's when the carer has none);
    ``counted`` (``count`` in JSON) the records counted against ``required``;
    ``days_overdue`` is 0 unless overdue; ``days_left`` counts the days to the
    period's end (0 once it has ended); ``late`` marks a duty done only with
    make-ups recorded after its period.

    A typed, immutable tuple rather than a dataclass: a county has hundreds
    of thousands of items, and tuples are built ten times faster.
    """

    carer_id: str
    carer_name: str
    unit_id: str
    child_id: str
    duty: str
    kind: str
    period: str
    period_start: date
    period_end: date
    status: Status
    late: bool
    counted: int
    required: int
    days_overdue: int
    days_left: int


class Items(Sequence[DueItem]):
    """A report's items, kept as columns (one list per field); an item is built when read.

    A county has hundreds of thousands of items: kept as columns they cost
    no objects until read, and ``due_json`` writes them column by column.
    """

    __slots__ = ("_columns", "_n")

    def __init__(self, columns: tuple[list[Any], ...]) -> None:
        if len(columns) != len(DueItem._fields) or len({len(c) for c in columns}) > 1:
            raise ValueError("one column per DueItem field, all of one length")
        self._columns = columns
        self._n = len(columns[0])

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> DueItem: ...
    @overload
    def __getitem__(self, index: slice) -> list[DueItem]: ...
    def __getitem__(self, index: int | slice) -> DueItem | list[DueItem]:
        if isinstance(index, slice):
            return list(map(DueItem._make, zip(*(c[index] for c in self._columns), strict=True)))
        if not -self._n <= index < self._n:
            raise IndexError(index)
        return DueItem._make(c[index] for c in self._columns)

    def __iter__(self) -> Iterator[DueItem]:
        return map(DueItem._make, zip(*self._columns, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Items):
            return self._columns == other._columns
        return isinstance(other, Sequence) and list(self) == list(other)

    # columns are lists: an Items is never a dict key
    __hash__ = None  # type: ignore[assignment]

    def column(self, field: str) -> list[Any]:
        """All items' values of one field (read-only by convention)."""
        return self._columns[DueItem._fields.index(field)]


class _Codes(NamedTuple):
    """Per item, in item order: unit code, status rank (0 overdue, 1 due, 2 done), late."""

    unit: NDArray[np.int64]
    rank: NDArray[np.int64]
    late: NDArray[np.bool_]
    units: list[str]


class Gap(Struct, frozen=True):
    """Days on which a child had no carer at all (``start`` to ``end``, inclusive)."""

    child_id: str
    unit_id: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Tally(Struct, frozen=True):
    """Counts of items by status, and of children without a carer."""

    items: int = 0
    done: int = 0
    late: int = 0
    due: int = 0
    overdue: int = 0
    uncovered_children: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "items": self.items,
            "done": self.done,
            "late": self.late,
            "due": self.due,
            "overdue": self.overdue,
            "uncovered_children": self.uncovered_children,
        }


class CarerInfo(Struct, frozen=True):
    id: str
    name: str
    role: str
    unit_id: str
    left_on: date | None = None


class ChildInfo(Struct, frozen=True):
    id: str
    name: str
    unit_id: str
    left_on: date | None
    joined_on: date | None = None  # joined the programme after its start


class DueReport(Struct, frozen=True):
    """Everything ``due`` found on ``as_of``; the same ledger gives the same report.

    ``items`` are sorted by unit, carer, status (overdue, due, done), child,
    duty and period; ``uncovered`` by unit, child and day.
    """

    programme: Programme
    as_of: date
    items: Items
    uncovered: tuple[Gap, ...]
    total: Tally
    by_unit: Mapping[str, Tally]
    carers: Mapping[str, CarerInfo]
    children: Mapping[str, ChildInfo]


# ------------------------------------------------------------------ reading
class _Pair(NamedTuple):
    carer_id: str
    child_id: str
    role: str
    since: int  # ordinal days
    until: int


class Ledger:
    """A programme's people as ``due`` reads them, each id with an integer code in id order.

    Owners and counts are worked out on numpy arrays of these codes, so the
    sort order of the codes is the sort order of the ids.
    """

    def __init__(
        self, carers: dict[str, CarerInfo], children: dict[str, ChildInfo], pairs: list[_Pair]
    ) -> None:
        self.carers = carers
        self.children = children
        self.pairs = pairs
        self.carer_ids = sorted(carers)
        self.carer_code = {c: i for i, c in enumerate(self.carer_ids)}
        self.child_ids = sorted(children)
        self.child_code = {c: i for i, c in enumerate(self.child_ids)}

    @classmethod
    def read(cls, engine: Engine, programme_id: str) -> Ledger:
        """Carers, children and pairs of one programme (the driver's rows, for speed)."""
        c, k, p = schema.carer, schema.child, schema.pair
        with engine.connect() as conn:

            def rows(stmt: Select[Any]) -> Sequence[Any]:
                return conn.execute(stmt).cursor.fetchall()

            carers = {
                row[0]: CarerInfo(row[0], row[1], row[2], row[3] or "", _day(row[4]))
                for row in rows(
                    select(c.c.id, c.c.name, c.c.role, c.c.unit_id, c.c.left_on).where(
                        c.c.programme_id == programme_id
                    )
                )
            }
            children = {
                row[0]: ChildInfo(row[0], row[1], row[2] or "", _day(row[3]), _day(row[4]))
                for row in rows(
                    select(k.c.id, k.c.name, k.c.unit_id, k.c.left_on, k.c.joined_on).where(
                        k.c.programme_id == programme_id
                    )
                )
            }
            pairs = [
                _Pair(
                    carer_id,
                    child_id,
                    carers[carer_id].role,
                    _ordinal(since),
                    NEVER if until is None else _ordinal(until),
                )
                for carer_id, child_id, since, until in rows(
                    select(p.c.carer_id, p.c.child_id, p.c.since, p.c.until).where(
                        p.c.programme_id == programme_id
                    )
                )
                if carer_id in carers and child_id in children
            ]
        return cls(carers, children, pairs)


def _day(value: date | str | None) -> date | None:
    """A date as the driver gives it: a date (PostgreSQL) or ISO text (SQLite)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def _ordinal(value: date | str) -> int:
    if isinstance(value, date):
        return value.toordinal()
    return date.fromisoformat(value[:10]).toordinal()


class Counts(NamedTuple):
    """Record counts from the database, one entry per group, as numpy columns."""

    child: NDArray[np.int64]  # child code, -1 for a child not in the ledger
    key: NDArray[np.int64]  # code of (record's kind, its carer's role), -1 for no duty's
    keys: dict[tuple[str, str], int]  # (what, who) of each duty -> its code
    n: NDArray[np.int64]
    period: dict[Frequency, NDArray[np.int64]]  # index of the period counted, -1 none
    inside: dict[Frequency, NDArray[np.bool_]]  # dated inside the period counted

    def taken(self, duty: Duty) -> NDArray[np.bool_]:
        """Which entries count for ``duty``: its kind, by a carer of its role, in one of its periods."""
        mask = self.key == self.keys[(duty.what, duty.who)]
        return mask & (self.period[duty.every] >= 0) & (self.child >= 0)

    def per_period(self, duty: Duty, periods: int) -> NDArray[np.int64]:
        """Records counted for ``duty`` in each of its ``periods`` periods, all children together."""
        take = self.taken(duty)
        return np.bincount(
            self.period[duty.every][take], weights=self.n[take], minlength=periods
        ).astype(np.int64)


def read_counts(
    engine: Engine,
    programme: Programme,
    ledger: Ledger,
    spans: Mapping[Frequency, list[Period]],
    as_of: date,
) -> Counts:
    """The records of the duties' kinds dated by ``as_of``, as numpy columns: child, kind, carer's role, periods.

    One query (``_record_groups``, never a query per child) hands over the
    records packed per (child, carer, make-up period); numpy finds each
    record's own period under each frequency by a binary search over the
    period boundaries (``model.periods``).
    """
    duties = programme.duties
    kinds = sorted({d.what for d in duties})
    groups, days, kind = _record_groups(engine, programme.id, kinds, as_of)
    child_ids, carer_ids, made_for, sizes = groups
    keys = {k: i for i, k in enumerate(sorted({(d.what, d.who) for d in duties}))}
    roles = sorted({c.role for c in ledger.carers.values()})
    # per (role, kind): the duty such a record counts for; the last row, a carer not in the ledger
    key_of = np.full((len(roles) + 1, len(kinds)), -1, dtype=np.int64)
    for (what, who), i in keys.items():
        if who in roles:
            key_of[roles.index(who), kinds.index(what)] = i
    role_code = {c.id: roles.index(c.role) for c in ledger.carers.values()}
    role = _ints([role_code.get(c, len(roles)) for c in carer_ids]).repeat(sizes)
    code = ledger.child_code
    period: dict[Frequency, NDArray[np.int64]] = {}
    inside: dict[Frequency, NDArray[np.bool_]] = {}
    for f in Frequency:
        own = _own_periods(days, spans[f])
        index = {p.id: i for i, p in enumerate(spans[f])}
        # -2: not a make-up; -1: made up for a period not in play
        made_up = _ints([-2 if m is None else index.get(m, -1) for m in made_for]).repeat(sizes)
        period[f] = np.where(made_up == -2, own, made_up)
        inside[f] = (made_up == -2) | (made_up == own)
    return Counts(
        child=_ints([code.get(x, -1) for x in child_ids]).repeat(sizes),
        key=key_of[role, kind],
        keys=keys,
        n=np.ones(len(days), dtype=np.int64),
        period=period,
        inside=inside,
    )


_Groups = tuple[list[str], list[str], list[str | None], NDArray[np.int64]]
"""Per group of records: child id, carer id, make-up period (or None), size."""


def _record_groups(
    engine: Engine, programme_id: str, kinds: list[str], as_of: date
) -> tuple[_Groups, NDArray[np.int64], NDArray[np.int64]]:
    """The records of ``kinds`` dated by ``as_of``, grouped by child, carer and make-up period.

    Returns the groups (in the order of their records) and, per record, its
    day (ordinal) and the index of its kind in ``kinds``. Each group comes as
    one row, its records packed in one text of numbers (day x kinds + kind):
    a driver hands Python each value of each row at about a microsecond, so
    a county's 300,000 records as rows cost ~0.6 s on SQLite, as ~20,000
    groups a tenth of that. The index on (programme, child, carer, make-up,
    kind, day) holds every column read, in group order: no table read, no sort.
    """
    if not kinds:  # no duties: nothing to count
        return ([], [], [], _ints([])), _ints([]), _ints([])
    r = schema.record
    kind = case({k: i for i, k in enumerate(kinds)}, value=r.c.kind)
    day: ColumnElement[int]  # the day's ordinal (date.toordinal)
    if engine.dialect.name == "sqlite":
        day = cast(func.julianday(r.c.on) - JULIAN_DAY_ZERO, Integer)  # dates are ISO text
        packed = func.group_concat(day * len(kinds) + kind, ",")
    else:
        day = r.c.on - literal(date(1, 1, 1), Date) + 1
        packed = func.string_agg(cast(day * len(kinds) + kind, String), ",")
    group = (r.c.child_id, r.c.carer_id, r.c.for_period)
    stmt = (
        select(*group, func.count(), type_coerce(packed, String))
        .where(r.c.programme_id == programme_id, r.c.kind.in_(kinds), r.c.on <= as_of)
        .group_by(*group)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).cursor.fetchall()  # the driver's rows: no Row objects
    text = ",".join(row[4] for row in rows)
    values = np.fromstring(text, dtype=np.int64, sep=",") if text else _ints([])
    sizes = _ints([row[3] for row in rows])
    groups = ([row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows], sizes)
    return groups, values // len(kinds), values % len(kinds)


#: SQLite's ``julianday`` of the midnight that starts ordinal day 0 (``date.toordinal``).
JULIAN_DAY_ZERO = 1721424.5


def _own_periods(days: NDArray[np.int64], spans: Sequence[Period]) -> NDArray[np.int64]:
    """Index in ``spans`` of the period each day falls in, -1 for none (binary search)."""
    if not spans:
        return np.full(len(days), -1, dtype=np.int64)
    starts = _ints([p.start.toordinal() for p in spans])
    ends = _ints([p.end.toordinal() for p in spans])
    j = np.searchsorted(starts, days, side="right") - 1
    inside = (j >= 0) & (days <= ends[np.maximum(j, 0)])
    return np.where(inside, j, -1).astype(np.int64)


def _ints(values: Sequence[int]) -> NDArray[np.int64]:
    return np.array(values, dtype=np.int64)


def _objects(values: Sequence[object]) -> NDArray[np.object_]:
    return np.array(values, dtype=np.object_)


# ------------------------------------------------------------------ owners
def _owners(
    ledger: Ledger, role: str, spans: Sequence[Period], days: Sequence[int]
) -> NDArray[np.int64]:
    """Carer code owning each (child, period): the one whose pair covers ``days[j]``.

    Failing that, the one (of ``role``) whose pair overlapped the period most
    recently; -1 where no pair of that role touched the period.
    """
    owner = np.full((len(ledger.child_ids), len(spans)), -1, dtype=np.int64)
    mine = [p for p in ledger.pairs if p.role == role]
    if not mine or not spans:
        return owner
    child = _ints([ledger.child_code[p.child_id] for p in mine])
    carer = _ints([ledger.carer_code[p.carer_id] for p in mine])
    since = _ints([p.since for p in mine])
    until = _ints([p.until for p in mine])
    for j, (span, day) in enumerate(zip(spans, days, strict=True)):
        ok = (since <= day) & (until >= span.start.toordinal())
        if not ok.any():
            continue
        c, k = child[ok], carer[ok]
        last = np.minimum(until[ok], day)
        order = np.lexsort((k, last, c))  # by child, then latest day covered
        c, k = c[order], k[order]
        final = np.ones(len(c), dtype=bool)
        final[:-1] = c[1:] != c[:-1]
        owner[c[final], j] = k[final]
    return owner


# ------------------------------------------------------------------ items
class _Slots:
    """Every (duty, period) in play, numbered: items carry a slot number."""

    def __init__(self, duties: Sequence[Duty], spans: Mapping[Frequency, list[Period]]) -> None:
        self.offset: dict[str, int] = {}
        self.duty: list[Duty] = []
        self.period: list[Period] = []
        self.duty_code: list[int] = []
        for code, duty in enumerate(duties):
            self.offset[duty.id] = len(self.period)
            for span in spans[duty.every]:
                self.duty.append(duty)
                self.period.append(span)
                self.duty_code.append(code)


def owed_items(
    engine: Engine,
    programme: Programme,
    ledger: Ledger,
    spans: Mapping[Frequency, list[Period]],
    owner_days: Mapping[Frequency, list[int]],
    as_of: date,
    counts: Counts | None = None,
) -> tuple[Items, _Codes]:
    """The items of the periods in ``spans`` (owners taken on ``owner_days``), sorted.

    Also returns each item's unit, status rank and lateness as arrays.
    ``counts`` are the records as ``read_counts`` gives them (read here if not given).
    """
    duties = sorted(programme.duties, key=lambda d: d.id)
    slots = _Slots(duties, spans)
    if counts is None:
        counts = read_counts(engine, programme, ledger, spans, as_of)
    today = as_of.toordinal()
    nc = len(ledger.child_ids)
    parts: list[tuple[NDArray[np.int64], ...]] = []
    owners: dict[tuple[str, Frequency], NDArray[np.int64]] = {}
    for duty in duties:
        spans_d = spans[duty.every]
        m = len(spans_d)
        if m == 0:
            continue
        key = (duty.who, duty.every)
        if key not in owners:
            owners[key] = _owners(ledger, duty.who, spans_d, owner_days[duty.every])
        owner = owners[key]
        period = counts.period[duty.every]
        take = counts.taken(duty)
        flat = counts.child[take] * m + period[take]
        n = counts.n[take]
        done_n = np.bincount(flat, weights=n, minlength=nc * m).astype(np.int64).reshape(nc, m)
        in_n = np.bincount(
            flat, weights=n * counts.inside[duty.every][take], minlength=nc * m
        ).astype(np.int64)
        in_n = in_n.reshape(nc, m)
        child, pi = np.nonzero(owner >= 0)
        count = done_n[child, pi]
        end = _ints([s.end.toordinal() for s in spans_d])[pi]
        done = count >= duty.times
        ended = today > end
        parts.append(
            (
                owner[child, pi],
                child.astype(np.int64),
                pi + slots.offset[duty.id],
                count,
                (done & (in_n[child, pi] < duty.times)).astype(np.int64),
                np.where(done, 2, np.where(ended, 0, 1)),
                np.where(~done & ended, today - end, 0),
                np.maximum(end - today, 0),
            )
        )
    units = sorted(
        {c.unit_id for c in ledger.carers.values()} | {c.unit_id for c in ledger.children.values()}
    )
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Items(tuple([] for _ in DueItem._fields)), _Codes(empty, empty, empty > 0, units)
    carer, child, slot, count, late, rank, overdue, left = (
        np.concatenate(column) for column in zip(*parts, strict=True)
    )
    unit_code = {u: i for i, u in enumerate(units)}
    carer_unit = _ints([unit_code[ledger.carers[c].unit_id] for c in ledger.carer_ids])
    child_unit = _ints([unit_code[ledger.children[c].unit_id] for c in ledger.child_ids])
    no_unit = unit_code.get("", -1)
    unit = np.where(carer_unit[carer] != no_unit, carer_unit[carer], child_unit[child])
    slot_start = _ints([p.start.toordinal() for p in slots.period])
    slot_duty = _ints(slots.duty_code)
    order = np.lexsort((slot_start[slot], slot_duty[slot], child, rank, carer, unit))
    carer, child, slot, unit = carer[order], child[order], slot[order], unit[order]
    statuses = np.array([Status.OVERDUE, Status.DUE, Status.DONE], dtype=object)

    def names(values: Sequence[object], codes: NDArray[np.int64]) -> list[object]:
        picked: list[object] = _objects(values)[codes].tolist()
        return picked

    items = Items(
        (
            names(ledger.carer_ids, carer),
            names([ledger.carers[c].name for c in ledger.carer_ids], carer),
            names(units, unit),
            names(ledger.child_ids, child),
            names([d.id for d in slots.duty], slot),
            names([d.what for d in slots.duty], slot),
            names([p.id for p in slots.period], slot),
            names([p.start for p in slots.period], slot),
            names([p.end for p in slots.period], slot),
            statuses[rank[order]].tolist(),
            late[order].astype(bool).tolist(),
            count[order].tolist(),
            names([d.times for d in slots.duty], slot),
            overdue[order].tolist(),
            left[order].tolist(),
        )
    )
    return items, _Codes(unit, rank[order], late[order].astype(bool), units)


# ------------------------------------------------------------------ coverage
def uncovered_gaps(
    programme: Programme,
    children: Mapping[str, ChildInfo],
    pairs: Iterable[_Pair],
    as_of: date,
) -> list[Gap]:
    """Days from the programme's start to ``as_of`` on which a child had no pair at all.

    A child who joined later (``joined_on``) is counted from that day, and a
    child who has left (``left_on``) is not counted from that day on.
    """
    by_child: dict[str, list[tuple[int, int]]] = {}
    for pair in pairs:
        by_child.setdefault(pair.child_id, []).append((pair.since, pair.until))
    gaps = []
    for child in children.values():
        first = max(programme.start, child.joined_on or programme.start).toordinal()
        last = min(as_of, programme.end).toordinal()
        if child.left_on is not None:
            last = min(last, child.left_on.toordinal() - 1)
        day = first  # first day not yet known to be covered
        for since, until in sorted(by_child.get(child.id, ())):
            if day > last:
                break
            if since > day:
                gaps.append((child, day, min(since - 1, last)))
            day = max(day, until + 1) if until < NEVER else NEVER
        if day <= last:
            gaps.append((child, day, last))
    out = [
        Gap(c.id, c.unit_id, date.fromordinal(a), date.fromordinal(b)) for c, a, b in gaps if a <= b
    ]
    return sorted(out, key=lambda g: (g.unit_id, g.child_id, g.start))


# ------------------------------------------------------------------ due
def _tallies(codes: _Codes, gaps: Sequence[Gap]) -> tuple[Tally, dict[str, Tally]]:
    uncovered: dict[str, set[str]] = {}
    for gap in gaps:
        uncovered.setdefault(gap.unit_id, set()).add(gap.child_id)
    units, unit = codes.units, codes.unit
    size = len(units)
    by_rank = [np.bincount(unit[codes.rank == r], minlength=size) for r in range(3)]
    by_late = np.bincount(unit[codes.late], minlength=size)
    by_unit = {}
    for code, unit_id in enumerate(units):
        overdue, due, done = (int(b[code]) for b in by_rank)
        if overdue + due + done == 0 and unit_id not in uncovered:
            continue
        by_unit[unit_id] = Tally(
            items=overdue + due + done,
            done=done,
            late=int(by_late[code]),
            due=due,
            overdue=overdue,
            uncovered_children=len(uncovered.get(unit_id, ())),
        )
    total = Tally(
        items=len(unit),
        done=sum(t.done for t in by_unit.values()),
        late=sum(t.late for t in by_unit.values()),
        due=sum(t.due for t in by_unit.values()),
        overdue=sum(t.overdue for t in by_unit.values()),
        uncovered_children=len({g.child_id for g in gaps}),
    )
    return total, by_unit


def started_periods(programme: Programme, last: date) -> dict[Frequency, list[Period]]:
    """Each frequency's periods that have started by ``last``."""
    return {f: [p for p in periods(programme, f) if p.start <= last] for f in Frequency}


def compute_due(engine: Engine, programme: Programme, as_of: date) -> DueReport:
    """Every duty item on ``as_of`` and every day a child had no carer (see the module doc)."""
    ledger = Ledger.read(engine, programme.id)
    spans = started_periods(programme, as_of)
    owner_days = {f: [min(p.end, as_of).toordinal() for p in ps] for f, ps in spans.items()}
    items, codes = owed_items(engine, programme, ledger, spans, owner_days, as_of)
    gaps = uncovered_gaps(programme, ledger.children, ledger.pairs, as_of)
    total, by_unit = _tallies(codes, gaps)
    return DueReport(
        programme=programme,
        as_of=as_of,
        items=items,
        uncovered=tuple(gaps),
        total=total,
        by_unit=by_unit,
        carers=ledger.carers,
        children=ledger.children,
    )


# ------------------------------------------------------------------ output
#: The keys of one ``due --json`` item, in order (a contract other tools read):
#: the fields of :class:`DueItem`, ``counted`` written as ``count``.
ITEM_KEYS: tuple[str, ...] = tuple("count" if f == "counted" else f for f in DueItem._fields)


def due_json(report: DueReport) -> dict[str, object]:
    """``due --json``: ``as_of``, ``programme``, ``uncovered``, ``items`` and ``summary``.

    Items are written column by column (dates as ISO text, status as its
    value), so a county's few hundred thousand items take a fraction of a second.
    """
    iso: dict[date, str] = {}
    columns = [report.items.column(f) for f in DueItem._fields]
    for n in (7, 8):  # period_start, period_end
        columns[n] = [iso.get(d) or iso.setdefault(d, d.isoformat()) for d in columns[n]]
    columns[9] = [s.value for s in columns[9]]
    keys = ITEM_KEYS
    items = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
    return {
        "as_of": report.as_of.isoformat(),
        "programme": report.programme.id,
        "uncovered": [
            {
                "child_id": g.child_id,
                "unit_id": g.unit_id,
                "from": g.start.isoformat(),
                "to": g.end.isoformat(),
                "days": g.days,
            }
            for g in report.uncovered
        ],
        "items": items,
        "summary": {
            **report.total.as_dict(),
            "by_unit": {unit: t.as_dict() for unit, t in report.by_unit.items()},
        },
    }


def _status_text(item: DueItem, lang: str) -> str:
    if item.status is Status.OVERDUE:
        return label("days_overdue", lang, n=item.days_overdue)
    if item.status is Status.DUE:
        return f"{label('due', lang)} · {label('days_left', lang, n=item.days_left)}"
    return label("late", lang) if item.late else label("done", lang)


_STYLE = {Status.OVERDUE: "bold red", Status.DUE: "yellow", Status.DONE: "green"}

#: Above this many rows, ``print_due`` counts per carer instead of listing every item.
MAX_ITEM_ROWS = 2000


def _carer_rows(table: Table, items: Sequence[DueItem], *, lang: str, show_done: bool) -> None:
    """One row per carer: children, overdue, due (and done) counts, most overdue first."""
    from rich.markup import escape

    counts: dict[str, dict[Status, int]] = {}
    children: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for item in items:
        counts.setdefault(item.carer_id, dict.fromkeys(Status, 0))[item.status] += 1
        children.setdefault(item.carer_id, set()).add(item.child_id)
        names[item.carer_id] = item.carer_name
    statuses = [Status.OVERDUE, Status.DUE, *([Status.DONE] if show_done else [])]
    table.add_column(label("carer", lang), overflow="fold")
    table.add_column(label("children_n", lang), justify="right")
    for status in statuses:
        table.add_column(label(status.value, lang), justify="right", style=_STYLE[status])
    ranked = sorted(counts, key=lambda c: (-counts[c][Status.OVERDUE], -counts[c][Status.DUE], c))
    for carer_id in ranked:
        table.add_row(
            escape(f"{names[carer_id]} ({carer_id})"),
            str(len(children[carer_id])),
            *(str(counts[carer_id][s]) for s in statuses),
        )


def print_due(report: DueReport, *, lang: str, show_done: bool) -> None:
    """Rich tables on stdout: children without a carer first, then per unit and carer.

    Within a carer, overdue items come first; done items only with ``show_done``.
    Names come from spreadsheets, so they are escaped before Rich reads markup.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    units = {u.id: u.name for u in report.programme.units}
    kinds = report.programme.kind_labels()

    def unit_name(unit_id: str) -> str:
        if not unit_id:
            return label("no_unit", lang)
        return escape(f"{units.get(unit_id, unit_id)} ({unit_id})")

    def child_text(child_id: str) -> str:
        child = report.children.get(child_id)
        return escape(f"{child.name} ({child_id})" if child else child_id)

    console.print(
        f"[bold]{label('due_title', lang)} · {escape(report.programme.name)}[/bold] · "
        f"{label('as_of', lang)} {report.as_of.isoformat()}"
    )
    if report.uncovered:
        table = Table(title=label("uncovered_title", lang), title_style="bold red")
        for key in ("unit", "child", "from", "to", "days"):
            table.add_column(label(key, lang), overflow="fold")
        for gap in report.uncovered:
            table.add_row(
                unit_name(gap.unit_id),
                child_text(gap.child_id),
                gap.start.isoformat(),
                gap.end.isoformat(),
                str(gap.days),
            )
        console.print(table)
    shown = [i for i in report.items if show_done or i.status is not Status.DONE]
    if not shown:
        console.print(label("nothing_due", lang))
    by_unit: dict[str, list[DueItem]] = {}
    for item in shown:
        by_unit.setdefault(item.unit_id, []).append(item)
    if len(shown) > MAX_ITEM_ROWS:
        console.print(label("by_carer", lang, n=len(shown)))
    for unit_id, items in by_unit.items():
        table = Table(title=unit_name(unit_id), title_justify="left")
        if len(shown) > MAX_ITEM_ROWS:
            _carer_rows(table, items, lang=lang, show_done=show_done)
            console.print(table)
            continue
        for key in ("carer", "child", "duty", "period", "count", "status"):
            table.add_column(label(key, lang), overflow="fold")
        for n, item in enumerate(items):
            new_carer = n == 0 or items[n - 1].carer_id != item.carer_id
            last_of_carer = n + 1 == len(items) or items[n + 1].carer_id != item.carer_id
            kind = kinds.get(item.kind, (item.kind, item.kind))
            table.add_row(
                escape(f"{item.carer_name} ({item.carer_id})") if new_carer else "",
                child_text(item.child_id),
                escape(kind[0] if lang == "zh" else kind[1]),
                escape(item.period),
                f"{item.counted}/{item.required}",
                f"[{_STYLE[item.status]}]{_status_text(item, lang)}[/]",
                end_section=last_of_carer,
            )
        console.print(table)
    t = report.total
    console.print(
        label(
            "summary",
            lang,
            items=t.items,
            done=t.done,
            late=t.late,
            due=t.due,
            overdue=t.overdue,
            uncovered=t.uncovered_children,
        )
    )
