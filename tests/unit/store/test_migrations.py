"""The Alembic migrations build exactly the schema that tables.py declares."""

from __future__ import annotations

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
