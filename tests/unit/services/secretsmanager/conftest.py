"""A Secrets Manager service over a real SQLite store, a fake clock and seeded ids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.iam.arns import root_principal
from codeyard.services.secretsmanager.api import SecretsManagerApi
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

ACCOUNT = "000000000000"


@dataclass
class World:
    api: SecretsManagerApi
    store: SqlStore
    clock: FakeClock
    database: Path

    def ctx(self, region: str = "us-east-1") -> RequestContext:
        return RequestContext(
            principal=root_principal(ACCOUNT), region=region, account_id=ACCOUNT, request_id="r"
        )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    database = tmp_path / "codeyard.sqlite"
    engine = make_engine("sqlite:///" + str(database))
    upgrade(engine)
    store = SqlStore(engine)
    clock = FakeClock()
    api = SecretsManagerApi(store, SecretBox(bytes(32)), clock, IdGenerator(SeededRandomness(1)))
    yield World(api, store, clock, database)
    store.dispose()
