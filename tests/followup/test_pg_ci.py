"""In CI the PostgreSQL variants must run, not skip.

Every ledger test skips its PostgreSQL variant when no server is named, which
is right on a laptop and wrong in CI: a broken ``.ci/run`` would then pass
with half the suite unrun. So when ``CI`` is set, the server must be named
and answer.
"""

from __future__ import annotations

import os

import pytest

PG_ENV = "PLANNER_TEST_PG_URL"  # as in conftest.py


@pytest.mark.skipif(not os.environ.get("CI"), reason="only in CI (CI is not set)")
def test_ci_names_a_postgresql_server_that_answers() -> None:
    from sqlalchemy import create_engine, text

    url = os.environ.get(PG_ENV)
    assert url, f"CI is set but {PG_ENV} is not: .ci/run failed to start PostgreSQL"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
            can_create = conn.execute(
                text("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar_one()
    finally:
        engine.dispose()
    assert can_create, f"the role at {PG_ENV} cannot create the per-test databases"
