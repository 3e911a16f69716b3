"""codebuild fleets, and the fleet of queued jobs and runners

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import codeyard.store.sql.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cb_fleets",
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("arn", sa.String(length=512), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("created_at", codeyard.store.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_modified_at", codeyard.store.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("overflow_behavior", sa.String(length=16), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("region", "name", name=op.f("pk_cb_fleets")),
        sa.UniqueConstraint("arn", name=op.f("uq_cb_fleets_arn")),
    )
    with op.batch_alter_table("work_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fleet", sa.String(length=512), nullable=True))
        batch_op.drop_index("ix_work_jobs_state")
        batch_op.create_index("ix_work_jobs_state_fleet", ["state", "fleet", "created_at"], unique=False)
    with op.batch_alter_table("work_runners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fleet", sa.String(length=512), nullable=True))
        batch_op.create_index("ix_work_runners_fleet", ["fleet"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_runners", schema=None) as batch_op:
        batch_op.drop_index("ix_work_runners_fleet")
        batch_op.drop_column("fleet")
    with op.batch_alter_table("work_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_work_jobs_state_fleet")
        batch_op.create_index("ix_work_jobs_state", ["state", "created_at"], unique=False)
        batch_op.drop_column("fleet")
    op.drop_table("cb_fleets")
