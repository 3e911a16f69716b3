"""codebuild batch builds

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import codeyard.store.sql.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cb_build_batches",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("arn", sa.String(length=2048), nullable=False),
        sa.Column("project_name", sa.String(length=150), nullable=False),
        sa.Column("build_batch_number", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("current_phase", sa.String(length=32), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("start_time", codeyard.store.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("initiator", sa.String(length=2048), nullable=False),
        sa.Column("end_time", codeyard.store.sql.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("build_groups", sa.JSON(), nullable=False),
        sa.Column("idempotency_token", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_build_batches")),
    )
    with op.batch_alter_table("cb_build_batches", schema=None) as batch_op:
        batch_op.create_index("ix_cb_build_batches_region_time", ["region", "start_time", "id"], unique=False)
        batch_op.create_index(
            "ix_cb_build_batches_project", ["region", "project_name", "start_time", "id"], unique=False
        )
        batch_op.create_index("ix_cb_build_batches_open", ["complete"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cb_build_batches", schema=None) as batch_op:
        batch_op.drop_index("ix_cb_build_batches_open")
        batch_op.drop_index("ix_cb_build_batches_project")
        batch_op.drop_index("ix_cb_build_batches_region_time")
    op.drop_table("cb_build_batches")
