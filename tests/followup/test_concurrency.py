"""Two ``planner followup import`` processes at once lose nothing and never fail on a lock.

Two teachers (or a teacher and the coordinator) import at the same moment:
on SQLite the second writer must queue behind the first (BEGIN IMMEDIATE and
a busy timeout), on PostgreSQL the upserts must not collide. Whatever the
order, the ledger ends with exactly the union of the sheets.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from planner.followup import schema

CARERS, PER_CARER, PER_CHILD = 3, 40, 30  # 1,200 records per sheet


def _counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            records = conn.execute(select(func.count()).select_from(schema.record)).scalar_one()
            problems = conn.execute(select(func.count()).select_from(schema.problem)).scalar_one()
    finally:
        engine.dispose()
    return records, problems


def _at_once(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command before waiting for any."""
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for cmd in commands
    ]
    out = []
    for cmd, proc in zip(commands, procs, strict=True):
        stdout, stderr = proc.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr))
    return out


def _assert_clean(runs: list[subprocess.CompletedProcess[str]]) -> None:
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "locked" not in run.stderr.lower(), run.stderr
        assert "Traceback" not in run.stderr, run.stderr


@pytest.fixture
def sheets(
    busy_programme: Callable[[int, int], Path],
    write_record_sheet: Callable[..., Path],
    contact_rows: Callable[..., list[list[object]]],
    tmp_path: Path,
) -> tuple[Path, list[Path]]:
    folder = busy_programme(CARERS, PER_CARER)
    paths = []
    for t in range(1, CARERS + 1):
        rows = contact_rows(t, PER_CARER, PER_CHILD)
        rows[0] = [*rows[0], "没交作业", "否", "是"]  # one problem per sheet, reported upward
        paths.append(write_record_sheet(tmp_path / f"T{t}.xlsx", f"T{t}", rows))
    return folder, paths


def _sync(planner_command: Callable[..., list[str]], folder: Path, url: str) -> None:
    done = subprocess.run(
        planner_command("followup", "sync", folder, "--db", url),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_two_imports_of_different_sheets_at_once_keep_both(
    db_url: str, sheets: tuple[Path, list[Path]], planner_command: Callable[..., list[str]]
) -> None:
    folder, (t1, t2, _) = sheets
    _sync(planner_command, folder, db_url)
    runs = _at_once(
        [planner_command("followup", "import", folder, path, "--db", db_url) for path in (t1, t2)]
    )
    _assert_clean(runs)
    assert _counts(db_url) == (2 * PER_CARER * PER_CHILD, 2)


def test_two_imports_of_the_same_sheet_at_once_add_it_once(
    db_url: str, sheets: tuple[Path, list[Path]], planner_command: Callable[..., list[str]]
) -> None:
    folder, (t1, _, _) = sheets
    _sync(planner_command, folder, db_url)
    runs = _at_once(
        [planner_command("followup", "import", folder, t1, "--db", db_url) for _ in range(2)]
    )
    _assert_clean(runs)
    assert _counts(db_url) == (PER_CARER * PER_CHILD, 1)


def test_imports_racing_on_a_new_ledger_migrate_and_sync_it_once(
    db_url: str, sheets: tuple[Path, list[Path]], planner_command: Callable[..., list[str]]
) -> None:
    """The very first use: nobody has created the tables or synced the people yet.

    Each process migrates and syncs on first use; on PostgreSQL these once
    collided on the programme's row (UniqueViolation, exit 1).
    """
    folder, paths = sheets
    runs = _at_once(
        [planner_command("followup", "import", folder, path, "--db", db_url) for path in paths]
    )
    _assert_clean(runs)
    assert _counts(db_url) == (CARERS * PER_CARER * PER_CHILD, CARERS)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            pairs = conn.execute(select(func.count()).select_from(schema.pair)).scalar_one()
            changes = conn.execute(select(func.count()).select_from(schema.change)).scalar_one()
    finally:
        engine.dispose()
    assert pairs == CARERS * PER_CARER
    assert changes == 0  # synced once, not once per process
