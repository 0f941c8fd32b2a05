"""What is due: every duty of every carer for every child, done, due or overdue, on a date.

For an ``as_of`` day A, each duty D, each period P of D (``model.periods``)
that has started by A, and each child c:

- the *owner* is the carer of role ``D.who`` whose pair with c covers
  ``min(P.end, A)``; failing that, the one of that role whose pair overlapped
  the period most recently; with no such pair the child is not owed D in P;
- the *count* is the child's records of kind ``D.what`` by any carer of that
  role (a predecessor's visit counts: the child got it), dated in P or made
  up for P (``for_period``);
- the item is ``done`` when the count reaches ``D.times`` (``late`` when
  make-ups were needed), else ``overdue`` once P has ended, else ``due``.

Children without any carer on some day are listed apart (coverage must be
full). The database does the counting: one GROUP BY over the records, with
each record's period computed in SQL by a ``case()`` over the periods'
boundaries; the owners and statuses are worked out on whole columns with
pandas, never a query per child, so a county's ledger answers in about a
second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import ColumnElement, Engine, and_, case, func, select

from planner.followup import schema
from planner.followup.model import Duty, Frequency, Period, Programme, periods

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

__all__ = [
    "CarerInfo",
    "ChildInfo",
    "DueItem",
    "DueReport",
    "Gap",
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
    # reports
    "assessment": ("年度考核", "Year-end assessment"),
    "units": ("单位汇总", "Units"),
    "problems": ("未解决的问题", "Open problems"),
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
    "times": ("每个周期至少 {n} 次", "At least {n} times per period"),
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


@dataclass(frozen=True)
class Gap:
    """Days on which a child had no carer at all (``start`` to ``end``, inclusive)."""

    child_id: str
    unit_id: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Tally:
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


@dataclass(frozen=True)
class CarerInfo:
    id: str
    name: str
    role: str
    unit_id: str


@dataclass(frozen=True)
class ChildInfo:
    id: str
    name: str
    unit_id: str
    left_on: date | None


@dataclass(frozen=True)
class DueReport:
    """Everything ``due`` found on ``as_of``; the same ledger gives the same report.

    ``items`` are sorted by unit, carer, status (overdue, due, done), child,
    duty and period; ``uncovered`` by unit, child and day.
    """

    programme: Programme
    as_of: date
    items: tuple[DueItem, ...]
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


def _read_people(
    engine: Engine, programme_id: str
) -> tuple[dict[str, CarerInfo], dict[str, ChildInfo], list[_Pair]]:
    c, k, p = schema.carer, schema.child, schema.pair
    with engine.connect() as conn:
        carers = {
            row.id: CarerInfo(row.id, row.name, row.role, row.unit_id or "")
            for row in conn.execute(
                select(c.c.id, c.c.name, c.c.role, c.c.unit_id).where(
                    c.c.programme_id == programme_id
                )
            )
        }
        children = {
            row.id: ChildInfo(row.id, row.name, row.unit_id or "", row.left_on)
            for row in conn.execute(
                select(k.c.id, k.c.name, k.c.unit_id, k.c.left_on).where(
                    k.c.programme_id == programme_id
                )
            )
        }
        pairs = [
            _Pair(
                row.carer_id,
                row.child_id,
                carers[row.carer_id].role,
                row.since.toordinal(),
                NEVER if row.until is None else row.until.toordinal(),
            )
            for row in conn.execute(
                select(p.c.carer_id, p.c.child_id, p.c.since, p.c.until).where(
                    p.c.programme_id == programme_id
                )
            )
            if row.carer_id in carers
        ]
    return carers, children, pairs


def _period_case(day: ColumnElement[date], spans: Sequence[Period]) -> ColumnElement[str]:
    """SQL: the id of the period among ``spans`` holding ``day``, else NULL.

    Plain comparisons of dates, so SQLite (ISO text) and PostgreSQL agree.
    """
    return case(*[(day.between(s.start, s.end), s.id) for s in spans], else_=None)


def _record_counts(
    engine: Engine, programme: Programme, spans: Mapping[Frequency, list[Period]]
) -> pd.DataFrame:
    """Records counted by the database, per child, kind, carer role, make-up period and period.

    One GROUP BY: each record's own period under each frequency in use is a
    ``case()`` over that frequency's period boundaries.
    """
    import pandas as pd

    r, c = schema.record, schema.carer
    duties = programme.duties
    natural = {
        freq: _period_case(r.c.on, spans[freq]).label(f"p_{freq.value}")
        for freq in sorted({d.every for d in duties})
        if spans[freq]
    }
    keys = [r.c.child_id, r.c.kind, c.c.role, r.c.for_period, *natural.values()]
    stmt = (
        select(*keys, func.count().label("n"))
        .select_from(r.join(c, and_(c.c.programme_id == r.c.programme_id, c.c.id == r.c.carer_id)))
        .where(
            r.c.programme_id == programme.id,
            r.c.kind.in_(sorted({d.what for d in duties})),
            c.c.role.in_(sorted({d.who for d in duties})),
        )
        .group_by(*keys)
    )
    columns = ["child_id", "kind", "role", "for_period", *(f"p_{f.value}" for f in natural), "n"]
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for freq in Frequency:
        if f"p_{freq.value}" not in frame.columns:
            frame[f"p_{freq.value}"] = None
    return frame.astype(object)


# ------------------------------------------------------------------ owners
def _owners(pairs: pd.DataFrame, spans: Sequence[Period], days: Sequence[int]) -> pd.DataFrame:
    """For each (child, period): the carer among ``pairs`` owning it on ``days[i]``.

    The owner is the carer whose pair covers that day, else the one whose pair
    overlapped the period most recently; children with neither get no row.
    Columns: ``child_id``, ``carer_id``, ``pi`` (index into ``spans``).
    """
    import numpy as np
    import pandas as pd

    if pairs.empty or not spans:
        return pd.DataFrame({"child_id": [], "carer_id": [], "pi": []})
    grid = pd.DataFrame(
        {
            "pi": np.arange(len(spans)),
            "p_start": np.array([s.start.toordinal() for s in spans]),
            "day": np.asarray(days),
        }
    )
    both = pairs.merge(grid, how="cross")
    both = both[(both["since"] <= both["day"]) & (both["until"] >= both["p_start"])]
    both = both.assign(last=np.minimum(both["until"].to_numpy(), both["day"].to_numpy()))
    both = both.sort_values(["child_id", "pi", "last", "carer_id"], kind="stable")
    return both.drop_duplicates(["child_id", "pi"], keep="last")[["child_id", "carer_id", "pi"]]


def _counted(counts: pd.DataFrame, duty: Duty) -> pd.DataFrame:
    """Per (child, period id) of ``duty``: records counted, and those dated inside the period."""
    import pandas as pd

    mine = counts[(counts["kind"] == duty.what) & (counts["role"] == duty.who)]
    if mine.empty:
        return pd.DataFrame({"child_id": [], "period": [], "count": [], "inside": []})
    natural = mine[f"p_{duty.every.value}"]
    made_up = mine["for_period"].notna()
    period = mine["for_period"].where(made_up, natural)
    inside = ~made_up | (mine["for_period"] == natural)
    frame = pd.DataFrame(
        {
            "child_id": mine["child_id"],
            "period": period,
            "count": mine["n"],
            "inside": mine["n"].where(inside, 0),
        }
    )
    frame = frame[frame["period"].notna()]
    return frame.groupby(["child_id", "period"], as_index=False)[["count", "inside"]].sum()


def _duty_items(
    duty: Duty,
    owners: pd.DataFrame,
    spans: Sequence[Period],
    counted: pd.DataFrame,
    as_of: date,
) -> pd.DataFrame:
    """The items of one duty: owners joined with their counts, and each item's status."""
    import numpy as np

    ids = np.array([s.id for s in spans], dtype=object)
    frame = owners.assign(period=ids[owners["pi"].to_numpy(dtype=int)])
    frame = frame.merge(counted, how="left", on=["child_id", "period"])
    count = frame["count"].fillna(0).to_numpy(dtype=int)
    inside = frame["inside"].fillna(0).to_numpy(dtype=int)
    end = np.array([s.end.toordinal() for s in spans])[frame["pi"].to_numpy(dtype=int)]
    today = as_of.toordinal()
    done = count >= duty.times
    ended = today > end
    status = np.where(done, "done", np.where(ended, "overdue", "due"))
    return frame.assign(
        duty=duty.id,
        kind=duty.what,
        count=count,
        required=duty.times,
        late=done & (inside < duty.times),
        status=status,
        rank=np.where(done, 2, np.where(ended, 0, 1)),
        days_overdue=np.where(~done & ended, today - end, 0),
        days_left=np.maximum(end - today, 0),
        p_end=end,
    )


def _items_frame(
    programme: Programme,
    pairs: list[_Pair],
    counts: pd.DataFrame,
    spans: Mapping[Frequency, list[Period]],
    owner_days: Mapping[Frequency, list[int]],
    as_of: date,
) -> pd.DataFrame:
    """Every item of every duty for the periods in ``spans`` (owners taken on ``owner_days``)."""
    import pandas as pd

    pair_frame = pd.DataFrame.from_records(pairs, columns=list(_Pair._fields)).astype(
        {"carer_id": object, "child_id": object, "role": object}
    )
    frames = []
    owner_cache: dict[tuple[str, Frequency], pd.DataFrame] = {}
    for duty in sorted(programme.duties, key=lambda d: d.id):
        key = (duty.who, duty.every)
        if key not in owner_cache:
            role_pairs = pair_frame[pair_frame["role"] == duty.who]
            owner_cache[key] = _owners(role_pairs, spans[duty.every], owner_days[duty.every])
        owners = owner_cache[key]
        if owners.empty:
            continue
        frames.append(
            _duty_items(duty, owners, spans[duty.every], _counted(counts, duty), as_of)
            .assign(p_start=lambda f, d=duty: _starts(spans[d.every], f["pi"]))
            .drop(columns=["pi", "inside"])
        )
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def _starts(spans: Sequence[Period], index: pd.Series) -> object:
    import numpy as np

    return np.array([s.start.toordinal() for s in spans])[index.to_numpy(dtype=int)]


# ------------------------------------------------------------------ coverage
def uncovered_gaps(
    programme: Programme,
    children: Mapping[str, ChildInfo],
    pairs: Iterable[_Pair],
    as_of: date,
) -> list[Gap]:
    """Days from the programme's start to ``as_of`` on which a child had no pair at all.

    A child who has left (``left_on``) is not counted from that day on.
    """
    by_child: dict[str, list[tuple[int, int]]] = {}
    for pair in pairs:
        by_child.setdefault(pair.child_id, []).append((pair.since, pair.until))
    first = programme.start.toordinal()
    gaps = []
    for child in children.values():
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
def _tallies(frame: pd.DataFrame, gaps: Sequence[Gap]) -> tuple[Tally, dict[str, Tally]]:
    uncovered: dict[str, set[str]] = {}
    for gap in gaps:
        uncovered.setdefault(gap.unit_id, set()).add(gap.child_id)
    counts: dict[str, dict[str, int]] = {}
    if not frame.empty:
        grouped = frame.groupby(["unit_id", "status"]).size()
        for (unit_id, status), n in grouped.items():  # type: ignore[misc]
            counts.setdefault(str(unit_id), {})[str(status)] = int(n)
        for unit_id, n in frame[frame["late"]].groupby("unit_id").size().items():
            counts.setdefault(str(unit_id), {})["late"] = int(n)
    by_unit = {}
    for unit_id in sorted(set(counts) | set(uncovered)):
        c = counts.get(unit_id, {})
        by_unit[unit_id] = Tally(
            items=c.get("done", 0) + c.get("due", 0) + c.get("overdue", 0),
            done=c.get("done", 0),
            late=c.get("late", 0),
            due=c.get("due", 0),
            overdue=c.get("overdue", 0),
            uncovered_children=len(uncovered.get(unit_id, ())),
        )
    total = Tally(
        items=sum(t.items for t in by_unit.values()),
        done=sum(t.done for t in by_unit.values()),
        late=sum(t.late for t in by_unit.values()),
        due=sum(t.due for t in by_unit.values()),
        overdue=sum(t.overdue for t in by_unit.values()),
        uncovered_children=len({g.child_id for g in gaps}),
    )
    return total, by_unit


def _spans_until(programme: Programme, last: date) -> dict[Frequency, list[Period]]:
    return {f: [p for p in periods(programme, f) if p.start <= last] for f in Frequency}


class _Ledger(NamedTuple):
    carers: dict[str, CarerInfo]
    children: dict[str, ChildInfo]
    pairs: list[_Pair]


def _read_ledger(engine: Engine, programme: Programme) -> _Ledger:
    return _Ledger(*_read_people(engine, programme.id))


def items_frame(
    engine: Engine,
    programme: Programme,
    ledger: _Ledger,
    spans: Mapping[Frequency, list[Period]],
    owner_days: Mapping[Frequency, list[int]],
    as_of: date,
) -> pd.DataFrame:
    """Items (a DataFrame) for the given periods, with unit and carer name, sorted as ``due`` lists them."""
    counts = _record_counts(engine, programme, spans)
    frame = _items_frame(programme, ledger.pairs, counts, spans, owner_days, as_of)
    if frame.empty:
        return frame
    carer_unit = {k: v.unit_id for k, v in ledger.carers.items()}
    child_unit = {k: v.unit_id for k, v in ledger.children.items()}
    unit = frame["carer_id"].map(carer_unit).fillna("")
    fallback = frame["child_id"].map(child_unit).fillna("")
    frame = frame.assign(
        unit_id=unit.where(unit != "", fallback).astype(object),
        carer_name=frame["carer_id"].map({k: v.name for k, v in ledger.carers.items()}),
    )
    return frame.sort_values(
        ["unit_id", "carer_id", "rank", "child_id", "duty", "p_start", "period"], kind="stable"
    ).reset_index(drop=True)


def compute_due(engine: Engine, programme: Programme, as_of: date) -> DueReport:
    """Every duty item on ``as_of`` and every day a child had no carer (see the module doc)."""
    ledger = _read_ledger(engine, programme)
    spans = _spans_until(programme, as_of)
    owner_days = {f: [min(p.end, as_of).toordinal() for p in ps] for f, ps in spans.items()}
    frame = items_frame(engine, programme, ledger, spans, owner_days, as_of)
    gaps = uncovered_gaps(programme, ledger.children, ledger.pairs, as_of)
    total, by_unit = _tallies(frame, gaps)
    return DueReport(
        programme=programme,
        as_of=as_of,
        items=_to_items(frame),
        uncovered=tuple(gaps),
        total=total,
        by_unit=by_unit,
        carers=ledger.carers,
        children=ledger.children,
    )


def _to_items(frame: pd.DataFrame) -> tuple[DueItem, ...]:
    if frame.empty:
        return ()
    day = date.fromordinal
    starts = {o: day(o) for o in set(frame["p_start"].tolist())}
    ends: dict[int, date] = {}
    status = {s.value: s for s in Status}
    return tuple(
        DueItem(
            carer_id,
            carer_name,
            unit_id,
            child_id,
            duty,
            kind,
            period,
            starts[p_start],
            ends.setdefault(p_end_o, day(p_end_o)),
            status[st],
            bool(late),
            int(count),
            int(required),
            int(overdue),
            int(left),
        )
        for (
            carer_id,
            carer_name,
            unit_id,
            child_id,
            duty,
            kind,
            period,
            p_start,
            p_end_o,
            st,
            late,
            count,
            required,
            overdue,
            left,
        ) in zip(
            frame["carer_id"].tolist(),
            frame["carer_name"].tolist(),
            frame["unit_id"].tolist(),
            frame["child_id"].tolist(),
            frame["duty"].tolist(),
            frame["kind"].tolist(),
            frame["period"].tolist(),
            frame["p_start"].tolist(),
            frame["p_end"].tolist(),
            frame["status"].tolist(),
            frame["late"].tolist(),
            frame["count"].tolist(),
            frame["required"].tolist(),
            frame["days_overdue"].tolist(),
            frame["days_left"].tolist(),
            strict=True,
        )
    )


# ------------------------------------------------------------------ output
#: The keys of one ``due --json`` item, in order (a contract other tools read):
#: the fields of :class:`DueItem`, ``counted`` written as ``count``.
ITEM_KEYS: tuple[str, ...] = tuple("count" if f == "counted" else f for f in DueItem._fields)


def due_json(report: DueReport) -> dict[str, object]:
    """``due --json``: ``as_of``, ``programme``, ``uncovered``, ``items`` and ``summary``."""
    keys = ITEM_KEYS
    items = [
        dict(
            zip(keys, (*item[:7], item[7].isoformat(), item[8].isoformat(), *item[9:]), strict=True)
        )
        for item in report.items
    ]
    for entry in items:
        entry["status"] = str(entry["status"])
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
    for unit_id, items in by_unit.items():
        table = Table(title=unit_name(unit_id), title_justify="left")
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
