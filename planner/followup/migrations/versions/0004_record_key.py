"""A record's identity is unique per carer: ``(programme_id, carer_id, fingerprint)``.

The fingerprint already hashes the carer, so exactly the same records are
told apart as before; the index is what changes. Keyed by the fingerprint
alone, each imported row landed on a random page of the index, and a file's
transaction rewrote about one index page per row (a county's 300,000 records
in 2,000 sheets: most of the import's writing). Keyed by carer first, one
sheet's rows (one carer's) land on a few neighbouring pages.

SQLite cannot drop a constraint in place: the record table is rebuilt
(Alembic's batch mode), ids and rows kept; ``db.upgrade`` checks the foreign
keys once at the end.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_constraint("uq_record_programme_id_fingerprint", type_="unique")
        batch.create_unique_constraint(
            "uq_record_programme_id_carer_id_fingerprint",
            ["programme_id", "carer_id", "fingerprint"],
        )


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_constraint("uq_record_programme_id_carer_id_fingerprint", type_="unique")
        batch.create_unique_constraint(
            "uq_record_programme_id_fingerprint", ["programme_id", "fingerprint"]
        )
