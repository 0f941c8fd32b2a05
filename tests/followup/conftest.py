"""Ledger fixtures: every ledger test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``PLANNER_TEST_PG_URL`` (an admin URL such as
``postgresql+psycopg://postgres@127.0.0.1:54329/postgres``), which
``.ci/run`` sets after starting Debian's server on a private port. Each test
gets a new, empty database on it. Without that variable the PostgreSQL
variants are skipped, saying why.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

import pytest

PG_ENV = "PLANNER_TEST_PG_URL"


def _pg_database(admin_url: str) -> Iterator[str]:
    from followup.ledger_helpers import pg_database

    with ExitStack() as stack:
        try:
            url = stack.enter_context(pg_database(admin_url, "planner_test"))
        except Exception as exc:  # the server is set but cannot be reached
            pytest.skip(f"PostgreSQL at {PG_ENV} cannot be used: {exc}")
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty ledger database: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
        return
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(
            f"no PostgreSQL server: set {PG_ENV} to an admin URL "
            "(.ci/run installs Debian's postgresql and starts one on a private port)"
        )
    yield from _pg_database(admin_url)


# ---------------------------------------------------------------- many processes, one ledger
# For the concurrency and kill tests: a programme with many children, big
# record sheets, the real command in its own process, and a dump of every
# table to compare a ledger before and after.

PROGRAMME_ID = "proc-care"
BUSY_TOML = f"""\
[programme]
id = "{PROGRAMME_ID}"
name = "并发测试"
start = 2026-02-24
end = 2026-07-10

[[terms]]
id = "2026春"
start = 2026-02-24
end = 2026-07-10

[[units]]
id = "U1"
name = "一小"

[[duties]]
id = "visit"
who = "teacher"
what = "visit"
every = "term"

[[duties]]
id = "contact"
who = "teacher"
what = "contact"
every = "month"
"""


def _children_of(carer: int, per_carer: int) -> list[str]:
    return [f"C{carer}-{k:04d}" for k in range(per_carer)]


@pytest.fixture
def busy_programme(tmp_path: Path) -> Callable[[int, int], Path]:
    """``make(carers, per_carer)``: a programme folder, teachers T1.. each with their own children."""

    def make(carers: int, per_carer: int) -> Path:
        folder = tmp_path / "programme"
        folder.mkdir()
        (folder / "programme.toml").write_text(BUSY_TOML, encoding="utf-8")
        rows = {
            "carers": [["编号", "姓名", "角色", "单位"]]
            + [[f"T{t}", f"教师{t}", "teacher", "U1"] for t in range(1, carers + 1)],
            "children": [["编号", "姓名", "性别", "单位"]]
            + [
                [c, f"儿童{c}", "女", "U1"]
                for t in range(1, carers + 1)
                for c in _children_of(t, per_carer)
            ],
            "pairs": [["结对人编号", "儿童编号", "开始"]]
            + [
                [f"T{t}", c, "2026-02-24"]
                for t in range(1, carers + 1)
                for c in _children_of(t, per_carer)
            ],
        }
        for name, table in rows.items():
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerows(table)
        return folder

    return make


def contact_rows(carer: int, per_carer: int, per_child: int) -> list[list[object]]:
    """``per_child`` contacts per child, one a day from the programme's start."""
    start = date(2026, 2, 24)
    return [
        [child, "联系", (start + timedelta(days=d)).isoformat(), f"电话联系{d}"]
        for child in _children_of(carer, per_carer)
        for d in range(per_child)
    ]


def write_record_sheet(path: Path, carer_id: str, rows: list[list[object]]) -> Path:
    """A filled record sheet, as import reads it (tabs named as ``planner followup sheets`` names them)."""
    from openpyxl import Workbook

    from planner.followup.intake import (
        ABOUT_CARER,
        ABOUT_PROGRAMME,
        ABOUT_SHEET,
        RECORD_COLUMNS,
        RECORDS_SHEET,
    )

    book = Workbook(write_only=True)
    records = book.create_sheet(RECORDS_SHEET)
    records.append([col.label for col in RECORD_COLUMNS])
    for row in rows:
        records.append(row)
    about = book.create_sheet(ABOUT_SHEET)
    about.append([ABOUT_PROGRAMME, PROGRAMME_ID])
    about.append([ABOUT_CARER, carer_id])
    book.save(path)
    return path


@pytest.fixture(name="write_record_sheet", scope="session")
def _write_record_sheet() -> Callable[[Path, str, list[list[object]]], Path]:
    return write_record_sheet


@pytest.fixture(name="contact_rows", scope="session")
def _contact_rows() -> Callable[..., list[list[object]]]:
    return contact_rows


def planner_command(*args: str | Path) -> list[str]:
    """The ``planner`` command, as a user runs it, from this interpreter's environment."""
    return [sys.executable, "-c", "from planner.cli import main; main()", *map(str, args)]


@pytest.fixture(name="planner_command", scope="session")
def _planner_command() -> Callable[..., list[str]]:
    return planner_command


def dump_ledger(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every ledger table, sorted: equal dumps mean equal ledgers."""
    from sqlalchemy import create_engine, select

    from planner.followup import schema

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for table in schema.metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture(name="dump_ledger", scope="session")
def _dump_ledger() -> Callable[[str], dict[str, list[tuple[object, ...]]]]:
    return dump_ledger
