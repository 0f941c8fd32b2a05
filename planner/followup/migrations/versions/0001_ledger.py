"""The first ledger: programme, units, carers, children, pairs, changes, records.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 80
NAME = 200
TEXT = 4000


def upgrade() -> None:
    op.create_table(
        "programme",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("name", sa.String(NAME), nullable=False),
        sa.Column("organiser", sa.String(NAME)),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_programme"),
    )
    op.create_table(
        "unit",
        sa.Column("programme_id", sa.String(ID), nullable=False),
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("name", sa.String(NAME), nullable=False),
        sa.PrimaryKeyConstraint("programme_id", "id", name="pk_unit"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name="fk_unit_programme_id_programme"
        ),
    )
    op.create_table(
        "carer",
        sa.Column("programme_id", sa.String(ID), nullable=False),
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("name", sa.String(NAME), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("unit_id", sa.String(ID)),
        sa.Column("phone", sa.String(40)),
        sa.Column("email", sa.String(NAME)),
        sa.Column("left_on", sa.Date),
        sa.PrimaryKeyConstraint("programme_id", "id", name="pk_carer"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name="fk_carer_programme_id_programme"
        ),
    )
    op.create_table(
        "child",
        sa.Column("programme_id", sa.String(ID), nullable=False),
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("name", sa.String(NAME), nullable=False),
        sa.Column("gender", sa.String(10)),
        sa.Column("birth_date", sa.Date),
        sa.Column("age", sa.Integer),
        sa.Column("unit_id", sa.String(ID)),
        sa.Column("grade", sa.String(NAME)),
        sa.Column("school", sa.String(NAME)),
        sa.Column("village", sa.String(NAME)),
        sa.Column("categories", sa.String(NAME)),
        sa.Column("guardian_relation", sa.String(40)),
        sa.Column("guardian_name", sa.String(NAME)),
        sa.Column("guardian_phone", sa.String(40)),
        sa.Column("needs", sa.String(TEXT)),
        sa.Column("allergies", sa.String(TEXT)),
        sa.Column("medical_notes", sa.String(TEXT)),
        sa.Column("left_on", sa.Date),
        sa.PrimaryKeyConstraint("programme_id", "id", name="pk_child"),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name="fk_child_programme_id_programme"
        ),
    )
    op.create_table(
        "pair",
        sa.Column("programme_id", sa.String(ID), nullable=False),
        sa.Column("carer_id", sa.String(ID), nullable=False),
        sa.Column("child_id", sa.String(ID), nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("until", sa.Date),
        sa.PrimaryKeyConstraint("programme_id", "carer_id", "child_id", "since", name="pk_pair"),
        sa.ForeignKeyConstraint(
            ["programme_id", "carer_id"],
            ["carer.programme_id", "carer.id"],
            name="fk_pair_programme_id_carer",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id", "child_id"],
            ["child.programme_id", "child.id"],
            name="fk_pair_programme_id_child",
        ),
    )
    op.create_index("ix_pair_programme_id_child_id", "pair", ["programme_id", "child_id"])
    op.create_table(
        "change",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(ID), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(NAME), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_change"),
    )
    op.create_index(
        "ix_change_programme_id_entity_entity_id", "change", ["programme_id", "entity", "entity_id"]
    )
    op.create_table(
        "record",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(ID), nullable=False),
        sa.Column("carer_id", sa.String(ID), nullable=False),
        sa.Column("child_id", sa.String(ID), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("for_period", sa.String(40)),
        sa.Column("done", sa.Text),
        sa.Column("problems", sa.Text),
        sa.Column("solved", sa.Boolean),
        sa.Column("reported", sa.Boolean, nullable=False),
        sa.Column("thinking", sa.Text),
        sa.Column("study", sa.Text),
        sa.Column("life", sa.Text),
        sa.Column("family_education", sa.Text),
        sa.Column("progress", sa.Text),
        sa.Column("shortfalls", sa.Text),
        sa.Column("source", sa.String(NAME), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_record"),
        sa.ForeignKeyConstraint(
            ["programme_id", "carer_id"],
            ["carer.programme_id", "carer.id"],
            name="fk_record_programme_id_carer",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id", "child_id"],
            ["child.programme_id", "child.id"],
            name="fk_record_programme_id_child",
        ),
        sa.UniqueConstraint(
            "programme_id", "fingerprint", name="uq_record_programme_id_fingerprint"
        ),
    )
    op.create_index(
        "ix_record_programme_id_child_id_kind_on",
        "record",
        ["programme_id", "child_id", "kind", "on"],
    )


def downgrade() -> None:
    for name in ("record", "change", "pair", "child", "carer", "unit", "programme"):
        op.drop_table(name)
