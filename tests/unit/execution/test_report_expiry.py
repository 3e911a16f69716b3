"""The report sweep on real SQLite and PostgreSQL stores: expired reports go in batches with their rows
(each batch its own transaction and worker-thread call, so a cancelled sweep ends between two), the
others stay, and the expired reports are found through the ix_cb_reports_expired index."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import pytest
from sqlalchemy import event

from codeyard.clock import FakeClock
from codeyard.execution.report_expiry import ReportExpiry
from codeyard.store.ports.codebuild_reports import CodeCoverageRecord, ReportRecord, TestCaseRecord
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore
from tests.support.postgres import PostgresCluster

NOW = datetime(2026, 3, 1, tzinfo=UTC)
BASE = "arn:aws:codebuild:us-east-1:000000000000:"


class Traced:
    """A store whose driver connections tell what they run: SQLite's statements (its trace
    callback), PostgreSQL's plans (auto_explain, sent to the client as notices)."""

    def __init__(self, url: str) -> None:
        self.statements: list[str] = []
        self.plans: list[str] = []
        self.on_statement: Any = None
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        self.sqlite = engine.dialect.name == "sqlite"
        event.listen(engine, "connect", self._connected)
        self.store = SqlStore(engine)

    def _connected(self, driver: Any, _record: Any) -> None:
        if isinstance(driver, sqlite3.Connection):
            driver.set_trace_callback(self._statement)
            return
        with driver.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            cursor.execute("SET auto_explain.log_min_duration = 0")
            cursor.execute("SET auto_explain.log_level = 'notice'")
        driver.commit()
        driver.add_notice_handler(lambda notice: self.plans.append(notice.message_primary or ""))

    def _statement(self, sql: str) -> None:
        self.statements.append(sql)
        if self.on_statement is not None:
            self.on_statement(sql)


@pytest.fixture(params=["sqlite", "postgres"])
def traced(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Traced]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        url = cluster.create_database("expiry_" + uuid.uuid4().hex[:10])
    traced = Traced(url)
    yield traced
    traced.store.dispose()


def _report(store: SqlStore, number: int, expires: datetime, kind: str = "TEST") -> str:
    arn = f"{BASE}report/g:{number}"
    with store.unit_of_work() as uow:
        uow.reports.add(
            ReportRecord(
                None,
                arn,
                "us-east-1",
                f"{BASE}report-group/g",
                kind,
                "g",
                f"{BASE}build/app:{number}",
                "SUCCEEDED",
                expires - timedelta(days=30),
                expires,
            )
        )
        if kind == "TEST":
            uow.test_cases.add_many([TestCaseRecord(None, arn, "a.xml", "p", "n", "SUCCEEDED", 1, expires)])
        else:
            uow.code_coverages.add_many([CodeCoverageRecord(None, arn, "f.py", 50.0, 1, 1, 0, 0, expires)])
        uow.commit()
    return arn


def _left(store: SqlStore) -> list[str]:
    with store.reader() as uow:
        return sorted(r.arn for r in uow.reports.find())


def test_a_backlog_of_several_batches_is_deleted_by_one_sweep_with_its_rows(traced: Traced) -> None:
    store = traced.store
    for n in range(5):
        _report(store, n, NOW - timedelta(hours=n), "TEST" if n % 2 else "CODE_COVERAGE")
    kept = _report(store, 9, NOW + timedelta(seconds=1))

    assert (
        anyio.run(ReportExpiry(store, FakeClock(NOW), batch=2).sweep) == 5
    )  # 2 + 2 + 1, one expiring now too
    assert anyio.run(ReportExpiry(store, FakeClock(NOW), batch=2).sweep) == 0
    assert _left(store) == [kept]
    with store.reader() as uow:
        assert [c.report_arn for c in uow.test_cases.find()] == [kept]
        assert uow.code_coverages.find() == []


def test_the_sweep_reads_the_expired_reports_through_their_index(traced: Traced) -> None:
    store = traced.store
    for n in range(3):
        _report(store, n, NOW - timedelta(days=n))
    traced.statements.clear()

    assert anyio.run(ReportExpiry(store, FakeClock(NOW), batch=2).sweep) == 3

    if traced.sqlite:
        selects = [s for s in traced.statements if s.startswith("SELECT") and "FROM cb_reports" in s]
        assert len(selects) == 2  # one a batch
        with store.reader() as uow:
            driver = uow.connection.connection.dbapi_connection
            assert driver is not None
            plan = " ".join(str(row[-1]) for row in driver.execute("EXPLAIN QUERY PLAN " + selects[0]))
    else:
        sweeps = [p for p in traced.plans if "FROM cb_reports" in p and "ORDER BY" in p]
        assert len(sweeps) == 2
        plan = sweeps[0]
    assert "ix_cb_reports_expired" in plan, plan


def test_a_cancelled_sweep_ends_between_two_batches(tmp_path: Path) -> None:
    traced = Traced(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store = traced.store
    for n in range(5):
        _report(store, n, NOW - timedelta(hours=n))

    async def cancelled_after_the_first_batch() -> int | None:
        with anyio.CancelScope() as scope:

            def on_statement(sql: str) -> None:
                if sql == "COMMIT":  # the first batch's transaction, in the sweep's worker thread
                    traced.on_statement = None
                    anyio.from_thread.run_sync(scope.cancel)

            traced.on_statement = on_statement
            return await ReportExpiry(store, FakeClock(NOW), batch=2).sweep()
        return None

    assert anyio.run(cancelled_after_the_first_batch) is None
    assert len(_left(store)) == 3  # the first batch went, whole; the sweep went no further
    assert anyio.run(ReportExpiry(store, FakeClock(NOW), batch=2).sweep) == 3
    traced.store.dispose()
