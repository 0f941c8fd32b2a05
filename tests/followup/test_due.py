"""What is due: owners, counts, statuses, coverage, order and the ``--json`` keys.

Ledgers are opened as the command opens them (``open_ledger``: Alembic
migrations) and filled with Core inserts, on every database the ``db_url``
fixture gives: SQLite and PostgreSQL. Other test files build theirs with
``schema.metadata.create_all`` (``LedgerBuilder`` does either).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, insert

from planner.followup import schema
from planner.followup.db import open_ledger
from planner.followup.due import Status, compute_due, due_json, print_due
from planner.followup.model import Duty, Frequency, Programme, Term, Unit

ENTERED = datetime(2026, 9, 1, tzinfo=UTC)

AUTUMN = Term(id="2026秋", start=date(2026, 9, 1), end=date(2027, 1, 20))
SPRING = Term(id="2027春", start=date(2027, 2, 20), end=date(2027, 7, 10))

#: A school programme over two terms: termly visits (and two helps), monthly contacts.
SCHOOL = Programme(
    id="hx-2026",
    name="红星小学关爱留守儿童",
    organiser="红星小学",
    start=date(2026, 9, 1),
    end=date(2027, 7, 10),
    terms=(AUTUMN, SPRING),
    units=(Unit(id="HX", name="红星小学"), Unit(id="QS", name="青山小学")),
    duties=(
        Duty(id="visit", who="teacher", what="visit", every=Frequency.TERM, times=1),
        Duty(id="help", who="teacher", what="help", every=Frequency.TERM, times=2),
        Duty(id="contact", who="volunteer", what="contact", every=Frequency.MONTH, times=1),
    ),
)


class LedgerBuilder:
    """Writes a programme's people, pairs and records straight into the ledger tables."""

    def __init__(self, engine: Engine, programme: Programme) -> None:
        self.engine = engine
        self.programme = programme
        self._ids = itertools.count(1)
        schema.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(
                insert(schema.programme).values(
                    id=programme.id,
                    name=programme.name,
                    organiser=programme.organiser,
                    timezone=programme.timezone,
                    start=programme.start,
                    end=programme.end,
                )
            )
            for unit in programme.units:
                conn.execute(
                    insert(schema.unit).values(
                        programme_id=programme.id, id=unit.id, name=unit.name
                    )
                )

    def _insert(self, table: object, **values: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(table).values(programme_id=self.programme.id, **values))  # type: ignore[arg-type]

    def carer(
        self, id: str, name: str, role: str, unit: str | None = "HX", phone: str | None = None
    ) -> LedgerBuilder:
        self._insert(schema.carer, id=id, name=name, role=role, unit_id=unit, phone=phone)
        return self

    def child(self, id: str, name: str, unit: str | None = "HX", **more: object) -> LedgerBuilder:
        self._insert(schema.child, id=id, name=name, unit_id=unit, **more)
        return self

    def pair(self, carer: str, child: str, since: date, until: date | None = None) -> LedgerBuilder:
        self._insert(schema.pair, carer_id=carer, child_id=child, since=since, until=until)
        return self

    def record(
        self,
        carer: str,
        child: str,
        kind: str,
        on: date,
        for_period: str | None = None,
        **more: object,
    ) -> int:
        n = next(self._ids)
        more.setdefault("reported", False)
        self._insert(
            schema.record,
            id=n,
            carer_id=carer,
            child_id=child,
            kind=kind,
            on=on,
            for_period=for_period,
            source="test",
            entered_at=ENTERED,
            fingerprint=hashlib.sha256(str(n).encode()).hexdigest(),
            **more,
        )
        return n


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A ledger as the command opens it: migrated to the newest schema by Alembic."""
    eng = open_ledger(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


def school(engine: Engine) -> LedgerBuilder:
    """Two teachers, one volunteer, three children; T1 hands 小明 over to T2 on 16 November."""
    return (
        LedgerBuilder(engine, SCHOOL)
        .carer("T1", "李老师", "teacher")
        .carer("T2", "王老师", "teacher")
        .carer("V1", "张志愿", "volunteer", unit="QS")
        .child("C1", "陈小明")
        .child("C2", "刘小红")
        .child("C3", "赵小刚", unit="QS")
        .pair("T1", "C1", date(2026, 9, 1), date(2026, 11, 15))
        .pair("T2", "C1", date(2026, 11, 16))
        .pair("T1", "C2", date(2026, 9, 1))
        .pair("V1", "C1", date(2026, 9, 1))
        .pair("V1", "C3", date(2026, 10, 1))
    )


def by_key(items: object) -> dict[tuple[str, str, str], object]:
    return {(i.child_id, i.duty, i.period): i for i in items}  # type: ignore[attr-defined]


def test_owner_is_the_carer_on_the_last_day_and_predecessor_records_count(engine: Engine) -> None:
    ledger = school(engine)
    ledger.record("T1", "C1", "visit", date(2026, 10, 8))  # before the hand-over
    report = compute_due(engine, SCHOOL, date(2026, 12, 1))
    visit = by_key(report.items)[("C1", "visit", "2026秋")]
    assert visit.carer_id == "T2"  # type: ignore[attr-defined]
    assert visit.status is Status.DONE  # type: ignore[attr-defined]
    assert not visit.late  # type: ignore[attr-defined]


def test_due_then_overdue_with_days(engine: Engine) -> None:
    school(engine)
    during = by_key(compute_due(engine, SCHOOL, date(2027, 1, 10)).items)[("C2", "visit", "2026秋")]
    assert (during.status, during.days_left, during.days_overdue) == (Status.DUE, 10, 0)  # type: ignore[attr-defined]
    after = by_key(compute_due(engine, SCHOOL, date(2027, 1, 25)).items)[("C2", "visit", "2026秋")]
    assert (after.status, after.days_overdue) == (Status.OVERDUE, 5)  # type: ignore[attr-defined]


def test_make_up_for_an_earlier_period_counts_there_and_is_late(engine: Engine) -> None:
    ledger = school(engine)
    ledger.record("V1", "C3", "contact", date(2026, 11, 3), for_period="2026-10")
    items = by_key(compute_due(engine, SCHOOL, date(2026, 11, 20)).items)
    october = items[("C3", "contact", "2026-10")]
    assert (october.status, october.late) == (Status.DONE, True)  # type: ignore[attr-defined]
    november = items[("C3", "contact", "2026-11")]
    # the make-up is not November's
    assert november.status is Status.DUE  # type: ignore[attr-defined]


def test_records_on_the_first_and_last_day_count_the_day_after_does_not(engine: Engine) -> None:
    ledger = school(engine)
    ledger.record("V1", "C1", "contact", date(2026, 9, 30))
    ledger.record("V1", "C1", "contact", date(2026, 11, 1))
    items = by_key(compute_due(engine, SCHOOL, date(2026, 11, 2)).items)
    assert items[("C1", "contact", "2026-09")].status is Status.DONE  # type: ignore[attr-defined]
    assert items[("C1", "contact", "2026-10")].status is Status.OVERDUE  # type: ignore[attr-defined]
    assert items[("C1", "contact", "2026-11")].status is Status.DONE  # type: ignore[attr-defined]


def test_a_record_after_as_of_does_not_count(engine: Engine) -> None:
    ledger = school(engine)
    ledger.record("T1", "C2", "visit", date(2026, 10, 9))
    ledger.record("V1", "C3", "contact", date(2026, 10, 9), for_period="2026-10")
    before = by_key(compute_due(engine, SCHOOL, date(2026, 10, 8)).items)
    assert before[("C2", "visit", "2026秋")].status is Status.DUE  # type: ignore[attr-defined]
    assert before[("C2", "visit", "2026秋")].counted == 0  # type: ignore[attr-defined]
    assert before[("C3", "contact", "2026-10")].status is Status.DUE  # type: ignore[attr-defined]
    on_the_day = by_key(compute_due(engine, SCHOOL, date(2026, 10, 9)).items)
    assert on_the_day[("C2", "visit", "2026秋")].status is Status.DONE  # type: ignore[attr-defined]
    assert on_the_day[("C3", "contact", "2026-10")].status is Status.DONE  # type: ignore[attr-defined]


def test_a_record_by_another_role_does_not_count(engine: Engine) -> None:
    ledger = school(engine)
    ledger.record("V1", "C1", "visit", date(2026, 10, 1))  # a volunteer's visit, not the teacher's
    visit = by_key(compute_due(engine, SCHOOL, date(2026, 10, 2)).items)[("C1", "visit", "2026秋")]
    assert visit.status is Status.DUE  # type: ignore[attr-defined]


def test_a_child_whose_pair_ended_stays_with_the_last_carer(engine: Engine) -> None:
    ledger = school(engine)
    ledger.child("C4", "孙小美").pair("T1", "C4", date(2026, 9, 1), date(2026, 10, 31))
    items = by_key(compute_due(engine, SCHOOL, date(2027, 3, 1)).items)
    assert items[("C4", "visit", "2026秋")].carer_id == "T1"  # type: ignore[attr-defined]
    assert ("C4", "visit", "2027春") not in items  # no carer in spring: not owed, but uncovered


def test_children_without_any_carer_are_listed_with_their_days(engine: Engine) -> None:
    school(engine)
    report = compute_due(engine, SCHOOL, date(2026, 10, 15))
    assert [(g.child_id, g.unit_id, g.start, g.end, g.days) for g in report.uncovered] == [
        ("C3", "QS", date(2026, 9, 1), date(2026, 9, 30), 30)
    ]
    assert report.total.uncovered_children == 1
    assert report.by_unit["QS"].uncovered_children == 1


def test_items_sorted_by_unit_carer_status_child_duty_period(engine: Engine) -> None:
    ledger = school(engine)
    ledger.record("T1", "C2", "visit", date(2026, 9, 10))
    items = compute_due(engine, SCHOOL, date(2027, 3, 10)).items
    order = {Status.OVERDUE: 0, Status.DUE: 1, Status.DONE: 2}
    keys = [
        (i.unit_id, i.carer_id, order[i.status], i.child_id, i.duty, i.period_start) for i in items
    ]
    assert keys == sorted(keys)
    assert items[0].unit_id == "HX" and items[0].status is Status.OVERDUE


def test_json_has_the_contract_keys_and_is_repeatable(engine: Engine) -> None:
    ledger = school(engine)
    ledger.record("T1", "C2", "visit", date(2026, 9, 10))
    first = due_json(compute_due(engine, SCHOOL, date(2026, 12, 1)))
    again = due_json(compute_due(engine, SCHOOL, date(2026, 12, 1)))
    assert json.dumps(first, ensure_ascii=False) == json.dumps(again, ensure_ascii=False)
    assert {"as_of", "programme", "uncovered", "items", "summary"} <= set(first)
    item = first["items"][0]  # type: ignore[index]
    assert set(item) >= {
        "carer_id",
        "carer_name",
        "unit_id",
        "child_id",
        "duty",
        "kind",
        "period",
        "period_start",
        "period_end",
        "status",
        "late",
        "count",
        "required",
        "days_overdue",
        "days_left",
    }
    summary = first["summary"]
    assert summary["items"] == len(first["items"])  # type: ignore[index,arg-type]
    assert summary["done"] + summary["due"] + summary["overdue"] == summary["items"]  # type: ignore[index]
    assert set(summary["by_unit"]) == {"HX", "QS"}  # type: ignore[index]
    json.dumps(first)  # plain JSON values only


def test_as_of_before_the_start_owes_nothing(engine: Engine) -> None:
    school(engine)
    report = compute_due(engine, SCHOOL, date(2026, 8, 1))
    assert len(report.items) == 0 and report.uncovered == ()


def test_print_due_escapes_names_and_lists_uncovered_first(
    engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    ledger = school(engine)
    ledger.carer("T9", "[bold]x[/bold]", "teacher").child("C9", "[red]钱[/red]")
    ledger.pair("T9", "C9", date(2026, 9, 1))
    report = compute_due(engine, SCHOOL, date(2026, 10, 15))
    print_due(report, lang="zh", show_done=False)
    out = capsys.readouterr().out
    assert "[bold]x[/bold]" in out and "[red]钱[/red]" in out
    assert out.index("赵小刚") < out.index("李老师")
    assert "共 " in out
    print_due(report, lang="en", show_done=True)
    assert "items:" in capsys.readouterr().out


def test_print_due_counts_per_carer_when_the_list_is_long(
    engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.followup import due

    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(due, "MAX_ITEM_ROWS", 3)
    school(engine)
    print_due(compute_due(engine, SCHOOL, date(2026, 12, 5)), lang="zh", show_done=False)
    out = capsys.readouterr().out
    assert "按负责人汇总" in out and "张志愿 (V1)" in out
    assert "2026-10" not in out  # no item rows, only counts


def test_a_child_who_joins_late_is_uncovered_only_from_joining(engine: Engine) -> None:
    ledger = school(engine)
    ledger.child("C6", "吴小兰", joined_on=date(2026, 10, 12))  # no pair yet
    ledger.child("C7", "郑小东", joined_on=date(2026, 10, 12))
    ledger.pair("T1", "C7", date(2026, 10, 12)).pair("V1", "C7", date(2026, 10, 12))
    report = compute_due(engine, SCHOOL, date(2026, 11, 2))
    gaps = [(g.start, g.end) for g in report.uncovered if g.child_id in ("C6", "C7")]
    assert gaps == [(date(2026, 10, 12), date(2026, 11, 2))]  # C6 only, from joining on
    items = by_key(report.items)
    assert ("C6", "visit", "2026秋") not in items  # no pair: owed nothing yet
    assert ("C7", "contact", "2026-09") not in items  # not yet in the programme
    assert items[("C7", "contact", "2026-10")].carer_id == "V1"  # type: ignore[attr-defined]


def test_a_child_who_left_is_not_uncovered_after_leaving(engine: Engine) -> None:
    ledger = school(engine)
    ledger.child("C6", "吴小兰", left_on=date(2026, 10, 1))
    ledger.pair("T1", "C6", date(2026, 9, 1), date(2026, 9, 20))
    gaps = [
        g for g in compute_due(engine, SCHOOL, date(2026, 12, 1)).uncovered if g.child_id == "C6"
    ]
    assert [(g.start, g.end) for g in gaps] == [(date(2026, 9, 21), date(2026, 9, 30))]
