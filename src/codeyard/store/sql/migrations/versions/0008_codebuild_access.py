"""codebuild source credentials, resource policies and project cache resets

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import codeyard.store.sql.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cb_source_credentials",
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("server_type", sa.String(length=32), nullable=False),
        sa.Column("arn", sa.String(length=2048), nullable=False),
        sa.Column("auth_type", sa.String(length=32), nullable=False),
        sa.Column("created_at", codeyard.store.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sealed_token", sa.LargeBinary(), nullable=False),
        sa.Column("username", sa.String(length=1024), nullable=True),
        sa.Column("resource", sa.String(length=2048), nullable=True),
        sa.PrimaryKeyConstraint("region", "server_type", name=op.f("pk_cb_source_credentials")),
    )
    op.create_table(
        "cb_resource_policies",
        sa.Column("resource_arn", sa.String(length=2048), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("modified_at", codeyard.store.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("resource_arn", name=op.f("pk_cb_resource_policies")),
    )
    with op.batch_alter_table("cb_resource_policies", schema=None) as batch_op:
        batch_op.create_index("ix_cb_resource_policies_shared", ["region", "kind", "shared"], unique=False)
    op.create_table(
        "cb_cache_resets",
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("project_name", sa.String(length=150), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("reset_at", codeyard.store.sql.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("region", "project_name", name=op.f("pk_cb_cache_resets")),
    )


def downgrade() -> None:
    op.drop_table("cb_cache_resets")
    with op.batch_alter_table("cb_resource_policies", schema=None) as batch_op:
        batch_op.drop_index("ix_cb_resource_policies_shared")
    op.drop_table("cb_resource_policies")
    op.drop_table("cb_source_credentials")
