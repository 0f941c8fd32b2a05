"""The records' index holds every column ``due`` reads, in the order it groups them.

``(programme_id, child_id, kind, on)`` becomes ``(programme_id, child_id,
carer_id, for_period, kind, on)``: still a child's records first, and now
``due`` reads a programme's records from the index alone, already grouped by
child, carer and make-up period (no read of the wide table rows, no sort).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD = ("ix_record_programme_id_child_id_kind_on", ["programme_id", "child_id", "kind", "on"])
NEW = (
    "ix_record_programme_id_child_id_carer_id_for_period_kind_on",
    ["programme_id", "child_id", "carer_id", "for_period", "kind", "on"],
)


def upgrade() -> None:
    op.drop_index(OLD[0], table_name="record")
    op.create_index(NEW[0], "record", NEW[1])


def downgrade() -> None:
    op.drop_index(NEW[0], table_name="record")
    op.create_index(OLD[0], "record", OLD[1])
