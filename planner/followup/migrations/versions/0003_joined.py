"""Children who join late: ``child.joined_on``, the day the child entered the programme.

Blank (NULL) means the programme's start, so every existing child keeps the
coverage it had.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("child", sa.Column("joined_on", sa.Date))


def downgrade() -> None:
    with op.batch_alter_table("child") as batch:
        batch.drop_column("joined_on")
