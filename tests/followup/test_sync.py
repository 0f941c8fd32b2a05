"""Sync: the edited sheets reach the ledger, and history stays."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from followup.ledger_helpers import CARERS, CHILDREN, PAIRS, make_programme
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from planner.errors import InvalidInput
from planner.followup import schema
from planner.followup.db import open_ledger
from planner.followup.load import load_programme
from planner.followup.sync import is_synced, sync

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _rows(engine: Engine, table: str, **where: object) -> list[dict]:
    t = schema.metadata.tables[table]
    stmt = select(t).where(*(t.c[k] == v for k, v in where.items()))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def test_first_sync_inserts_everyone(db_url: str, tmp_path: Path) -> None:
    engine = open_ledger(db_url)
    loaded = load_programme(make_programme(tmp_path / "p"))
    assert not is_synced(engine, "hx-care")
    report = sync(engine, loaded, today=date(2026, 9, 1), now=NOW)
    assert report.added == {"carer": 3, "child": 3, "pair": 4, "programme": 1, "unit": 2}
    assert is_synced(engine, "hx-care")
    assert len(_rows(engine, "carer")) == 3 and _rows(engine, "change") == []
    # the same sheets again change nothing
    assert sync(engine, loaded, today=date(2026, 9, 2), now=NOW, first_use=True) is None
    again = sync(engine, loaded, today=date(2026, 9, 2), now=NOW)
    assert again.as_json() == {"added": {}, "changed": {}, "left": {}, "closed_pairs": 0}
    engine.dispose()


def test_a_carer_leaves_a_child_moves_a_pair_ends_and_a_new_one_starts(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_ledger(db_url)
    sync(engine, load_programme(make_programme(tmp_path / "p")), today=date(2026, 9, 1), now=NOW)

    # T2 leaves; C3 moves to HX and gets T1; V1's pair with C1 ends on 30 November
    carers = [row for row in CARERS if row[0] != "T2"]
    children = [[*row[:-1], "HX"] if row[0] == "C3" else row for row in CHILDREN]
    pairs = [row for row in PAIRS if row[0] != "T2" and row[0] != "V1"]
    pairs += [["T1", "C3", "2026-12-01", ""], ["V1", "C1", "2026-09-01", "2026-11-30"]]
    edited = load_programme(
        make_programme(tmp_path / "q", carers=carers, children=children, pairs=pairs)
    )
    report = sync(engine, edited, today=date(2026, 12, 1), now=NOW)
    assert report.left == {"carer": 1}
    assert report.changed == {"child": 1, "pair": 1}
    assert report.added == {"pair": 1} and report.closed_pairs == 1

    t2 = _rows(engine, "carer", id="T2")[0]
    assert t2["left_on"] == date(2026, 12, 1) and t2["name"] == "张老师"  # kept, not deleted
    assert _rows(engine, "child", id="C3")[0]["unit_id"] == "HX"
    old_pair = _rows(engine, "pair", carer_id="T2", child_id="C3")[0]
    assert old_pair["until"] == date(2026, 11, 30)  # closed the day before
    assert _rows(engine, "pair", carer_id="T1", child_id="C3")[0]["since"] == date(2026, 12, 1)
    assert _rows(engine, "pair", carer_id="V1")[0]["until"] == date(2026, 11, 30)

    changes = sorted(
        (c["entity"], c["entity_id"], c["field"], c["old"], c["new"])
        for c in _rows(engine, "change")
    )
    assert changes == [
        ("carer", "T2", "left_on", None, "2026-12-01"),
        ("child", "C3", "unit_id", "XC", "HX"),
        ("pair", "T2/C3/2026-09-01", "until", None, "2026-11-30"),
        ("pair", "V1/C1/2026-09-01", "until", None, "2026-11-30"),
    ]

    # T2 comes back: left_on cleared, and that is a change too
    back = load_programme(make_programme(tmp_path / "r", children=children, pairs=pairs))
    assert sync(engine, back, today=date(2026, 12, 5), now=NOW).changed == {"carer": 1}
    assert _rows(engine, "carer", id="T2")[0]["left_on"] is None
    engine.dispose()


def test_a_failed_sync_writes_nothing(db_url: str, tmp_path: Path) -> None:
    engine = open_ledger(db_url)
    loaded = load_programme(make_programme(tmp_path / "p"))
    # a pair naming a child the ledger does not have breaks the foreign key mid-sync
    from planner.followup.load import Pair

    broken = type(loaded)(
        programme=loaded.programme, folder=loaded.folder, roles=loaded.roles, carers=loaded.carers,
        children=loaded.children, pairs=(*loaded.pairs, Pair("T1", "C404", date(2026, 9, 1))),
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        sync(engine, broken, today=date(2026, 9, 1), now=NOW)
    assert _rows(engine, "carer") == [] and _rows(engine, "programme") == []
    engine.dispose()


def test_a_new_pair_overlapping_one_the_sheet_dropped_is_refused(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_ledger(db_url)
    sync(engine, load_programme(make_programme(tmp_path / "p")), today=date(2026, 9, 1), now=NOW)
    # C2 goes from T1 to T2 from 1 October, but T1's row is simply deleted on 1 December:
    # T1's pair would end on 30 November and overlap T2's
    pairs = [row for row in PAIRS if row[:2] != ["T1", "C2"]] + [["T2", "C2", "2026-10-01", ""]]
    edited = load_programme(make_programme(tmp_path / "q", pairs=pairs))
    with pytest.raises(InvalidInput) as info:
        sync(engine, edited, today=date(2026, 12, 1), now=NOW)
    assert info.value.lines("en") == [
        f"{edited.pairs_file}: child C2 would have two carers of role teacher on 2026-10-01: "
        "T1 (the ledger's pair since 2026-09-01) and T2; give the earlier pair its end date in the sheet"
    ]
    assert (
        _rows(engine, "pair", carer_id="T1", child_id="C2")[0]["until"] is None
    )  # nothing written
    # written as the sheet should say it, the change lands
    pairs.append(["T1", "C2", "2026-09-01", "2026-09-30"])
    fixed = load_programme(make_programme(tmp_path / "r", pairs=pairs))
    assert sync(engine, fixed, today=date(2026, 12, 1), now=NOW).changed == {"pair": 1}
    engine.dispose()


def test_a_child_who_joins_late_keeps_the_day_and_a_change_is_recorded(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_ledger(db_url)
    header = [*CHILDREN[0], "加入日期/joined"]
    children = [header, *([*row, ""] for row in CHILDREN[1:])]
    children[3][-1] = "2026-10-12"  # C3 transferred in
    loaded = load_programme(make_programme(tmp_path / "p", children=children))
    assert {c.id: c.joined_on for c in loaded.children} == {
        "C1": None,
        "C2": None,
        "C3": date(2026, 10, 12),
    }
    sync(engine, loaded, today=date(2026, 10, 12), now=NOW)
    assert _rows(engine, "child", id="C3")[0]["joined_on"] == date(2026, 10, 12)
    assert _rows(engine, "child", id="C1")[0]["joined_on"] is None
    # the date corrected in the sheet: a change like any other field
    children[3][-1] = "2026-10-08"
    report = sync(
        engine,
        load_programme(make_programme(tmp_path / "q", children=children)),
        today=date(2026, 10, 13),
        now=NOW,
    )
    assert report is not None and report.changed == {"child": 1}
    assert [(c["entity_id"], c["field"], c["old"], c["new"]) for c in _rows(engine, "change")] == [
        ("C3", "joined_on", "2026-10-12", "2026-10-08")
    ]
    # a joining day outside the programme is a problem of the sheet
    children[3][-1] = "2027-08-01"
    with pytest.raises(InvalidInput) as info:
        load_programme(make_programme(tmp_path / "r", children=children))
    line = info.value.lines("en")[0]
    assert line.endswith(
        "children.csv:4:加入日期/joined: joined on 2027-08-01, outside the programme (2026-09-01 to 2027-07-10)"
    )
    engine.dispose()
