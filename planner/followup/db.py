"""Where the ledger lives and how it is opened: SQLite beside programme.toml, or PostgreSQL.

:func:`ledger_url` picks the database (``--db``, then ``PLANNER_DB``, then
``ledger.sqlite3`` beside programme.toml); :func:`open_ledger` opens it and
upgrades its schema in place with the Alembic migrations shipped inside this
package, so a ledger written by an older version opens in a newer one.

SQLite: the file is created readable by its owner only (0600) before the
first connection, runs in WAL mode (synchronous NORMAL) with a 30 s busy timeout. Write
transactions (opened with :func:`writing`: sync, import, log, solve, migrations)
start with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way
(SQLAlchemy's documented pysqlite recipe); every other transaction is a plain
deferred ``BEGIN``, so in WAL mode readers (due, report, sheets, remind) never
wait behind a writer.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from planner.errors import InvalidInput, Problem

__all__ = ["DB_ENV", "LEDGER_FILE", "ledger_url", "masked", "open_ledger", "upgrade", "writing"]

DB_ENV = "PLANNER_DB"
LEDGER_FILE = "ledger.sqlite3"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).parent / "migrations"
#: Any number, the same in every process: the PostgreSQL lock held while migrating.
_MIGRATION_LOCK = 0x706C616E
#: The execution option that marks a write transaction (SQLite: ``BEGIN IMMEDIATE``).
WRITE_OPTION = "planner_write"


def writing(engine: Engine) -> AbstractContextManager[Connection]:
    """A write transaction: like ``engine.begin()``, but on SQLite it takes the write lock
    at once (``BEGIN IMMEDIATE``), so writers queue instead of failing half-way.

    Reads use ``engine.connect()`` (or ``engine.begin()``) and begin deferred.
    """
    return engine.execution_options(**{WRITE_OPTION: True}).begin()


def ledger_url(programme_dir: Path, db: str | None) -> str:
    """The ledger's URL: the ``--db`` flag, else ``$PLANNER_DB``, else the SQLite file.

    >>> ledger_url(Path("/srv/care"), "postgresql://ledger.example/care")
    'postgresql://ledger.example/care'
    """
    if db:
        return db
    env = os.environ.get(DB_ENV)
    if env:
        return env
    folder = Path(programme_dir)
    if folder.suffix == ".toml" and not folder.is_dir():
        folder = folder.parent
    return f"sqlite:///{(folder / LEDGER_FILE).absolute()}"


def masked(url: str) -> str:
    """The URL as it may be shown: the password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def _bad_url(url: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput([Problem(masked(url), None, None, zh, en)])


def open_ledger(url: str, *, migrate: bool = True) -> Engine:
    """Open (creating if needed) the ledger at ``url`` and upgrade it to the newest schema.

    Raises :class:`InvalidInput` naming the URL (password masked) when the
    URL is of an unknown kind or the server cannot be reached.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise _bad_url(url, "不是数据库地址(应如 sqlite:///ledger.sqlite3 或 postgresql://…)",
                       "not a database URL (expected sqlite:///... or postgresql://...)") from None  # fmt: skip
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(url, parsed)
    elif backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            engine = create_engine(parsed, connect_args={"connect_timeout": 10})
        except (NoSuchModuleError, ArgumentError) as exc:
            raise _bad_url(
                url, f"无法使用这个数据库驱动:{exc}", f"unusable database driver: {exc}"
            ) from None
    else:
        raise _bad_url(url, f"不支持的数据库类型「{backend}」(只支持 SQLite 和 PostgreSQL)",
                       f"unsupported database {backend!r} (SQLite or PostgreSQL only)")  # fmt: skip
    try:
        if migrate:
            upgrade(engine)
        else:
            with engine.connect():
                pass
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        engine.dispose()
        reason = (
            str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0]
            if str(exc)
            else type(exc).__name__
        )
        raise _bad_url(
            url, f"无法打开数据库:{reason}", f"cannot open the database: {reason}"
        ) from None
    return engine


def _sqlite_engine(url: str, parsed: URL) -> Engine:
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise _bad_url(
                url, f"无法创建数据库文件:{exc}", f"cannot create the database file: {exc}"
            ) from None
    engine = create_engine(parsed)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite must not emit its own BEGIN: ours (below) is BEGIN IMMEDIATE for writes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL keeps the file consistent through a crash or power cut
        # (a power cut may lose the last commits, which an idempotent import redoes)
        # and spares an fsync per transaction, i.e. per imported sheet.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction.

    On SQLite a migration may rebuild a table that others refer to (its way
    to change a constraint), which foreign keys checked row by row forbid;
    they are switched off for this one connection (outside any transaction,
    the only place SQLite takes it), checked all at once before the commit
    when a migration ran, and switched back on.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = _alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw: Any = conn.connection.dbapi_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
                before = MigrationContext.configure(conn).get_current_revision()
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                ran = MigrationContext.configure(conn).get_current_revision() != before
                if sqlite and ran:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise SQLAlchemyError(f"foreign keys broken by the upgrade: {broken[:5]}")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")


def current_revision(engine: Engine) -> str | None:
    """The schema revision the ledger is at (None: empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
