"""Report rows read in keyset pages on SQLite and PostgreSQL: thousands of test cases, coverages by percentage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from codeyard.store.ports.codebuild_reports import CodeCoverageRecord, PageQuery, TestCaseRecord
from codeyard.store.sql.unit_of_work import SqlStore

NOW = datetime(2026, 1, 1, tzinfo=UTC)
REPORT = "arn:aws:codebuild:us-east-1:000000000000:report/p-unit:0001"
OTHER = "arn:aws:codebuild:us-east-1:000000000000:report/p-unit:0002"


def case(report: str, n: int) -> TestCaseRecord:
    status = "FAILED" if n % 7 == 0 else "SUCCEEDED"
    return TestCaseRecord(None, report, "junit.xml", f"Suite{n % 3}", f"test_{n}", status, n, NOW)


def pages(store: SqlStore, query: PageQuery, cursor: tuple[str, ...]) -> list[list[Any]]:
    """Every page of the query, each continued after the last row's order values."""
    found: list[list[Any]] = []
    after = None
    while True:
        with store.reader() as uow:
            repository = uow.test_cases if query.order == ("id",) else uow.code_coverages
            rows = repository.page(PageQuery(**{**query.__dict__, "after": after}))
        if not rows:
            return found
        found.append(rows)
        after = tuple(getattr(rows[-1], name) for name in cursor)


def test_thousands_of_test_cases_page_in_order_with_filters(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        uow.test_cases.add_many([case(REPORT, n) for n in range(2500)])
        uow.test_cases.add_many([case(OTHER, n) for n in range(10)])
        uow.commit()

    every = pages(store, PageQuery(order=("id",), limit=100, equals={"report_arn": REPORT}), ("id",))
    assert [len(p) for p in every] == [100] * 25
    assert [r.name for p in every for r in p] == [f"test_{n}" for n in range(2500)]

    failed = pages(
        store,
        PageQuery(order=("id",), limit=100, equals={"report_arn": REPORT, "status": "FAILED"}),
        ("id",),
    )
    assert [r.name for p in failed for r in p] == [f"test_{n}" for n in range(0, 2500, 7)]

    # the keyword matches the name or the prefix, ignoring case; % and _ are plain characters
    query = PageQuery(
        order=("id",),
        limit=10,
        equals={"report_arn": REPORT},
        keyword="SUITE2",
        keyword_columns=("name", "prefix"),
    )
    matched = [r.name for p in pages(store, query, ("id",)) for r in p]
    assert matched == [f"test_{n}" for n in range(2500) if n % 3 == 2]
    literal = PageQuery(**{**query.__dict__, "keyword": "t_1%"})
    with store.reader() as uow:
        assert uow.test_cases.page(literal) == []
        newest = uow.test_cases.page(
            PageQuery(order=("id",), limit=3, equals={"report_arn": REPORT}, descending=True)
        )
    assert [r.name for r in newest] == ["test_2499", "test_2498", "test_2497"]


def test_coverages_page_by_percentage_with_ties_and_bounds(store: SqlStore) -> None:
    coverages = [
        CodeCoverageRecord(
            None, REPORT, f"src/f{n:04}.py", float(n % 10) * 10, n % 10, 10 - n % 10, 0, 0, NOW
        )
        for n in range(1200)
    ]
    with store.unit_of_work() as uow:
        uow.code_coverages.add_many(coverages)
        uow.commit()
    ascending = pages(
        store,
        PageQuery(order=("line_coverage_percentage", "id"), limit=70, equals={"report_arn": REPORT}),
        ("line_coverage_percentage", "id"),
    )
    flat = [r for p in ascending for r in p]
    assert len(flat) == 1200
    assert [r.line_coverage_percentage for r in flat] == sorted(r.line_coverage_percentage for r in flat)
    assert len({r.file_path for r in flat}) == 1200

    bounded = PageQuery(
        order=("file_path", "id"),
        limit=50,
        equals={"report_arn": REPORT},
        descending=True,
        at_least={"line_coverage_percentage": 30.0},
        at_most={"line_coverage_percentage": 50.0},
    )
    kept = [r for p in pages(store, bounded, ("file_path", "id")) for r in p]
    assert [r.file_path for r in kept] == sorted(
        (c.file_path for c in coverages if 30.0 <= c.line_coverage_percentage <= 50.0), reverse=True
    )
