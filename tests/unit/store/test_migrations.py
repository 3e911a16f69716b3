"""The Alembic migrations build exactly the schema that tables.py declares."""

from __future__ import annotations

import json
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import current_revision, upgrade
from codeyard.store.sql.tables import metadata
from tests.support.postgres import PostgresCluster


def test_migrations_match_tables_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    first = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == first is not None
    engine.dispose()


def test_migrations_match_tables_on_postgres(postgres: PostgresCluster) -> None:
    engine = make_engine(postgres.create_database("migrations"))
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_0007_keeps_the_stored_chunks_without_their_lines(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine, "0006")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO cb_build_logs (build_id, sequence, time, lines) "
            "VALUES ('p:1', 3, '2026-11-29 10:00:00.000000', '[]')"
        )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM cb_build_logs").all()
        indexes = {
            row[1] for row in connection.exec_driver_sql("PRAGMA index_list('cb_report_groups')").all()
        }
    engine.dispose()
    assert [tuple(row) for row in rows] == [("p:1", 3, "2026-11-29 10:00:00.000000")]
    assert "ix_cb_report_groups_arn" not in indexes
    assert {"ix_cb_report_groups_created", "ix_cb_report_groups_modified"} <= indexes


def test_0013_fills_in_the_fleet_of_the_projects_stored(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine, "0012")
    fleet = "arn:aws:codebuild:us-east-1:000000000000:fleet/pool:1"
    with engine.begin() as connection:
        for name, environment in (("on-pool", {"fleet": {"fleetArn": fleet}}), ("on-demand", {})):
            connection.exec_driver_sql(
                "INSERT INTO cb_projects (region, name, arn, created_at, last_modified_at, definition, tags) "
                "VALUES ('us-east-1', ?, 'arn', '2026-11-29 10:00:00.000000', '2026-11-29 10:00:00.000000', "
                "?, '[]')",
                (name, json.dumps({"environment": environment})),
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT name, fleet_arn FROM cb_projects ORDER BY name").all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("on-demand", None), ("on-pool", fleet)]


def test_0014_makes_the_open_batches_due_from_their_start(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine, "0013")
    with engine.begin() as connection:
        for batch_id, complete in (("p:open", 0), ("p:done", 1)):
            connection.exec_driver_sql(
                "INSERT INTO cb_build_batches (id, region, arn, project_name, build_batch_number, status, "
                "current_phase, complete, start_time, initiator, details, phases, build_groups) "
                "VALUES (?, 'us-east-1', 'arn', 'p', 1, 'IN_PROGRESS', 'IN_PROGRESS', ?, "
                "'2026-11-29 10:00:00.000000', 'me', '{}', '[]', '[]')",
                (batch_id, complete),
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, due_at FROM cb_build_batches ORDER BY id").all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("p:done", None), ("p:open", "2026-11-29 10:00:00.000000")]
