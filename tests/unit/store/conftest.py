"""The store on a fresh SQLite file and on a fresh database of the throwaway PostgreSQL cluster."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore
from tests.support.postgres import PostgresCluster


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """A migrated store, once per database (a module may define its own `store` instead)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        url = cluster.create_database("store_" + uuid.uuid4().hex[:10])
    engine = make_engine(url)
    upgrade(engine)
    store = SqlStore(engine)
    yield store
    store.dispose()
