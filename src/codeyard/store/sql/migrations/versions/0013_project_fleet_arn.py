"""cb_projects.fleet_arn: the fleet a project names, indexed for DeleteFleet

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cb_projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fleet_arn", sa.String(length=512), nullable=True))
        batch_op.create_index("ix_cb_projects_fleet_arn", ["fleet_arn"], unique=False)
    # Backfill: the fleet ARN the stored definition's environment names (stored as an ARN).
    projects = sa.table(
        "cb_projects",
        sa.column("region", sa.String),
        sa.column("name", sa.String),
        sa.column("definition", sa.JSON),
        sa.column("fleet_arn", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(projects.c.region, projects.c.name, projects.c.definition)).all()
    for region, name, definition in rows:
        environment = (definition or {}).get("environment") or {}
        fleet = environment.get("fleet") if isinstance(environment, dict) else None
        arn = fleet.get("fleetArn") if isinstance(fleet, dict) else None
        if arn:
            connection.execute(
                sa.update(projects)
                .where(projects.c.region == region, projects.c.name == name)
                .values(fleet_arn=str(arn))
            )


def downgrade() -> None:
    with op.batch_alter_table("cb_projects", schema=None) as batch_op:
        batch_op.drop_index("ix_cb_projects_fleet_arn")
        batch_op.drop_column("fleet_arn")
