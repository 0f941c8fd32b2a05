"""Apply the edited programme sheets to the ledger, keeping every bit of history.

New people are inserted; a changed field is updated and the change written to
``change`` (old, new, when); a carer or child gone from the sheet is never
deleted but marked ``left_on`` today; a pair (keyed by carer, child, since)
gone from the sheet is closed the day before, a pair's new ``until`` is
recorded. The whole sync is one transaction: it lands entirely or not at all.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from msgspec import Struct, field
from msgspec.structs import asdict
from sqlalchemy import Connection, Engine, Table, and_, select, text, update

from planner.errors import InvalidInput, Problem
from planner.followup import schema
from planner.followup.db import writing
from planner.followup.load import Carer, Child, LoadedProgramme, Pair
from planner.followup.model import Programme

__all__ = ["SyncReport", "is_synced", "sync"]


class SyncReport(Struct):
    """What one sync changed, counted per kind of row."""

    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    left: dict[str, int] = field(default_factory=dict)
    closed_pairs: int = 0

    def count(self, bucket: dict[str, int], entity: str) -> None:
        bucket[entity] = bucket.get(entity, 0) + 1

    def as_json(self) -> dict[str, Any]:
        return {
            "added": dict(sorted(self.added.items())),
            "changed": dict(sorted(self.changed.items())),
            "left": dict(sorted(self.left.items())),
            "closed_pairs": self.closed_pairs,
        }


def is_synced(engine: Engine, programme_id: str) -> bool:
    """Has this programme ever been synced into the ledger?"""
    with engine.connect() as conn:
        return _synced(conn, programme_id)


def sync(
    engine: Engine,
    loaded: LoadedProgramme,
    *,
    today: date | None = None,
    now: datetime | None = None,
    first_use: bool = False,
) -> SyncReport | None:
    """Bring the ledger in line with ``loaded`` (one transaction).

    Syncs of one programme queue behind each other (SQLite: ``BEGIN
    IMMEDIATE``; PostgreSQL: a transaction-level advisory lock). With
    ``first_use`` the sync happens only if no one has synced the programme
    yet, checked under that lock, and None says someone else did.
    """
    now = now or datetime.now(UTC)
    today = today or loaded.programme.today(now)
    report = SyncReport()
    pid = loaded.programme.id
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(pid)})
        if first_use and _synced(conn, pid):
            return None
        _Sync(conn, loaded.programme, today, now, report).run(loaded)
    return report


def _lock_key(programme_id: str) -> int:
    """A signed 64-bit number naming the programme, for PostgreSQL's advisory locks."""
    digest = hashlib.sha256(f"planner-sync:{programme_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _synced(conn: Connection, programme_id: str) -> bool:
    return (
        conn.execute(
            select(schema.programme.c.synced_at).where(schema.programme.c.id == programme_id)
        ).scalar()
        is not None
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class _Sync:
    def __init__(
        self, conn: Connection, programme: Programme, today: date, now: datetime, report: SyncReport
    ) -> None:
        self.conn = conn
        self.programme = programme
        self.pid = programme.id
        self.today = today
        self.now = now
        self.report = report
        self.changes: list[dict[str, Any]] = []

    def run(self, loaded: LoadedProgramme) -> None:
        self.programme_row()
        self.people(
            schema.unit, "unit", {u.id: {"name": u.name} for u in self.programme.units}, leave=False
        )
        self.people(schema.carer, "carer", _rows(loaded.carers), leave=True)
        self.people(schema.child, "child", _rows(loaded.children), leave=True)
        self.pairs(loaded.pairs)
        clashes = self.overlaps(loaded)
        if clashes:
            raise InvalidInput(clashes)
        if self.changes:
            self.conn.execute(schema.change.insert(), self.changes)

    def overlaps(self, loaded: LoadedProgramme) -> list[Problem]:
        """One carer of a role per child and day, over the whole history the ledger keeps.

        The sheet alone may be consistent while a pair it no longer lists
        (closed yesterday by this sync) still overlaps a new one.
        """
        p, c = schema.pair, schema.carer
        rows = self.conn.execute(
            select(p.c.carer_id, p.c.child_id, p.c.since, p.c.until, c.c.role)
            .join(c, and_(c.c.programme_id == p.c.programme_id, c.c.id == p.c.carer_id))
            .where(p.c.programme_id == self.pid)
            .order_by(p.c.child_id, c.c.role, p.c.since, p.c.carer_id)
        ).all()
        shown = loaded.pairs_file
        out = []
        for a, b in itertools.pairwise(rows):
            if (a.child_id, a.role) != (b.child_id, b.role):
                continue
            if a.until is None or b.since <= a.until:
                out.append(Problem(
                    shown, None, None,
                    f"儿童 {b.child_id} 在 {b.since} 同时有两名{b.role}:{a.carer_id}(台账里自 {a.since} 起的结对)"
                    f"和 {b.carer_id};请在表格里写明前一个结对的结束日期",
                    f"child {b.child_id} would have two carers of role {b.role} on {b.since}: "
                    f"{a.carer_id} (the ledger's pair since {a.since}) and {b.carer_id}; "
                    "give the earlier pair its end date in the sheet",
                ))  # fmt: skip
        return out

    def note(self, entity: str, entity_id: str, name: str, old: object, new: object) -> None:
        self.changes.append(
            dict(programme_id=self.pid, at=self.now, entity=entity, entity_id=entity_id,
                 field=name, old=_text(old), new=_text(new))
        )  # fmt: skip

    def programme_row(self) -> None:
        p = self.programme
        wanted = dict(
            name=p.name, organiser=p.organiser, timezone=p.timezone, start=p.start, end=p.end
        )
        table = schema.programme
        row = self.conn.execute(select(table).where(table.c.id == self.pid)).mappings().first()
        if row is None:
            self.conn.execute(table.insert().values(id=self.pid, synced_at=self.now, **wanted))
            self.report.count(self.report.added, "programme")
            return
        diff = {k: v for k, v in wanted.items() if row[k] != v}
        for k, v in diff.items():
            self.note("programme", self.pid, k, row[k], v)
        if diff:
            self.report.count(self.report.changed, "programme")
        self.conn.execute(
            update(table).where(table.c.id == self.pid).values(synced_at=self.now, **diff)
        )

    def people(
        self, table: Table, entity: str, wanted: Mapping[str, dict[str, Any]], *, leave: bool
    ) -> None:
        """Insert the new, update the changed (a change row per field), mark the gone."""
        existing = {
            row["id"]: row
            for row in self.conn.execute(
                select(table).where(table.c.programme_id == self.pid)
            ).mappings()
        }
        new = [
            {"programme_id": self.pid, "id": pid, **fields}
            for pid, fields in sorted(wanted.items())
            if pid not in existing
        ]
        if new:
            self.conn.execute(table.insert(), new)
            self.report.added[entity] = self.report.added.get(entity, 0) + len(new)
        for pid, fields in sorted(wanted.items()):
            row = existing.get(pid)
            if row is None:
                continue
            diff = {k: v for k, v in fields.items() if row[k] != v}
            if leave and row["left_on"] is not None:
                diff["left_on"] = None  # back in the sheet: back in the programme
            if not diff:
                continue
            for k, v in diff.items():
                self.note(entity, pid, k, row[k], v)
            self.conn.execute(
                update(table)
                .where(table.c.programme_id == self.pid, table.c.id == pid)
                .values(**diff)
            )
            self.report.count(self.report.changed, entity)
        if not leave:
            return
        for pid, row in sorted(existing.items()):
            if pid in wanted or row["left_on"] is not None:
                continue
            self.note(entity, pid, "left_on", None, self.today)
            self.conn.execute(
                update(table)
                .where(table.c.programme_id == self.pid, table.c.id == pid)
                .values(left_on=self.today)
            )
            self.report.count(self.report.left, entity)

    def pairs(self, pairs: Iterable[Pair]) -> None:
        table = schema.pair
        existing = {
            (row["carer_id"], row["child_id"], row["since"]): row["until"]
            for row in self.conn.execute(
                select(table).where(table.c.programme_id == self.pid)
            ).mappings()
        }
        wanted = {(p.carer_id, p.child_id, p.since): p.until for p in pairs}
        new = [
            dict(programme_id=self.pid, carer_id=k[0], child_id=k[1], since=k[2], until=until)
            for k, until in sorted(wanted.items())
            if k not in existing
        ]
        if new:
            self.conn.execute(table.insert(), new)
            self.report.added["pair"] = self.report.added.get("pair", 0) + len(new)
        yesterday = self.today - timedelta(days=1)
        for key, until in sorted(existing.items()):
            if key in wanted:
                target = wanted[key]
            elif until is None or until > yesterday:
                target = max(yesterday, key[2])  # gone from the sheet: ended yesterday
                self.report.closed_pairs += 1
            else:
                continue
            if target == until:
                continue
            self.note("pair", f"{key[0]}/{key[1]}/{key[2].isoformat()}", "until", until, target)
            self.conn.execute(
                update(table)
                .where(table.c.programme_id == self.pid, table.c.carer_id == key[0],
                       table.c.child_id == key[1], table.c.since == key[2])
                .values(until=target)
            )  # fmt: skip
            if key in wanted:
                self.report.count(self.report.changed, "pair")


def _rows(people: Iterable[Carer | Child]) -> dict[str, dict[str, Any]]:
    out = {}
    for person in people:
        fields = asdict(person)
        out[fields.pop("id")] = fields
    return out
