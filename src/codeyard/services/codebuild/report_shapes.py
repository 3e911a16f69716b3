"""What the report operations share: report group and report ARNs, the API shapes, checks and page tokens."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild_reports import (
    CodeCoverageRecord,
    ReportGroupRecord,
    ReportRecord,
    TestCaseRecord,
)

GROUP_PREFIX = "report-group/"
REPORT_PREFIX = "report/"
REPORT_TYPES = ("TEST", "CODE_COVERAGE")
TEST_STATUSES = ("SUCCEEDED", "FAILED", "ERROR", "SKIPPED", "UNKNOWN")
PAGE_SIZE = 100
_GROUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,127}")


def arn_base(arn: str) -> str:
    """`arn:aws:codebuild:<region>:<account>:` of a CodeBuild ARN (a build's, a project's…)."""
    parts = arn.split(":", 5)
    return ":".join(parts[:5]) + ":"


def group_arn(base: str, name: str) -> str:
    """The ARN of the report group `name`; `base` is `arn:aws:codebuild:<region>:<account>:`."""
    return f"{base}{GROUP_PREFIX}{name}"


def check_group_name(name: str) -> None:
    if not _GROUP_NAME.fullmatch(name):
        raise InvalidInputException(
            f"Invalid report group name: {name}; 2 to 128 letters, digits, '.', '-' or '_', "
            "starting with a letter or a digit"
        )


def group_name_of(arn: str, base: str) -> str | None:
    """The group name in a report group ARN of this region and account (None for anything else)."""
    prefix = base + GROUP_PREFIX
    if not arn.startswith(prefix) or len(arn) == len(prefix):
        return None
    return arn[len(prefix) :]


def find_group(
    uow: UnitOfWork, ctx: RequestContext, arn: str, *, for_update: bool = False
) -> ReportGroupRecord | None:
    """The group that a report group ARN of the caller's region and account names; `for_update`
    locks its row until the unit of work ends (on PostgreSQL: SQLite serialises writers)."""
    name = group_name_of(arn, ctx.arn("codebuild", ""))
    if name is None:
        return None
    return uow.report_groups.get(region=ctx.region, name=name, for_update=for_update)


def group_arn_of_report(report_arn: str) -> str | None:
    """The report group ARN a report ARN (`…:report/<group>:<uuid>`) belongs to."""
    head, found, rest = report_arn.partition(":" + REPORT_PREFIX)
    group = rest.rpartition(":")[0]
    if not found or not group:
        return None
    return f"{head}:{GROUP_PREFIX}{group}"


def check_export_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The export configuration as stored: NO_EXPORT unless S3 is asked for (which needs a bucket)."""
    kind = config.get("exportConfigType") or "NO_EXPORT"
    if kind == "S3":
        destination = config.get("s3Destination") or {}
        if not destination.get("bucket"):
            raise InvalidInputException("Invalid export config: an S3 export needs s3Destination.bucket")
        return {"exportConfigType": "S3", "s3Destination": dict(destination)}
    return {"exportConfigType": "NO_EXPORT"}


def group_shape(record: ReportGroupRecord) -> dict[str, Any]:
    return {
        "arn": record.arn,
        "name": record.name,
        "type": record.type,
        "exportConfig": record.export_config,
        "created": record.created_at,
        "lastModified": record.last_modified_at,
        "tags": [dict(tag) for tag in record.tags],
        "status": record.status,
    }


def report_shape(record: ReportRecord) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "arn": record.arn,
        "type": record.type,
        "name": record.name,
        "reportGroupArn": record.group_arn,
        "executionId": record.execution_id,
        "status": record.status,
        "created": record.created_at,
        "expired": record.expired_at,
        "exportConfig": record.export_config,
        "truncated": record.truncated,
    }
    if record.test_summary is not None:
        shape["testSummary"] = record.test_summary
    if record.coverage_summary is not None:
        shape["codeCoverageSummary"] = record.coverage_summary
    return shape


def test_case_shape(record: TestCaseRecord) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "reportArn": record.report_arn,
        "testRawDataPath": record.test_raw_data_path,
        "prefix": record.prefix,
        "name": record.name,
        "status": record.status,
        "durationInNanoSeconds": record.duration_in_nano_seconds,
        "expired": record.expired_at,
    }
    if record.message is not None:
        shape["message"] = record.message
    if record.test_suite_name is not None:
        shape["testSuiteName"] = record.test_suite_name
    return shape


def coverage_shape(record: CodeCoverageRecord) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": str(record.id),
        "reportARN": record.report_arn,
        "filePath": record.file_path,
    }
    if record.lines_covered + record.lines_missed:
        shape["lineCoveragePercentage"] = record.line_coverage_percentage
    shape.update(linesCovered=record.lines_covered, linesMissed=record.lines_missed)
    if record.branch_coverage_percentage is not None:
        shape["branchCoveragePercentage"] = record.branch_coverage_percentage
    shape.update(branchesCovered=record.branches_covered, branchesMissed=record.branches_missed)
    return shape


def cursor_token(kind: str, after: Sequence[Any]) -> str:
    """An opaque token naming the list it came from and the order values of the page's last row
    (a time as its ISO 8601 text)."""
    values = [value.isoformat() if isinstance(value, datetime) else value for value in after]
    return base64.urlsafe_b64encode(json.dumps([kind, values]).encode()).decode()


def cursor_of(token: str | None, kind: str, types: Sequence[type]) -> tuple[Any, ...] | None:
    """The order values in a token of this `kind` of list (None without a token), one of each of
    `types` (int: a row id, float: any finite number, str: text, datetime: an ISO 8601 time with
    its offset); any other token is refused, so that a forged one never reaches the database as a
    value of the wrong type."""
    if not token:
        return None
    try:
        label, after = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        label, after = "", None
    if label != kind or not isinstance(after, list) or len(after) != len(types):
        raise InvalidInputException(f"Invalid next token: {token}")
    if not all(_cursor_value(value, wanted) for value, wanted in zip(after, types, strict=True)):
        raise InvalidInputException(f"Invalid next token: {token}")
    return tuple(
        datetime.fromisoformat(value) if wanted is datetime else value
        for value, wanted in zip(after, types, strict=True)
    )


def _cursor_value(value: Any, wanted: type) -> bool:
    if isinstance(value, bool):
        return False
    if wanted is int:
        return isinstance(value, int) and 0 <= value < 2**63
    if wanted is float:
        return isinstance(value, int | float) and math.isfinite(value)
    if wanted is datetime:
        return isinstance(value, str) and _aware_time(value)
    return isinstance(value, str) and "\x00" not in value


def _aware_time(text: str) -> bool:
    """An ISO 8601 time with its offset that is a time in UTC too (the store keeps UTC: 0001-01-01
    at +01:00 is none)."""
    try:
        when = datetime.fromisoformat(text)
        when.astimezone(UTC)
    except (ValueError, OverflowError):
        return False
    return when.utcoffset() is not None


REPORT_OPERATIONS = frozenset(
    {
        "CreateReportGroup",
        "UpdateReportGroup",
        "DeleteReportGroup",
        "BatchGetReportGroups",
        "ListReportGroups",
        "ListReports",
        "ListReportsForReportGroup",
        "BatchGetReports",
        "DescribeTestCases",
        "DescribeCodeCoverages",
        "GetReportGroupTrend",
        "DeleteReport",
    }
)


def report_resources(operation: str, params: Mapping[str, Any], ctx: RequestContext) -> list[str]:
    """The report group ARN(s) a report operation is authorised on (a report's calls on its group,
    as AWS does); "*" for the lists of every group or report."""
    groups: list[Any] = []
    reports: list[Any] = []
    if operation == "CreateReportGroup" and isinstance(params.get("name"), str):
        groups = [group_arn(ctx.arn("codebuild", ""), params["name"])]
    elif operation in ("UpdateReportGroup", "DeleteReportGroup"):
        groups = [params.get("arn")]
    elif operation in ("ListReportsForReportGroup", "GetReportGroupTrend"):
        groups = [params.get("reportGroupArn")]
    elif operation == "BatchGetReportGroups":
        groups = list(params.get("reportGroupArns", ()))
    elif operation == "DeleteReport":
        reports = [params.get("arn")]
    elif operation in ("DescribeTestCases", "DescribeCodeCoverages"):
        reports = [params.get("reportArn")]
    elif operation == "BatchGetReports":
        reports = list(params.get("reportArns", ()))
    arns = [g for g in groups if isinstance(g, str)]
    arns += [group_arn_of_report(r) or r for r in reports if isinstance(r, str)]
    return arns or ["*"]
