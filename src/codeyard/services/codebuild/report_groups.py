"""Report groups: create, update, delete, batch get and list."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import CodeBuildBase
from codeyard.services.codebuild.errors import (
    InvalidInputException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)
from codeyard.services.codebuild.project_checks import check_tags
from codeyard.services.codebuild.report_shapes import (
    PAGE_SIZE,
    check_export_config,
    check_group_name,
    cursor_of,
    cursor_token,
    find_group,
    group_arn,
    group_shape,
)
from codeyard.services.codebuild.reports import expired
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.codebuild_reports import PageQuery, ReportGroupRecord

_SORT_KEYS = {  # each order ends with the name, unique in the region
    "NAME": ("name",),
    "CREATED_TIME": ("created_at", "name"),
    "LAST_MODIFIED_TIME": ("last_modified_at", "name"),
}


class ReportGroupsMixin(CodeBuildBase):
    def create_report_group(
        self,
        ctx: RequestContext,
        *,
        name: str,
        type: str,
        export_config: dict[str, Any],
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        check_group_name(name)
        check_tags(tags or [])
        now = self._clock.now()
        arn = group_arn(ctx.arn("codebuild", ""), name)
        record = ReportGroupRecord(
            region=ctx.region,
            name=name,
            arn=arn,
            type=type,
            created_at=now,
            last_modified_at=now,
            export_config=check_export_config(export_config),
            tags=list(tags or []),
        )
        with self._store.unit_of_work() as uow:
            if uow.report_groups.get(region=ctx.region, name=name) is not None:
                raise ResourceAlreadyExistsException(f"Report group already exists: {arn}")
            try:
                uow.report_groups.add(record)
            except Conflict:
                raise ResourceAlreadyExistsException(f"Report group already exists: {arn}") from None
            uow.commit()
        return {"reportGroup": group_shape(record)}

    def update_report_group(
        self,
        ctx: RequestContext,
        *,
        arn: str,
        export_config: dict[str, Any] | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        if tags is not None:
            check_tags(tags)
        with self._store.unit_of_work() as uow:
            updated = change_group(uow, ctx, arn, self._clock.now(), export_config, tags)
            uow.commit()
        return {"reportGroup": group_shape(updated)}

    def delete_report_group(
        self, ctx: RequestContext, *, arn: str, delete_reports: bool | None = None
    ) -> dict[str, Any]:
        """A group that holds reports (not expired) is refused unless `deleteReports`; a missing one
        answers nothing."""
        with self._store.unit_of_work() as uow:
            remove_group(uow, ctx, arn, bool(delete_reports), self._clock.now())
            uow.commit()
        return {}

    def batch_get_report_groups(self, ctx: RequestContext, *, report_group_arns: list[str]) -> dict[str, Any]:
        found: list[dict[str, Any]] = []
        missing: list[str] = []
        with self._reading() as uow:
            for arn in dict.fromkeys(report_group_arns):
                record = find_group(uow, ctx, arn)
                if record is None:
                    missing.append(arn)
                else:
                    found.append(group_shape(record))
        return {"reportGroups": found, "reportGroupsNotFound": missing}

    def list_report_groups(
        self,
        ctx: RequestContext,
        *,
        sort_order: str | None = None,
        sort_by: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        """The region's group ARNs in keyset pages by name, creation or last change (then name)."""
        sort_by = sort_by or "NAME"
        descending = sort_order == "DESCENDING"
        order = _SORT_KEYS[sort_by]
        kind = f"report-groups:{sort_by}:{'D' if descending else 'A'}"
        after = cursor_of(next_token, kind, tuple(datetime if c != "name" else str for c in order))
        size = max_results or PAGE_SIZE
        query = PageQuery(
            order=order, limit=size + 1, equals={"region": ctx.region}, descending=descending, after=after
        )
        with self._reading() as uow:
            rows = uow.report_groups.page(query)
        out: dict[str, Any] = {"reportGroups": [r.arn for r in rows[:size]]}
        if len(rows) > size:
            last = rows[size - 1]
            out["nextToken"] = cursor_token(kind, [getattr(last, column) for column in order])
        return out


def change_group(
    uow: UnitOfWork,
    ctx: RequestContext,
    arn: str,
    now: datetime,
    export_config: dict[str, Any] | None,
    tags: list[dict[str, str]] | None,
) -> ReportGroupRecord:
    """UpdateReportGroup's change, on the group's row locked first: of two updates at once the
    second waits and starts from the first's result, so neither change is lost."""
    record = find_group(uow, ctx, arn, for_update=True)
    if record is None:
        raise ResourceNotFoundException(f"Report group not found: {arn}")
    updated = replace(
        record,
        last_modified_at=now,
        export_config=record.export_config if export_config is None else check_export_config(export_config),
        tags=list(tags) if tags is not None else record.tags,
    )
    uow.report_groups.update(updated)
    return updated


def remove_group(uow: UnitOfWork, ctx: RequestContext, arn: str, delete_reports: bool, now: datetime) -> None:
    """DeleteReportGroup's change, on the group's row locked first: a report being filed into the
    group is stored before the group's reports are counted, or waits and then finds no group. Only
    reports not expired by `now` count; the expired ones (gone to every operation, not yet swept) are
    deleted with the group."""
    record = find_group(uow, ctx, arn, for_update=True)
    if record is None:
        return
    reports = uow.reports.find(group_arn=record.arn)
    live = [report for report in reports if not expired(report, now)]
    if live and not delete_reports:
        raise InvalidInputException(
            f"Cannot delete report group {record.arn}: it has {len(live)} report(s); "
            "delete them first or set deleteReports"
        )
    for report in reports:
        uow.test_cases.remove(report_arn=report.arn)
        uow.code_coverages.remove(report_arn=report.arn)
    uow.reports.remove(group_arn=record.arn)
    uow.report_groups.remove(region=record.region, name=record.name)
    uow.resource_policies.remove(resource_arn=record.arn)
