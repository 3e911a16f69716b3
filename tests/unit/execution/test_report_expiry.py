"""The report sweep on a real SQLite store: expired reports go in batches with their rows, the others stay."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from codeyard.clock import FakeClock
from codeyard.execution.report_expiry import ReportExpiry
from codeyard.store.ports.codebuild_reports import CodeCoverageRecord, ReportRecord, TestCaseRecord
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

NOW = datetime(2026, 3, 1, tzinfo=UTC)
BASE = "arn:aws:codebuild:us-east-1:000000000000:"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    store = SqlStore(engine)
    yield store
    store.dispose()


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


def test_expired_reports_are_deleted_in_batches_with_their_cases_and_coverages(store: SqlStore) -> None:
    for n in range(5):
        _report(store, n, NOW - timedelta(hours=n), "TEST" if n % 2 else "CODE_COVERAGE")
    kept = _report(store, 9, NOW + timedelta(seconds=1))

    assert ReportExpiry(store, FakeClock(NOW), batch=2).sweep() == 5  # 2 + 2 + 1, the report expiring now too
    assert ReportExpiry(store, FakeClock(NOW), batch=2).sweep() == 0
    with store.reader() as uow:
        assert [r.arn for r in uow.reports.find()] == [kept]
        assert [c.report_arn for c in uow.test_cases.find()] == [kept]
        assert uow.code_coverages.find() == []
