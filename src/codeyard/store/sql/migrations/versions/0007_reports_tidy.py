"""report group orders, unused build log lines and report group ARN index dropped

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # cb_build_logs records which chunks are stored; their lines live in the log stream alone.
    with op.batch_alter_table("cb_build_logs", schema=None) as batch_op:
        batch_op.drop_column("lines")
    # Groups are found by (region, name); ListReportGroups pages by keyset over these orders.
    with op.batch_alter_table("cb_report_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_cb_report_groups_arn")
        batch_op.create_index("ix_cb_report_groups_created", ["region", "created_at", "name"], unique=False)
        batch_op.create_index(
            "ix_cb_report_groups_modified", ["region", "last_modified_at", "name"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cb_report_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_cb_report_groups_modified")
        batch_op.drop_index("ix_cb_report_groups_created")
        batch_op.create_index("ix_cb_report_groups_arn", ["arn"], unique=False)
    with op.batch_alter_table("cb_build_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lines", sa.JSON(), nullable=False, server_default="[]"))
