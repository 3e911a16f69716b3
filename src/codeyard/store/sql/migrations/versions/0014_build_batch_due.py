"""cb_build_batches.due_at: when the scheduler's tick must look at a batch, indexed

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import codeyard.store.sql.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cb_build_batches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("due_at", codeyard.store.sql.types.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_cb_build_batches_due", ["due_at", "id"], unique=False)
    # Backfill: every batch still open is due from its start; the tick's first look stores its
    # real due time (its timeout's end, or none).
    batches = sa.table(
        "cb_build_batches",
        sa.column("complete", sa.Boolean),
        sa.column("start_time", codeyard.store.sql.types.UtcDateTime(timezone=True)),
        sa.column("due_at", codeyard.store.sql.types.UtcDateTime(timezone=True)),
    )
    op.execute(sa.update(batches).where(batches.c.complete == sa.false()).values(due_at=batches.c.start_time))


def downgrade() -> None:
    with op.batch_alter_table("cb_build_batches", schema=None) as batch_op:
        batch_op.drop_index("ix_cb_build_batches_due")
        batch_op.drop_column("due_at")
