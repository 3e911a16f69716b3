"""A CloudWatch Logs service over a real store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeyard.accounts import RequestContext
from codeyard.clock import SystemClock
from codeyard.services.iam.arns import root_principal
from codeyard.services.logs.api import LogsApi
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

ACCOUNT = "000000000000"


@dataclass
class World:
    api: LogsApi
    store: SqlStore

    def ctx(self, region: str = "us-east-1") -> RequestContext:
        return RequestContext(
            principal=root_principal(ACCOUNT), region=region, account_id=ACCOUNT, request_id="r"
        )


@pytest.fixture(params=["sqlite", "postgres"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path / "codeyard.sqlite")
    else:
        url = request.getfixturevalue("postgres").create_database("logs_" + uuid.uuid4().hex[:12])
    engine = make_engine(url)
    upgrade(engine)
    store = SqlStore(engine)
    yield World(LogsApi(store, SystemClock(), ACCOUNT), store)
    store.dispose()
