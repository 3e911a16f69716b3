"""cb_reports indexed by expiry, for the sweep

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The report sweep reads the expired reports in (expired_at, id) order, a batch at a time.
    with op.batch_alter_table("cb_reports", schema=None) as batch_op:
        batch_op.create_index("ix_cb_reports_expired", ["expired_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cb_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_cb_reports_expired")
