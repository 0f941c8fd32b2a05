"""The ledger's schema: the migrations build exactly ``schema.metadata``, and a
ledger made by the previous version opens in this one with every row kept."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import IntegrityError

from planner.errors import InvalidInput
from planner.followup import schema
from planner.followup.db import current_revision, ledger_url, open_ledger, upgrade, writing

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
HEAD = "0005"


def test_head_builds_exactly_the_schema(db_url: str) -> None:
    engine = open_ledger(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_opening_twice_changes_nothing(db_url: str) -> None:
    open_ledger(db_url).dispose()
    engine = open_ledger(db_url)
    assert current_revision(engine) == HEAD
    engine.dispose()


def _record(i: int, problems: str | None, solved: bool | None, reported: bool) -> dict:
    return dict(
        programme_id="p", carer_id="T1", child_id="C1", kind="visit", on=date(2026, 9, i),
        for_period=None, done=f"家访 {i}", problems=problems, solved=solved, reported=reported,
        source="old.xlsx", entered_at=NOW, fingerprint=f"{i:064d}",
    )  # fmt: skip


def _old_ledger(db_url: str, revision: str, organiser: str | None = None) -> Engine:
    """A ledger built only up to ``revision``, holding programme "p"."""
    old = open_ledger(db_url, migrate=False)
    upgrade(old, revision)
    with old.begin() as conn:
        conn.execute(schema.programme.insert(), [dict(
            id="p", name="关爱", organiser=organiser, timezone="Asia/Shanghai",
            start=date(2026, 9, 1), end=date(2027, 7, 10), synced_at=NOW)])  # fmt: skip
    return old


def test_a_ledger_of_the_first_version_upgrades_with_its_data(db_url: str) -> None:
    old = _old_ledger(db_url, "0001", organiser="红星小学")
    assert current_revision(old) == "0001"
    with old.begin() as conn:
        conn.execute(
            schema.carer.insert(), [dict(programme_id="p", id="T1", name="李老师", role="teacher")]
        )
        conn.execute(schema.child.insert(), [dict(programme_id="p", id="C1", name="王小明")])
        conn.execute(
            schema.pair.insert(),
            [dict(programme_id="p", carer_id="T1", child_id="C1", since=date(2026, 9, 1))],
        )
        conn.execute(
            schema.record.insert(),
            [
                _record(2, "作业没人辅导", True, False),
                _record(3, "  ", None, False),
                _record(4, None, None, False),
                _record(5, "奶奶生病", False, True),
            ],
        )
    old.dispose()

    engine = open_ledger(db_url)
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        for table, count in (
            ("programme", 1),
            ("carer", 1),
            ("child", 1),
            ("pair", 1),
            ("record", 4),
        ):
            assert (
                conn.execute(
                    select(func.count()).select_from(schema.metadata.tables[table])
                ).scalar()
                == count
            )
        rows = (
            conn.execute(
                select(schema.problem, schema.record.c.on.label("record_on"))
                .join(schema.record, schema.record.c.id == schema.problem.c.record_id)
                .order_by(schema.problem.c.found_on)
            )
            .mappings()
            .all()
        )
        assert [r["text"] for r in rows] == ["作业没人辅导", "奶奶生病"]
        first, second = rows
        assert first["found_on"] == first["record_on"] == date(2026, 9, 2)
        assert first["solved_on"] == date(2026, 9, 2) and first["reported_on"] is None
        assert second["solved_on"] is None and second["reported_on"] == date(2026, 9, 5)
        assert {r["child_id"] for r in rows} == {"C1"} and {r["carer_id"] for r in rows} == {"T1"}
        # 0003: a child of an old ledger joined at the programme's start
        assert conn.execute(select(schema.child.c.joined_on)).scalar_one() is None
        # the records keep their own text
        assert (
            conn.execute(
                select(schema.record.c.problems).where(schema.record.c.fingerprint == f"{2:064d}")
            ).scalar()
            == "作业没人辅导"
        )
    engine.dispose()


def test_a_ledger_of_the_second_version_upgrades_with_its_children(db_url: str) -> None:
    old = _old_ledger(db_url, "0002")
    with old.begin() as conn:
        conn.execute(
            schema.child.insert(),
            [dict(programme_id="p", id=f"C{i}", name=f"孩子{i}") for i in (1, 2)],
        )
    old.dispose()
    engine = open_ledger(db_url)
    assert current_revision(engine) == HEAD
    with engine.begin() as conn:
        assert conn.execute(select(schema.child.c.id, schema.child.c.joined_on)).all() == [
            ("C1", None),
            ("C2", None),
        ]
        conn.execute(
            schema.child.update()
            .where(schema.child.c.id == "C2")
            .values(joined_on=date(2026, 10, 8))
        )
        assert conn.execute(
            select(schema.child.c.joined_on).where(schema.child.c.id == "C2")
        ).scalar_one() == date(2026, 10, 8)
    engine.dispose()


def test_a_ledger_of_the_third_version_keeps_its_records_under_the_new_key(db_url: str) -> None:
    old = _old_ledger(db_url, "0003")
    with old.begin() as conn:
        conn.execute(
            schema.carer.insert(),
            [dict(programme_id="p", id=t, name=t, role="teacher") for t in ("T1", "T2")],
        )
        conn.execute(schema.child.insert(), [dict(programme_id="p", id="C1", name="王小明")])
        conn.execute(schema.record.insert(), [_record(i, "屋顶漏雨", None, True) for i in (2, 3)])
        ids = conn.execute(select(schema.record.c.id).order_by(schema.record.c.id)).scalars().all()
        conn.execute(schema.problem.insert(), [dict(
            programme_id="p", record_id=i, child_id="C1", carer_id="T1", found_on=date(2026, 9, 2),
            text="屋顶漏雨") for i in ids])  # fmt: skip
    old.dispose()

    engine = open_ledger(db_url)
    assert current_revision(engine) == HEAD
    with engine.begin() as conn:
        assert (
            conn.execute(select(schema.record.c.id).order_by(schema.record.c.id)).scalars().all()
            == ids
        )
        assert conn.execute(select(schema.problem.c.record_id).order_by(schema.problem.c.record_id)).scalars().all() == ids  # fmt: skip
        # the same fingerprint under another carer is another record; under the same carer, refused
        conn.execute(schema.record.insert(), [dict(_record(2, None, None, False), carer_id="T2")])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(schema.record.insert(), [_record(2, None, None, False)])
    # foreign keys are enforced again once the upgrade is done
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(schema.problem.insert(), [dict(
            programme_id="p", record_id=10_000, child_id="C1", carer_id="T1",
            found_on=date(2026, 9, 2), text="?")])  # fmt: skip
    engine.dispose()


def test_a_new_sqlite_ledger_is_private_and_queues_its_writers(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "ledger.sqlite3"
    engine = open_ledger(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with writing(engine) as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 30_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert statements[0] == "BEGIN IMMEDIATE"
    # reads begin deferred: in WAL mode they never wait behind a writer
    statements.clear()
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    assert statements[0] == "BEGIN"
    engine.dispose()


def test_the_ledger_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANNER_DB", raising=False)
    assert ledger_url(tmp_path, None) == f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    assert ledger_url(tmp_path / "programme.toml", None) == ledger_url(tmp_path, None)
    monkeypatch.setenv("PLANNER_DB", "postgresql://county/care")
    assert ledger_url(tmp_path, None) == "postgresql://county/care"
    assert ledger_url(tmp_path, "sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"
    with pytest.raises(InvalidInput) as info:
        open_ledger("postgresql://ann:s3cret@127.0.0.1:1/care")
    (line,) = info.value.lines("en")
    assert line.startswith("postgresql://ann:***@127.0.0.1:1/care: cannot open the database")
    assert "s3cret" not in line
