"""An SSM Parameter Store service over a real SQLite store, a fake clock and seeded ids."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.events import EventFactory
from codeyard.services.iam.arns import root_principal
from codeyard.services.ssm.api import SsmApi
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

ACCOUNT = "000000000000"


@dataclass
class World:
    api: SsmApi
    store: SqlStore
    box: SecretBox
    clock: FakeClock
    database: Path

    def ctx(self, region: str = "us-east-1") -> RequestContext:
        return RequestContext(
            principal=root_principal(ACCOUNT), region=region, account_id=ACCOUNT, request_id="r"
        )

    def rows(self, table: str) -> list[sqlite3.Row]:
        with sqlite3.connect(self.database) as connection:
            connection.row_factory = sqlite3.Row
            return list(connection.execute(f"SELECT * FROM {table}"))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    database = tmp_path / "codeyard.sqlite"
    engine = make_engine("sqlite:///" + str(database))
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock()
    ids = IdGenerator(SeededRandomness(1))
    box = SecretBox(bytes(32))
    api = SsmApi(store, box, clock, ids, EventFactory(clock, ids))
    yield World(api, store, box, clock, database)
    store.dispose()
