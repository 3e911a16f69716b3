"""codebuild idempotency tokens: one live row per (region, operation, token)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import codeyard.store.sql.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cb_idempotency_tokens",
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("target_id", sa.String(length=255), nullable=False),
        sa.Column("expires_at", codeyard.store.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("region", "operation", "token", name=op.f("pk_cb_idempotency_tokens")),
    )
    with op.batch_alter_table("cb_idempotency_tokens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cb_idempotency_tokens_expiry", ["expires_at", "region", "operation", "token"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cb_idempotency_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_cb_idempotency_tokens_expiry")
    op.drop_table("cb_idempotency_tokens")
