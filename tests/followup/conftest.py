"""Ledger fixtures: every ledger test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``PLANNER_TEST_PG_URL`` (an admin URL such as
``postgresql+psycopg://postgres@127.0.0.1:54329/postgres``), which
``.ci/run`` sets after starting Debian's server on a private port. Each test
gets a new, empty database on it. Without that variable the PostgreSQL
variants are skipped, saying why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "PLANNER_TEST_PG_URL"


def _pg_database(admin_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"planner_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is set but cannot be reached
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_ENV} cannot be used: {exc}")
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
