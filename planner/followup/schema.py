"""The ledger's tables (SQLAlchemy Core), the one description of its schema.

Every table is keyed by ``programme_id``, so one PostgreSQL database can hold
a whole county's programmes. People are never deleted: a carer who leaves or
a child who moves on keeps their rows (``left_on``), a pair keeps its
``since``/``until``, and every change ``sync`` applies is written to
``change``. The Alembic migrations in ``migrations/versions`` build exactly
these tables; a test compares them.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: Constraint names fixed by convention, so migrations name them the same on
#: SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 80  # longest id kept (programme, unit, carer, child)
NAME = 200
TEXT = 4000  # longest free text kept from a sheet cell

programme = Table(
    "programme",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(NAME), nullable=False),
    Column("organiser", String(NAME)),
    Column("timezone", String(64), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("synced_at", DateTime(timezone=True)),
)

unit = Table(
    "unit",
    metadata,
    Column("programme_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("name", String(NAME), nullable=False),
    ForeignKeyConstraint(["programme_id"], ["programme.id"]),
)

carer = Table(
    "carer",
    metadata,
    Column("programme_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("name", String(NAME), nullable=False),
    Column("role", String(40), nullable=False),
    Column("unit_id", String(ID)),
    Column("phone", String(40)),
    Column("email", String(NAME)),
    Column("left_on", Date),  # set by sync when the carer leaves the sheet
    ForeignKeyConstraint(["programme_id"], ["programme.id"]),
)

child = Table(
    "child",
    metadata,
    Column("programme_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("name", String(NAME), nullable=False),
    Column("gender", String(10)),
    Column("birth_date", Date),
    Column("age", Integer),
    Column("unit_id", String(ID)),
    Column("grade", String(NAME)),
    Column("school", String(NAME)),
    Column("village", String(NAME)),
    # Category values (left_behind、disabled …, planner.model.people.Category) joined with "、",
    # like guardian_relation and needs; render/labels.py has their Chinese labels
    Column("categories", String(NAME)),
    Column("guardian_relation", String(40)),
    Column("guardian_name", String(NAME)),
    Column("guardian_phone", String(40)),
    Column("needs", String(TEXT)),
    Column("allergies", String(TEXT)),
    Column("medical_notes", String(TEXT)),
    Column("left_on", Date),
    Column("joined_on", Date),  # entered the programme late; None: at its start
    ForeignKeyConstraint(["programme_id"], ["programme.id"]),
)

pair = Table(
    "pair",
    metadata,
    Column("programme_id", String(ID), primary_key=True),
    Column("carer_id", String(ID), primary_key=True),
    Column("child_id", String(ID), primary_key=True),
    Column("since", Date, primary_key=True),
    Column("until", Date),  # inclusive; None while the pair lasts
    ForeignKeyConstraint(["programme_id", "carer_id"], ["carer.programme_id", "carer.id"]),
    ForeignKeyConstraint(["programme_id", "child_id"], ["child.programme_id", "child.id"]),
    Index(None, "programme_id", "child_id"),
)

change = Table(
    "change",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(ID), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("entity", String(20), nullable=False),  # carer, child, pair, unit, programme
    Column("entity_id", String(NAME), nullable=False),
    Column("field", String(40), nullable=False),
    Column("old", Text),
    Column("new", Text),
    Index(None, "programme_id", "entity", "entity_id"),
)

record = Table(
    "record",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(ID), nullable=False),
    Column("carer_id", String(ID), nullable=False),
    Column("child_id", String(ID), nullable=False),
    Column("kind", String(40), nullable=False),  # a duty's ``what``
    Column("on", Date, nullable=False),
    Column("for_period", String(40)),  # a make-up for an earlier period
    Column("done", Text),  # what was done
    Column("problems", Text),  # problems found
    Column("solved", Boolean),
    Column("reported", Boolean, nullable=False, default=False),  # reported upward
    Column("thinking", Text),
    Column("study", Text),
    Column("life", Text),
    Column("family_education", Text),
    Column("progress", Text),
    Column("shortfalls", Text),
    Column("source", String(NAME), nullable=False),  # file name, or "log"
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # sha256 of the record's content
    ForeignKeyConstraint(["programme_id", "carer_id"], ["carer.programme_id", "carer.id"]),
    ForeignKeyConstraint(["programme_id", "child_id"], ["child.programme_id", "child.id"]),
    # the fingerprint hashes the carer too: keyed carer first, one sheet's rows are neighbours
    UniqueConstraint("programme_id", "carer_id", "fingerprint"),
    # a child's records; and every column ``due`` reads, in the order it groups them
    Index(None, "programme_id", "child_id", "carer_id", "for_period", "kind", "on"),
)

problem = Table(
    "problem",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", String(ID), nullable=False),
    Column("record_id", Integer, nullable=False),
    Column("child_id", String(ID), nullable=False),
    Column("carer_id", String(ID), nullable=False),
    Column("found_on", Date, nullable=False),
    Column("text", Text, nullable=False),
    Column("reported_on", Date),  # reported upward
    Column("solved_on", Date),
    Column("how", Text),  # how it was solved
    ForeignKeyConstraint(["record_id"], ["record.id"]),
    UniqueConstraint("record_id"),
    Index(None, "programme_id", "solved_on"),
)
