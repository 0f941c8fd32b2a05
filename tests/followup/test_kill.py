"""An import killed half-way (SIGKILL: a power cut, a closed laptop) leaves the ledger as it was.

A 50,000-row record sheet goes in as one transaction. The test waits until
that transaction is under way (SQLite: the write lock is held; PostgreSQL:
the importing session has an open transaction), lets it run a little longer
each round, kills the process without warning, and compares a dump of every
table with the dump taken before. At the end the same sheet imports whole,
so nothing was left locked or half-written.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from planner.followup import schema

CHILDREN, PER_CHILD = 500, 100  # 50,000 records in one sheet
#: How long the import's transaction runs before it is killed, one round each,
#: until a round finishes first (that round is the import that goes in whole).
KILL_AFTER = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def big_sheet(
    tmp_path_factory: pytest.TempPathFactory,
    write_record_sheet: Callable[..., Path],
    contact_rows: Callable[..., list[list[object]]],
) -> Path:
    path = tmp_path_factory.mktemp("big") / "T1.xlsx"
    return write_record_sheet(path, "T1", contact_rows(1, CHILDREN, PER_CHILD))


class WriteWatch:
    """How long the ledger's current write transaction has been open (None: there is none)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.since: float | None = None
        if url.startswith("sqlite"):
            database = make_url(url).database
            assert database
            self.lite = sqlite3.connect(database, timeout=0, isolation_level=None)
        else:
            self.engine = create_engine(url, isolation_level="AUTOCOMMIT")

    def age(self) -> float | None:
        if not hasattr(self, "lite"):
            with self.engine.connect() as conn:
                return conn.execute(
                    text(
                        "SELECT max(extract(epoch FROM clock_timestamp() - xact_start)) "
                        "FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
                    )
                ).scalar()
        try:
            self.lite.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # another process holds the write lock
            assert "locked" in str(exc)
            now = time.monotonic()
            self.since = self.since or now
            return now - self.since
        self.lite.execute("ROLLBACK")
        self.since = None
        return None

    def close(self) -> None:
        if hasattr(self, "lite"):
            self.lite.close()
        else:
            self.engine.dispose()


def _count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(schema.record)).scalar_one()
    finally:
        engine.dispose()


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def test_an_import_killed_mid_transaction_leaves_the_ledger_as_it_was(
    db_url: str,
    big_sheet: Path,
    tmp_path: Path,
    busy_programme: Callable[[int, int], Path],
    write_record_sheet: Callable[..., Path],
    contact_rows: Callable[..., list[list[object]]],
    planner_command: Callable[..., list[str]],
    dump_ledger: Callable[[str], dict[str, list[tuple[object, ...]]]],
) -> None:
    folder = busy_programme(2, CHILDREN)
    _run(planner_command("followup", "sync", folder, "--db", db_url))
    # a ledger with some history already: another teacher's records and a problem
    small = contact_rows(2, 20, 3)
    small[0] = [*small[0], "监护人生病", "否", "是"]
    _run(planner_command("followup", "import", folder,
                         write_record_sheet(tmp_path / "T2.xlsx", "T2", small), "--db", db_url))  # fmt: skip
    before = dump_ledger(db_url)
    assert len(before["record"]) == 60 and len(before["problem"]) == 1

    killed: list[float] = []
    longest = 0.0  # how long the transaction of the round that finished ran
    for after in KILL_AFTER:
        code, longest = _import_killed_after(
            planner_command("followup", "import", folder, big_sheet, "--db", db_url), db_url, after
        )
        if code == 0:  # finished before the kill: the sheet is in, whole
            break
        assert code == -signal.SIGKILL
        assert dump_ledger(db_url) == before, f"killed {after} s into the transaction"
        killed.append(after)
    else:  # every round was killed: import it once more, to the end
        code, longest = _import_killed_after(
            planner_command("followup", "import", folder, big_sheet, "--db", db_url), db_url, None
        )
        assert code == 0
    # each round waits twice as long as the one before, so the last kill landed
    # past half of the transaction that finished (``longest``)
    assert len(killed) >= 3, f"only {len(killed)} kill(s) landed inside the transaction: {killed}"
    assert longest > 0
    # nothing was left locked or half-written: the same sheet imported whole
    assert _count(db_url) == len(before["record"]) + CHILDREN * PER_CHILD


def _import_killed_after(cmd: list[str], url: str, after: float | None) -> tuple[int, float]:
    """Run ``cmd``; SIGKILL it once its write transaction is ``after`` seconds old.

    Returns its exit code (negative: killed by that signal) and the age its
    transaction reached.
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watch = WriteWatch(url)
    oldest = 0.0
    try:
        while proc.poll() is None:
            age = watch.age()
            if age is not None:
                oldest = max(oldest, age)
                if after is not None and age >= after:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            time.sleep(0.01)
        _, stderr = proc.communicate(timeout=600)
    finally:
        watch.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode in (0, -signal.SIGKILL), stderr
    return proc.returncode, oldest
