"""SQLite: only writes take the write lock at once; readers never wait behind a writer."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from followup.ledger_helpers import make_programme
from sqlalchemy import func, select

from planner.followup import schema
from planner.followup.db import open_ledger, writing
from planner.followup.due import compute_due
from planner.followup.load import load_programme
from planner.followup.sync import sync

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_reads_do_not_wait_for_an_open_write_transaction(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    writer = open_ledger(url)
    loaded = load_programme(make_programme(tmp_path / "p"))
    sync(writer, loaded, today=date(2026, 9, 1), now=NOW)
    reader = open_ledger(url)
    try:
        with writing(writer) as conn:
            # the write lock is held (BEGIN IMMEDIATE) and a write is pending
            conn.execute(schema.change.delete().where(schema.change.c.programme_id == "no-such"))
            started = time.monotonic()
            with reader.connect() as rconn:
                count = rconn.execute(select(func.count()).select_from(schema.child)).scalar_one()
            due = compute_due(reader, loaded.programme, date(2026, 10, 1))
            took = time.monotonic() - started
        assert count == 3
        assert due is not None
        assert took < 5, f"reads waited {took:.1f} s behind the writer"
    finally:
        reader.dispose()
        writer.dispose()


def test_a_second_writer_queues_behind_the_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    first = open_ledger(url)
    other = sqlite3.connect(tmp_path / "ledger.sqlite3", timeout=0.1, isolation_level=None)
    try:
        # the write lock is taken at BEGIN, before any statement
        with writing(first), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        first.dispose()
