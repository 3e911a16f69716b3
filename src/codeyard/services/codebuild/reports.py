"""Reports: list (all, or of one report group), batch get and delete.

An expired report (its `expired` time has come) is gone to every operation, before the scheduler's
sweep deletes it (execution/report_expiry.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import CodeBuildBase
from codeyard.services.codebuild.errors import ResourceNotFoundException
from codeyard.services.codebuild.report_shapes import (
    PAGE_SIZE,
    cursor_of,
    cursor_token,
    find_group,
    report_shape,
)
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild_reports import PageQuery, ReportRecord


class ReportsMixin(CodeBuildBase):
    def list_reports(
        self,
        ctx: RequestContext,
        *,
        sort_order: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The caller's region's report ARNs, newest first unless ASCENDING."""
        with self._reading() as uow:
            return _listed(
                uow,
                {"region": ctx.region},
                "reports",
                sort_order,
                next_token,
                max_results,
                filter,
                self._clock.now(),
            )

    def list_reports_for_report_group(
        self,
        ctx: RequestContext,
        *,
        report_group_arn: str,
        next_token: str | None = None,
        sort_order: str | None = None,
        max_results: int | None = None,
        filter: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        with self._reading() as uow:
            group = find_group(uow, ctx, report_group_arn)
            if group is None:
                raise ResourceNotFoundException(f"Report group not found: {report_group_arn}")
            kind = f"group-reports:{group.arn}"
            return _listed(
                uow,
                {"group_arn": group.arn},
                kind,
                sort_order,
                next_token,
                max_results,
                filter,
                self._clock.now(),
            )

    def batch_get_reports(self, ctx: RequestContext, *, report_arns: list[str]) -> dict[str, Any]:
        found: list[dict[str, Any]] = []
        missing: list[str] = []
        now = self._clock.now()
        with self._reading() as uow:
            for arn in dict.fromkeys(report_arns):
                record = find_report(uow, ctx, arn, now)
                if record is None:
                    missing.append(arn)
                else:
                    found.append(report_shape(record))
        return {"reports": found, "reportsNotFound": missing}

    def delete_report(self, ctx: RequestContext, *, arn: str) -> dict[str, Any]:
        """The report with its test cases or coverages; a missing report answers nothing. The ARN
        stays in its build's reportArns (where BatchGetReports then reports it not found)."""
        with self._store.unit_of_work() as uow:
            record = find_report(uow, ctx, arn, self._clock.now())
            if record is not None:
                uow.test_cases.remove(report_arn=record.arn)
                uow.code_coverages.remove(report_arn=record.arn)
                uow.reports.remove(arn=record.arn)
                uow.commit()
        return {}


def find_report(uow: UnitOfWork, ctx: RequestContext, arn: str, now: datetime) -> ReportRecord | None:
    """The report with this ARN, if it is of the caller's region and account and not expired by `now`."""
    if not arn.startswith(ctx.arn("codebuild", "report/")):
        return None
    found = uow.reports.get(arn=arn)
    return found if found is not None and not expired(found, now) else None


def expired(report: ReportRecord, now: datetime) -> bool:
    """Whether the report's `expired` time has come (the sweep deletes it then)."""
    return report.expired_at <= now


def unexpired(now: datetime) -> dict[str, datetime]:
    """The `at_least` bound of a page query that keeps the reports not expired by `now` (the store
    keeps microseconds: a report expiring after now expires a microsecond after it at the earliest)."""
    return {"expired_at": now + timedelta(microseconds=1)}


def _listed(
    uow: UnitOfWork,
    owner: dict[str, Any],
    kind: str,
    sort_order: str | None,
    next_token: str | None,
    max_results: int | None,
    report_filter: dict[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
    """One page of report ARNs by creation (the report's id), after the token's report."""
    descending = (sort_order or "DESCENDING") == "DESCENDING"
    status = (report_filter or {}).get("status")
    kind = f"{kind}:{'D' if descending else 'A'}:{status or ''}"
    size = max_results or PAGE_SIZE
    equals = {**owner, **({"status": status} if status else {})}
    query = PageQuery(
        order=("id",),
        limit=size + 1,
        equals=equals,
        descending=descending,
        after=cursor_of(next_token, kind, (int,)),
        at_least=unexpired(now),
    )
    rows = uow.reports.page(query)
    out: dict[str, Any] = {"reports": [r.arn for r in rows[:size]]}
    if len(rows) > size:
        out["nextToken"] = cursor_token(kind, [rows[size - 1].id])
    return out
