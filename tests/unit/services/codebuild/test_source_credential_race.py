"""Two first ImportSourceCredentials of one server type at once, on PostgreSQL: the second one's
insert waits for the first one's (real transactions in threads, the waiting one seen in
pg_stat_activity); once the first commits, the second overwrites it (shouldOverwrite unset or true)
or is refused with ResourceAlreadyExistsException (shouldOverwrite false)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from codeyard.accounts import RequestContext
from codeyard.clock import FakeClock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codebuild.api import CodeBuildApi
from codeyard.services.codebuild.errors import ResourceAlreadyExistsException
from codeyard.services.iam.arns import root_principal
from codeyard.store.ports.codebuild_access import SourceCredentialRecord
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore
from tests.support.postgres import PostgresCluster

ACCOUNT = "000000000000"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
ARN = f"arn:aws:codebuild:us-east-1:{ACCOUNT}:token/github"
CONTEXT = f"cb_source_credentials:{ARN}"
BOUND = 60.0  # seconds the second import may take to start waiting or to finish before it is stuck
WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


@dataclass
class Credentials:
    engine: Engine
    store: SqlStore
    api: CodeBuildApi
    box: SecretBox
    ctx: RequestContext

    def stored_token(self) -> str:
        with self.store.reader() as uow:
            [record] = uow.source_credentials.find(region="us-east-1")
        return self.box.open_text(record.sealed_token, CONTEXT)


@pytest.fixture
def credentials(postgres: PostgresCluster) -> Iterator[Credentials]:
    engine = make_engine(postgres.create_database("creds_" + uuid.uuid4().hex[:12]))
    upgrade(engine)
    store = SqlStore(engine)
    box = SecretBox(bytes(range(32)))
    api = CodeBuildApi(
        store, FakeClock(NOW), IdGenerator(SeededRandomness(3)), clone_url_base="http://h", box=box
    )
    ctx = RequestContext(root_principal(ACCOUNT), "us-east-1", ACCOUNT, "r")
    yield Credentials(engine, store, api, box, ctx)
    store.dispose()


def _first_import_racing(credentials: Credentials, second: Callable[[], Any]) -> Future[Any]:
    """The first import's insert of the GITHUB credentials, its transaction left open while `second`
    runs in a thread; asserts `second` waits for it (its own insert of the same key) before it
    commits; answers the future of `second`."""
    first = SourceCredentialRecord(
        region="us-east-1",
        server_type="GITHUB",
        arn=ARN,
        auth_type="PERSONAL_ACCESS_TOKEN",
        created_at=NOW,
        sealed_token=credentials.box.seal_text("first-token", CONTEXT),
    )
    pool = ThreadPoolExecutor(1)
    try:
        with credentials.store.unit_of_work() as uow, credentials.engine.connect() as watcher:
            assert (
                uow.source_credentials.get(region="us-east-1", server_type="GITHUB", for_update=True) is None
            )
            uow.source_credentials.add(first)
            future = pool.submit(second)
            watching = watcher.execution_options(isolation_level="AUTOCOMMIT")
            deadline = time.monotonic() + BOUND
            while not future.done() and not watching.exec_driver_sql(WAITING).scalar_one():
                assert time.monotonic() < deadline, "the second import neither waited nor ended"
            assert not future.done(), "the second import did not wait for the first one's insert"
            uow.commit()
        future.exception(timeout=BOUND)
        return future
    finally:
        pool.shutdown(wait=False)


def _second_import(credentials: Credentials, **overwrite: bool) -> Callable[[], Any]:
    def run() -> Any:
        return credentials.api.import_source_credentials(
            credentials.ctx,
            token="second-token",
            server_type="GITHUB",
            auth_type="PERSONAL_ACCESS_TOKEN",
            **overwrite,
        )

    return run


@pytest.mark.parametrize("overwrite", [{}, {"should_overwrite": True}], ids=["default", "true"])
def test_the_second_of_two_first_imports_overwrites_the_first(
    credentials: Credentials, overwrite: dict[str, bool]
) -> None:
    future = _first_import_racing(credentials, _second_import(credentials, **overwrite))

    assert future.result() == {"arn": ARN}
    assert credentials.stored_token() == "second-token"


def test_without_overwriting_the_second_of_two_first_imports_is_refused(credentials: Credentials) -> None:
    future = _first_import_racing(credentials, _second_import(credentials, should_overwrite=False))

    with pytest.raises(ResourceAlreadyExistsException, match="GITHUB already exists"):
        future.result()
    assert credentials.stored_token() == "first-token"
