"""A build's report as its runner collected it, filed into its report group (created on first use)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from codeyard.clock import Clock
from codeyard.execution.messages import ReportUpload
from codeyard.ids import IdGenerator
from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.services.codebuild.report_shapes import (
    REPORT_PREFIX,
    REPORT_TYPES,
    arn_base,
    check_group_name,
    group_arn,
    group_name_of,
)
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild import BuildRecord
from codeyard.store.ports.codebuild_reports import (
    CodeCoverageRecord,
    ReportGroupRecord,
    ReportRecord,
    TestCaseRecord,
)

REPORT_LIFETIME = timedelta(days=30)  # AWS keeps a report's data for 30 days
NO_EXPORT = {"exportConfigType": "NO_EXPORT"}
UPLOADED_STATUSES = ("SUCCEEDED", "FAILED", "INCOMPLETE")  # what a runner collects (never GENERATING)


class ReportRefused(Exception):
    """The report cannot be filed: its group is not there, of another type, or badly named."""


class ReportFiling:
    def __init__(self, clock: Clock, ids: IdGenerator) -> None:
        self._clock = clock
        self._ids = ids

    def file(self, uow: UnitOfWork, build: BuildRecord, upload: ReportUpload) -> str:
        """Stores the report (once per build and group: a resent one answers the stored ARN), its
        test cases or coverages, and adds its ARN to the build's reportArns; answers the ARN."""
        if upload.type not in REPORT_TYPES:
            raise ReportRefused(f"Unknown report type {upload.type}")
        if upload.status not in UPLOADED_STATUSES:
            raise ReportRefused(f"Unknown report status {upload.status}")
        group = self._group(uow, build, upload)
        stored = uow.reports.find(execution_id=build.arn, group_arn=group.arn, limit=1)
        if stored:
            return stored[0].arn
        now = self._clock.now()
        expired = now + REPORT_LIFETIME
        arn = f"{arn_base(build.arn)}{REPORT_PREFIX}{group.name}:{self._ids.uuid()}"
        test = upload.type == "TEST"
        uow.reports.add(
            ReportRecord(
                id=None,
                arn=arn,
                region=build.region,
                group_arn=group.arn,
                type=upload.type,
                name=group.name,
                execution_id=build.arn,
                status=upload.status,
                created_at=now,
                expired_at=expired,
                truncated=upload.truncated,
                export_config=group.export_config,
                test_summary=_test_summary(upload.test_summary) if test else None,
                coverage_summary=None if test else _coverage_summary(upload.coverage_summary),
            )
        )
        if test:
            uow.test_cases.add_many([_test_case(arn, case, expired) for case in upload.test_cases])
        else:
            uow.code_coverages.add_many([_coverage(arn, item, expired) for item in upload.coverages])
        arns = [*build.details.get("reportArns", []), arn]
        uow.builds.update(replace(build, details={**build.details, "reportArns": arns}))
        return arn

    def _group(self, uow: UnitOfWork, build: BuildRecord, upload: ReportUpload) -> ReportGroupRecord:
        """The group a buildspec key names: an ARN's group must exist; a plain name is the group
        `<project>-<name>`, created with the report's type when it does not exist. The group's row
        stays locked until the report is stored, so DeleteReportGroup waits for the report (and
        then finds it) or the report waits for the deletion (and then finds no group)."""
        base = arn_base(build.arn)
        if upload.group.startswith("arn:"):
            name = group_name_of(upload.group, base)
            found = (
                None
                if name is None
                else uow.report_groups.get(region=build.region, name=name, for_update=True)
            )
            if found is None:
                raise ReportRefused(f"Report group {upload.group} does not exist")
        else:
            name = f"{build.project_name}-{upload.group}"
            try:
                check_group_name(name)
            except InvalidInputException as error:
                raise ReportRefused(str(error)) from None
            found = uow.report_groups.get(region=build.region, name=name, for_update=True)
            if found is None:
                now = self._clock.now()
                found = ReportGroupRecord(
                    region=build.region,
                    name=name,
                    arn=group_arn(base, name),
                    type=upload.type,
                    created_at=now,
                    last_modified_at=now,
                    export_config=dict(NO_EXPORT),
                )
                uow.report_groups.add(found)
        if found.type != upload.type:
            raise ReportRefused(
                f"Report group {found.arn} is of type {found.type}; the report is of type {upload.type}"
            )
        return found


def _test_summary(summary: Any) -> dict[str, Any]:
    """The runner's TestReportSummary (an empty one when none), refused unless its figures are
    whole numbers: the report's API answers and its group's trend read them as such."""
    if summary is None:
        empty = dict.fromkeys(("SUCCEEDED", "FAILED", "ERROR", "SKIPPED", "UNKNOWN"), 0)
        return {"total": 0, "statusCounts": empty, "durationInNanoSeconds": 0}
    counts = summary.get("statusCounts") if isinstance(summary, dict) else None
    if not isinstance(counts, dict) or not all(
        _whole(v) for v in (summary.get("total"), summary.get("durationInNanoSeconds"), *counts.values())
    ):
        raise ReportRefused(f"Malformed test summary: {summary!r:.200}")
    return {
        "total": summary["total"],
        "statusCounts": {str(k): v for k, v in counts.items()},
        "durationInNanoSeconds": summary["durationInNanoSeconds"],
    }


_COVERAGE_COUNTS = ("linesCovered", "linesMissed", "branchesCovered", "branchesMissed")
_COVERAGE_PERCENTAGES = ("lineCoveragePercentage", "branchCoveragePercentage")


def _coverage_summary(summary: Any) -> dict[str, Any]:
    """The runner's CodeCoverageReportSummary (an empty one when none), refused unless its counts
    are whole numbers and its percentages (each optional) numbers."""
    if summary is None:
        return dict.fromkeys(_COVERAGE_COUNTS, 0)
    if not isinstance(summary, dict) or not all(_whole(summary.get(k)) for k in _COVERAGE_COUNTS):
        raise ReportRefused(f"Malformed code coverage summary: {summary!r:.200}")
    out: dict[str, Any] = {k: summary[k] for k in _COVERAGE_COUNTS}
    for key in _COVERAGE_PERCENTAGES:
        value = summary.get(key)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ReportRefused(f"Malformed code coverage summary: {summary!r:.200}")
            out[key] = value
    return out


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _test_case(report_arn: str, case: dict[str, Any], expired: datetime) -> TestCaseRecord:
    return TestCaseRecord(
        id=None,
        report_arn=report_arn,
        test_raw_data_path=str(case.get("testRawDataPath", "")),
        prefix=str(case.get("prefix", "")),
        name=str(case.get("name", "")),
        status=str(case.get("status", "UNKNOWN")),
        duration_in_nano_seconds=int(case.get("durationInNanoSeconds", 0)),
        expired_at=expired,
        message=None if case.get("message") is None else str(case["message"]),
        test_suite_name=None if case.get("testSuiteName") is None else str(case["testSuiteName"]),
    )


def _coverage(report_arn: str, item: dict[str, Any], expired: datetime) -> CodeCoverageRecord:
    branch = item.get("branchCoveragePercentage")
    return CodeCoverageRecord(
        id=None,
        report_arn=report_arn,
        file_path=str(item.get("filePath", "")),
        line_coverage_percentage=float(item.get("lineCoveragePercentage") or 0.0),
        lines_covered=int(item.get("linesCovered", 0)),
        lines_missed=int(item.get("linesMissed", 0)),
        branches_covered=int(item.get("branchesCovered", 0)),
        branches_missed=int(item.get("branchesMissed", 0)),
        expired_at=expired,
        branch_coverage_percentage=None if branch is None else float(branch),
    )
