"""What reports hold: test cases, code coverages and a report group's trend."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import CodeBuildBase
from codeyard.services.codebuild.errors import InvalidInputException, ResourceNotFoundException
from codeyard.services.codebuild.report_shapes import (
    PAGE_SIZE,
    TEST_STATUSES,
    coverage_shape,
    cursor_of,
    cursor_token,
    find_group,
    test_case_shape,
)
from codeyard.services.codebuild.reports import find_report, unexpired
from codeyard.store.ports.codebuild_reports import PageQuery, ReportRecord

TREND_REPORTS = 100
_COVERAGE_ORDER = {"LINE_COVERAGE_PERCENTAGE": "line_coverage_percentage", "FILE_PATH": "file_path"}


class ReportQueriesMixin(CodeBuildBase):
    def describe_test_cases(
        self,
        ctx: RequestContext,
        *,
        report_arn: str,
        next_token: str | None = None,
        max_results: int | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The report's test cases in the order its files gave them; `filter` keeps one status and
        the cases whose name or prefix contains the keyword (ignoring case)."""
        chosen = filter or {}
        status, keyword = chosen.get("status") or None, chosen.get("keyword") or None
        if status is not None and status not in TEST_STATUSES:
            raise InvalidInputException(
                f"Invalid test case status filter: {status}; expected one of {', '.join(TEST_STATUSES)}"
            )
        size = max_results or PAGE_SIZE
        kind = f"test-cases:{report_arn}:{status or ''}:{keyword or ''}"
        with self._reading() as uow:
            if find_report(uow, ctx, report_arn, self._clock.now()) is None:
                raise ResourceNotFoundException(f"Report not found: {report_arn}")
            query = PageQuery(
                order=("id",),
                limit=size + 1,
                equals={"report_arn": report_arn, **({"status": status} if status else {})},
                after=cursor_of(next_token, kind, (int,)),
                keyword=keyword,
                keyword_columns=("name", "prefix"),
            )
            rows = uow.test_cases.page(query)
        out: dict[str, Any] = {"testCases": [test_case_shape(r) for r in rows[:size]]}
        if len(rows) > size:
            out["nextToken"] = cursor_token(kind, [rows[size - 1].id])
        return out

    def describe_code_coverages(
        self,
        ctx: RequestContext,
        *,
        report_arn: str,
        next_token: str | None = None,
        max_results: int | None = None,
        sort_order: str | None = None,
        sort_by: str | None = None,
        min_line_coverage_percentage: float | None = None,
        max_line_coverage_percentage: float | None = None,
    ) -> dict[str, Any]:
        """The report's files by line coverage (or path), within the coverage bounds; a report that
        does not exist has none."""
        low, high = min_line_coverage_percentage, max_line_coverage_percentage
        if low is not None and high is not None and low > high:
            raise InvalidInputException(
                f"minLineCoveragePercentage ({low}) is greater than maxLineCoveragePercentage ({high})"
            )
        sort_by = sort_by or "LINE_COVERAGE_PERCENTAGE"
        descending = sort_order == "DESCENDING"
        column = _COVERAGE_ORDER[sort_by]
        size = max_results or PAGE_SIZE
        kind = f"coverages:{report_arn}:{sort_by}:{descending}:{low}:{high}"
        after = cursor_of(next_token, kind, (str if column == "file_path" else float, int))
        with self._reading() as uow:
            if find_report(uow, ctx, report_arn, self._clock.now()) is None:
                return {"codeCoverages": []}
            query = PageQuery(
                order=(column, "id"),
                limit=size + 1,
                equals={"report_arn": report_arn},
                descending=descending,
                after=after,
                at_least={} if low is None else {"line_coverage_percentage": low},
                at_most={} if high is None else {"line_coverage_percentage": high},
            )
            rows = uow.code_coverages.page(query)
        out: dict[str, Any] = {"codeCoverages": [coverage_shape(r) for r in rows[:size]]}
        if len(rows) > size:
            last = rows[size - 1]
            out["nextToken"] = cursor_token(kind, [getattr(last, column), last.id])
        return out

    def get_report_group_trend(
        self,
        ctx: RequestContext,
        *,
        report_group_arn: str,
        trend_field: str,
        num_of_reports: int | None = None,
    ) -> dict[str, Any]:
        """The field's value in each of the group's latest reports that has it (newest first), with
        their average, minimum and maximum."""
        with self._reading() as uow:
            group = find_group(uow, ctx, report_group_arn)
            if group is None:
                raise ResourceNotFoundException(f"Report group not found: {report_group_arn}")
            query = PageQuery(
                order=("id",),
                limit=num_of_reports or TREND_REPORTS,
                equals={"group_arn": group.arn},
                descending=True,
                at_least=unexpired(self._clock.now()),
            )
            reports = uow.reports.page(query)
        values = [(r.arn, v) for r in reports if (v := trend_value(r, trend_field)) is not None]
        out: dict[str, Any] = {"rawData": [{"reportArn": arn, "data": _number(v)} for arn, v in values]}
        figures = [v for _, v in values]
        out["stats"] = (
            {
                "average": _number(sum(figures) / len(figures)),
                "max": _number(max(figures)),
                "min": _number(min(figures)),
            }
            if figures
            else {}
        )
        return out


def trend_value(report: ReportRecord, trend_field: str) -> float | None:
    """A report's figure for a trend field; None when the report has none (another type, no case)."""
    test, coverage = report.test_summary, report.coverage_summary
    if test is not None:
        if trend_field == "TOTAL":
            return float(test["total"])
        if trend_field == "DURATION":
            return float(test["durationInNanoSeconds"])
        if trend_field == "PASS_RATE" and test["total"]:
            return 100.0 * float(test["statusCounts"].get("SUCCEEDED", 0)) / float(test["total"])
        return None
    if coverage is None:
        return None
    members = {
        "LINE_COVERAGE": "lineCoveragePercentage",
        "LINES_COVERED": "linesCovered",
        "LINES_MISSED": "linesMissed",
        "BRANCH_COVERAGE": "branchCoveragePercentage",
        "BRANCHES_COVERED": "branchesCovered",
        "BRANCHES_MISSED": "branchesMissed",
    }
    value = coverage.get(members.get(trend_field, ""))
    return None if value is None else float(value)


def _number(value: float) -> str:
    """A figure as text: whole numbers without a fraction, others with at most two decimals."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")
