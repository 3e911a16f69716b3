"""CodeBuild report records: report groups, reports, their test cases and code coverages, and keyset pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class ReportGroupRecord:
    """A report group. `export_config` is the API's ReportExportConfig; `tags` its list of {"key", "value"}."""

    region: str
    name: str
    arn: str
    type: str
    created_at: datetime
    last_modified_at: datetime
    export_config: dict[str, Any] = field(default_factory=dict)
    tags: list[dict[str, str]] = field(default_factory=list)
    status: str = "ACTIVE"


@dataclass(frozen=True)
class ReportRecord:
    """One report of a build; `id` (assigned on insert) orders reports by creation. The summaries are
    the API's TestReportSummary / CodeCoverageReportSummary (the one of the report's type)."""

    id: int | None
    arn: str
    region: str
    group_arn: str
    type: str
    name: str
    execution_id: str
    status: str
    created_at: datetime
    expired_at: datetime
    truncated: bool = False
    export_config: dict[str, Any] = field(default_factory=dict)
    test_summary: dict[str, Any] | None = None
    coverage_summary: dict[str, Any] | None = None


@dataclass(frozen=True)
class TestCaseRecord:
    """One test case of a report; `id` (assigned on insert) keeps the order the files gave."""

    __test__ = False

    id: int | None
    report_arn: str
    test_raw_data_path: str
    prefix: str
    name: str
    status: str
    duration_in_nano_seconds: int
    expired_at: datetime
    message: str | None = None
    test_suite_name: str | None = None


@dataclass(frozen=True)
class CodeCoverageRecord:
    """The coverage of one file of a report. `line_coverage_percentage` is 0 when no line was
    measured (it is a sort key); the branch percentage is None when the file has no branch."""

    id: int | None
    report_arn: str
    file_path: str
    line_coverage_percentage: float
    lines_covered: int
    lines_missed: int
    branches_covered: int
    branches_missed: int
    expired_at: datetime
    branch_coverage_percentage: float | None = None


@dataclass(frozen=True)
class PageQuery:
    """One page of rows by an indexed order: rows with these `equals`, within `at_least`/`at_most`
    (column >= / <= value), containing `keyword` in one of `keyword_columns` (case-insensitive),
    ordered by `order` (its last column unique), the first `limit` after the row whose order values
    are `after`."""

    order: tuple[str, ...]
    limit: int
    equals: Mapping[str, Any] = field(default_factory=dict)
    descending: bool = False
    after: tuple[Any, ...] | None = None
    at_least: Mapping[str, Any] = field(default_factory=dict)
    at_most: Mapping[str, Any] = field(default_factory=dict)
    keyword: str | None = None
    keyword_columns: tuple[str, ...] = ()


class PagedRepository(Protocol[T]):
    """A table read in keyset pages, written in bulk."""

    def get(self, *, for_update: bool = False, **key: Any) -> T | None: ...

    def find(
        self,
        *,
        order_by: str | None = None,
        descending: bool = False,
        prefix: Mapping[str, str] | None = None,
        limit: int | None = None,
        for_update: bool = False,
        **equals: Any,
    ) -> list[T]: ...

    def count(self, **equals: Any) -> int: ...

    def add(self, record: T) -> T: ...

    def update(self, record: T) -> None: ...

    def remove(self, **equals: Any) -> int: ...

    def add_many(self, records: Sequence[T]) -> None:
        """Insert many rows at once; ids are assigned in the given order, not returned."""
        ...

    def page(self, query: PageQuery) -> list[T]: ...
