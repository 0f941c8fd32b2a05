"""Problems get their own table, so each can be followed until it is solved.

Every record that already holds problems (``record.problems``) gets one
``problem`` row: found on the record's date, solved on it if the record said
solved, reported upward on it if the record said reported. The record keeps
its text.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = 80


def upgrade() -> None:
    problem = op.create_table(
        "problem",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("programme_id", sa.String(ID), nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.Column("child_id", sa.String(ID), nullable=False),
        sa.Column("carer_id", sa.String(ID), nullable=False),
        sa.Column("found_on", sa.Date, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reported_on", sa.Date),
        sa.Column("solved_on", sa.Date),
        sa.Column("how", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_problem"),
        sa.ForeignKeyConstraint(["record_id"], ["record.id"], name="fk_problem_record_id_record"),
        sa.UniqueConstraint("record_id", name="uq_problem_record_id"),
    )
    op.create_index("ix_problem_programme_id_solved_on", "problem", ["programme_id", "solved_on"])
    record = sa.table(
        "record",
        sa.column("id", sa.Integer),
        sa.column("programme_id", sa.String),
        sa.column("child_id", sa.String),
        sa.column("carer_id", sa.String),
        sa.column("on", sa.Date),
        sa.column("problems", sa.Text),
        sa.column("solved", sa.Boolean),
        sa.column("reported", sa.Boolean),
    )
    assert problem is not None
    with_problems = sa.select(
        record.c.programme_id,
        record.c.id,
        record.c.child_id,
        record.c.carer_id,
        record.c.on,
        sa.func.trim(record.c.problems),
        sa.case((record.c.reported == sa.true(), record.c.on), else_=sa.null()),
        sa.case((record.c.solved == sa.true(), record.c.on), else_=sa.null()),
    ).where(record.c.problems.is_not(None), sa.func.trim(record.c.problems) != "")
    op.execute(
        problem.insert().from_select(
            [
                "programme_id",
                "record_id",
                "child_id",
                "carer_id",
                "found_on",
                "text",
                "reported_on",
                "solved_on",
            ],
            with_problems,
        )
    )


def downgrade() -> None:
    op.drop_index("ix_problem_programme_id_solved_on", table_name="problem")
    op.drop_table("problem")
