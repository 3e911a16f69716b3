"""Batch builds: start, stop, retry, batch get, list and delete (StartBuildBatch and its kin)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cached_property
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import CodeBuildBase
from codeyard.services.codebuild.batch_fleets import bind_member_fleets
from codeyard.services.codebuild.batch_plan import (
    BatchspecUnavailable,
    batch_of,
    build_groups,
    check_restrictions,
    member_artifacts,
    read_batchspec_file,
)
from codeyard.services.codebuild.batch_requests import REQUEST_MEMBERS, batch_details, camel
from codeyard.services.codebuild.batch_scheduler import BATCH_PREFIX, BatchScheduler
from codeyard.services.codebuild.batch_shapes import batch_shape, member_builds
from codeyard.services.codebuild.batch_states import begun, close_open, ended_phase, finished
from codeyard.services.codebuild.build_requests import DEFAULT_BUILDSPEC, inline_buildspec
from codeyard.services.codebuild.build_shapes import to_ms
from codeyard.services.codebuild.builds import _initiator
from codeyard.services.codebuild.errors import InvalidInputException, ResourceNotFoundException
from codeyard.services.codebuild.idempotency import (
    TokenUse,
    claim,
    earlier_made,
    earlier_target,
    once,
    token_use,
)
from codeyard.services.codebuild.override_checks import check_overrides
from codeyard.services.codebuild.report_shapes import cursor_of, cursor_token
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild import ProjectRecord
from codeyard.store.ports.codebuild_batches import BuildBatchRecord
from codeyard.store.ports.codebuild_reports import PageQuery

PAGE_SIZE = 100
RETRY_TYPES = ("RETRY_ALL_BUILDS", "RETRY_FAILED_BUILDS")


class BuildBatchesMixin(CodeBuildBase):
    @cached_property
    def _batches(self) -> BatchScheduler:
        return BatchScheduler(self._build_events, self._ids, self._minute_seconds, self._wake)

    def start_build_batch(
        self, ctx: RequestContext, *, project_name: str, idempotency_token: str | None = None, **given: Any
    ) -> dict[str, Any]:
        unknown = set(given) - set(REQUEST_MEMBERS)
        if unknown:
            raise InvalidInputException(f"Unknown parameters: {', '.join(sorted(unknown))}")
        request = {camel(name): value for name, value in given.items() if value is not None}
        use = token_use(
            ctx.region, "StartBuildBatch", idempotency_token, {"projectName": project_name, **request}
        )
        with self._reading() as uow:
            # A repeated call is answered before the batchspec is read again (checked once more,
            # locked, when the batch is stored).
            if use is not None and (earlier := self._batch_of_token(uow, use, lock=False)) is not None:
                return {"buildBatch": batch_shape(earlier, member_builds(uow, earlier))}
            project = self._find_project(uow, ctx, project_name)
        if project is None:
            raise ResourceNotFoundException(f"Project cannot be found: {project_name}")
        check_overrides(project, request, ctx, self._clone_url_base)
        config = request.get("buildBatchConfigOverride") or project.definition.get("buildBatchConfig")
        if not config:
            raise InvalidInputException(
                f"Batch builds are not enabled for project {project.name}: it has no buildBatchConfig"
            )
        batch_id = f"{project.name}:{self._ids.uuid()}"
        details = batch_details(project, request, batch_id, config)
        groups: list[dict[str, Any]] = []
        problem = ""
        try:
            groups = self._plan(ctx, project, request, details, batch_id)
        except BatchspecUnavailable as error:
            problem = str(error)
        return {
            "buildBatch": once(
                idempotency_token, lambda: self._begin(ctx, project, batch_id, details, groups, problem, use)
            )
        }

    def _plan(
        self,
        ctx: RequestContext,
        project: ProjectRecord,
        request: dict[str, Any],
        details: dict[str, Any],
        batch_id: str,
    ) -> list[dict[str, Any]]:
        """DOWNLOAD_BATCHSPEC: the buildspec read and expanded into groups (BatchspecUnavailable)."""
        source = details["source"]
        text = inline_buildspec(source)
        path = source.get("buildspec") or DEFAULT_BUILDSPEC
        commit = ""
        if text is None:
            if self._read_batchspec is None:
                raise BatchspecUnavailable(f"YAML_FILE_ERROR: the buildspec {path} cannot be read")
            found = read_batchspec_file(self._read_batchspec, ctx.region, details, path)
            text, commit = found.text, found.commit
        if commit:
            details["resolvedSourceVersion"] = commit
            request = {**request, "sourceVersion": commit}
        spec = batch_of(text, path if inline_buildspec(source) is None else "buildspec")
        details["fastFail"] = spec.fast_fail
        groups = build_groups(spec, request)
        config = details["buildBatchConfig"]
        artifacts = request.get("artifactsOverride") or project.definition["artifacts"]
        uuid = batch_id.rpartition(":")[2]
        if artifacts.get("type") == "S3":
            for group in groups:
                group["request"]["artifactsOverride"] = member_artifacts(
                    artifacts, group["identifier"], bool(config.get("combineArtifacts")), uuid
                )
        compute = details["environment"].get("computeType", "")
        check_restrictions(groups, config.get("restrictions"), compute)
        allowed = (config.get("restrictions") or {}).get("fleetsAllowed") or []
        with self._store.reader() as uow:
            bind_member_fleets(uow, ctx.region, groups, project.definition["environment"], allowed)
        return groups

    def _begin(
        self,
        ctx: RequestContext,
        project: ProjectRecord,
        batch_id: str,
        details: dict[str, Any],
        groups: list[dict[str, Any]],
        problem: str,
        use: TokenUse | None,
    ) -> dict[str, Any]:
        now = self._clock.now()
        start = to_ms(now)
        with self._store.unit_of_work() as uow:
            if use is not None:
                if (earlier := self._batch_of_token(uow, use)) is not None:
                    return batch_shape(earlier, member_builds(uow, earlier))
                claim(uow, use, batch_id, now)  # first: a second call with the token stops here
            if uow.projects.get(region=project.region, name=project.name, for_update=True) is None:
                raise ResourceNotFoundException(f"Project cannot be found: {project.name}")
            last = uow.build_batches.find(
                region=ctx.region,
                project_name=project.name,
                order_by="build_batch_number",
                descending=True,
                limit=1,
            )
            batch = BuildBatchRecord(
                id=batch_id,
                region=ctx.region,
                arn=ctx.arn("codebuild", f"build-batch/{batch_id}"),
                project_name=project.name,
                build_batch_number=(last[0].build_batch_number + 1) if last else 1,
                status="IN_PROGRESS",
                current_phase="DOWNLOAD_BATCHSPEC",
                complete=False,
                start_time=now,
                initiator=_initiator(ctx),
                details=details,
                phases=[
                    ended_phase("SUBMITTED", start, start, "SUCCEEDED"),
                    ended_phase(
                        "DOWNLOAD_BATCHSPEC", start, start, "FAILED" if problem else "SUCCEEDED", problem
                    ),
                ],
                build_groups=groups,
                idempotency_token=use.token if use is not None else None,
            )
            if problem:
                batch = finished(batch, "FAILED", now)
                uow.build_batches.add(batch)
            else:
                batch = begun(batch, "IN_PROGRESS", now)
                uow.build_batches.add(batch)
                batch = self._batches.settle(uow, self._batches.start_ready(uow, batch, now), now)
            shape = batch_shape(batch, member_builds(uow, batch))
            uow.commit()
        return shape

    def _batch_of_token(
        self, uow: UnitOfWork, use: TokenUse, *, lock: bool = True
    ) -> BuildBatchRecord | None:
        """The batch the token's live earlier use made (InvalidInputException: other parameters)."""
        return earlier_made(uow, use, self._clock.now(), lambda i: uow.build_batches.get(id=i), lock=lock)

    def stop_build_batch(self, ctx: RequestContext, *, id: str) -> dict[str, Any]:
        """Queued members stop at once, running ones at their runners' next heartbeat; the batch
        is STOPPED when its last running member ends."""
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            batch = self._find_batch(uow, ctx, id, locked=True)
            if batch.complete:
                raise InvalidInputException(
                    f"Build batch {batch.id} has already completed and cannot be stopped"
                )
            batch = replace(batch, details={**batch.details, "stopping": "STOPPED"})
            self._batches.stop_members(uow, batch, now)
            batch = self._batches.settle(uow, batch, now)
            shape = batch_shape(batch, member_builds(uow, batch))
            uow.commit()
        return {"buildBatch": shape}

    def retry_build_batch(
        self,
        ctx: RequestContext,
        *,
        id: str | None = None,
        idempotency_token: str | None = None,
        retry_type: str | None = None,
    ) -> dict[str, Any]:
        """A batch that failed (FAILED, STOPPED, TIMED_OUT) runs again: every group
        (RETRY_ALL_BUILDS) or the groups without a SUCCEEDED build (RETRY_FAILED_BUILDS) get a new
        build; the old ones become prior builds."""
        if not id:
            raise InvalidInputException("Build batch id must be given")
        kind = retry_type or "RETRY_ALL_BUILDS"
        if kind not in RETRY_TYPES:
            raise InvalidInputException(f"Invalid retryType: {kind}")
        return once(idempotency_token, lambda: self._retry_once(ctx, id, kind, idempotency_token))

    def _retry_once(self, ctx: RequestContext, id: str, kind: str, token: str | None) -> dict[str, Any]:
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            batch = self._find_batch(uow, ctx, id, locked=True)
            use = token_use(ctx.region, "RetryBuildBatch", token, {"id": batch.id, "retryType": kind})
            if use is not None:
                if earlier_target(uow, use, now) is not None:  # this batch, retried by that call
                    return {"buildBatch": batch_shape(batch, member_builds(uow, batch))}
                claim(uow, use, batch.id, now)
            if not batch.complete:
                raise InvalidInputException(
                    f"Build batch {batch.id} is still in progress and cannot be retried"
                )
            if batch.status == "SUCCEEDED":
                raise InvalidInputException(
                    f"Build batch {batch.id} succeeded: only batch builds that have failed can be retried"
                )
            if not batch.build_groups:
                raise InvalidInputException(
                    f"Build batch {batch.id} failed in DOWNLOAD_BATCHSPEC and has no builds to retry"
                )
            builds = member_builds(uow, batch)
            groups = []
            for group in batch.build_groups:
                current = builds.get(group.get("build") or "")
                again = kind == "RETRY_ALL_BUILDS" or current is None or current.status != "SUCCEEDED"
                if again and group.get("build"):
                    groups.append(
                        {**group, "prior": [*group.get("prior", []), group["build"]], "build": None}
                    )
                else:
                    groups.append(group)
            details = {k: v for k, v in batch.details.items() if k not in ("failed", "stopping", "problem")}
            batch = replace(
                close_open(batch, "SUCCEEDED", now),
                status="IN_PROGRESS",
                complete=False,
                end_time=None,
                details=details,
                build_groups=groups,
            )
            batch = begun(batch, "IN_PROGRESS", now)
            batch = self._batches.settle(uow, self._batches.start_ready(uow, batch, now), now)
            shape = batch_shape(batch, member_builds(uow, batch))
            uow.commit()
        return {"buildBatch": shape}

    def batch_get_build_batches(self, ctx: RequestContext, *, ids: list[str]) -> dict[str, Any]:
        found: list[dict[str, Any]] = []
        missing: list[str] = []
        with self._reading() as uow:
            for given in dict.fromkeys(ids):
                record = uow.build_batches.get(id=_batch_id(ctx, given))
                if record is None or record.region != ctx.region:
                    missing.append(given)
                else:
                    found.append(batch_shape(record, member_builds(uow, record)))
        return {"buildBatches": found, "buildBatchesNotFound": missing}

    def list_build_batches(
        self,
        ctx: RequestContext,
        *,
        filter: dict[str, Any] | None = None,
        max_results: int | None = None,
        sort_order: str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        return self._batch_page(ctx, None, filter, max_results, sort_order, next_token)

    def list_build_batches_for_project(
        self,
        ctx: RequestContext,
        *,
        project_name: str | None = None,
        filter: dict[str, Any] | None = None,
        max_results: int | None = None,
        sort_order: str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        if not project_name:
            raise InvalidInputException("Project name must be given")
        with self._reading() as uow:
            project = self._find_project(uow, ctx, project_name)
        if project is None:
            raise ResourceNotFoundException(f"Project cannot be found: {project_name}")
        return self._batch_page(ctx, project.name, filter, max_results, sort_order, next_token)

    def _batch_page(
        self,
        ctx: RequestContext,
        project: str | None,
        filter: dict[str, Any] | None,
        max_results: int | None,
        sort_order: str | None,
        next_token: str | None,
    ) -> dict[str, Any]:
        """Batch ids in keyset pages by (start time, id), newest first unless ASCENDING."""
        status = (filter or {}).get("status")
        descending = sort_order != "ASCENDING"
        kind = f"build-batches:{project or ''}:{status or ''}:{'D' if descending else 'A'}"
        after = cursor_of(next_token, kind, (datetime, str))
        size = max_results or PAGE_SIZE
        equals: dict[str, Any] = {"region": ctx.region}
        if project:
            equals["project_name"] = project
        if status:
            equals["status"] = status
        query = PageQuery(
            order=("start_time", "id"), limit=size + 1, equals=equals, descending=descending, after=after
        )
        with self._reading() as uow:
            rows = uow.build_batches.page(query)
        out: dict[str, Any] = {"ids": [r.id for r in rows[:size]]}
        if len(rows) > size:
            last = rows[size - 1]
            out["nextToken"] = cursor_token(kind, [last.start_time, last.id])
        return out

    def delete_build_batch(self, ctx: RequestContext, *, id: str) -> dict[str, Any]:
        """A completed batch is deleted with its builds (current and prior) and their logs."""
        with self._store.unit_of_work() as uow:
            batch = self._find_batch(uow, ctx, id, locked=True)
            if not batch.complete:
                raise InvalidInputException(
                    f"Build batch {batch.id} is still in progress and cannot be deleted"
                )
            deleted: list[str] = []
            refused: list[dict[str, str]] = []
            for build_id, record in member_builds(uow, batch).items():
                if not record.build_complete:
                    refused.append({"id": build_id, "statusCode": "BUILD_IN_PROGRESS"})
                    continue
                uow.builds.remove(id=build_id)
                uow.build_logs.remove(build_id=build_id)
                uow.jobs.remove(id=build_id)
                deleted.append(build_id)
            uow.build_batches.remove(id=batch.id)
            uow.commit()
        return {"statusCode": "BATCH_DELETED", "buildsDeleted": deleted, "buildsNotDeleted": refused}

    def _find_batch(
        self, uow: UnitOfWork, ctx: RequestContext, given: str, *, locked: bool = False
    ) -> BuildBatchRecord:
        """The batch an id or ARN names; `locked`: locked after its builds (BatchScheduler.locked)."""
        batch_id = _batch_id(ctx, given)
        record = self._batches.locked(uow, batch_id) if locked else uow.build_batches.get(id=batch_id)
        if record is None or record.region != ctx.region:
            raise ResourceNotFoundException(f"Build batch cannot be found: {given}")
        return record


def _batch_id(ctx: RequestContext, given: str) -> str:
    """A batch id from an id or a batch ARN."""
    prefix = ctx.arn("codebuild", BATCH_PREFIX.lstrip(":"))
    return given[len(prefix) :] if given.startswith(prefix) else given
