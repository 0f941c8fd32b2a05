"""Alembic environment: migrations run on the connection ``open_ledger`` passes in.

Importing this file outside Alembic (doctest collection, say) does nothing.
"""

from __future__ import annotations

from alembic import context

from planner.followup.schema import metadata


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run the ledger migrations through planner.followup.db.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


try:
    context.config  # noqa: B018 - set only while Alembic runs this file
except (NameError, AttributeError):
    pass
else:
    _run()
