"""Builds: start, stop, retry, batch get, list and delete."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import CodeBuildBase
from codeyard.services.codebuild.batch_scheduler import BatchScheduler
from codeyard.services.codebuild.build_queueing import NewBuild, queue_build
from codeyard.services.codebuild.build_shapes import build_shape
from codeyard.services.codebuild.build_states import BuildStatus, completed
from codeyard.services.codebuild.errors import (
    AccountLimitExceededException,
    InvalidInputException,
    ResourceNotFoundException,
)
from codeyard.services.codebuild.idempotency import (
    TokenUse,
    claim,
    earlier_made,
    once,
    token_use,
)
from codeyard.services.codebuild.override_checks import check_overrides
from codeyard.services.codebuild.pages import page
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild import BuildRecord

PAGE_SIZE = 100


class BuildsMixin(CodeBuildBase):
    def start_build(
        self,
        ctx: RequestContext,
        *,
        project_name: str,
        secondary_sources_override: list[dict[str, Any]] | None = None,
        secondary_sources_version_override: list[dict[str, Any]] | None = None,
        source_version: str | None = None,
        artifacts_override: dict[str, Any] | None = None,
        secondary_artifacts_override: list[dict[str, Any]] | None = None,
        environment_variables_override: list[dict[str, Any]] | None = None,
        source_type_override: str | None = None,
        source_location_override: str | None = None,
        source_auth_override: dict[str, Any] | None = None,
        git_clone_depth_override: int | None = None,
        git_submodules_config_override: dict[str, Any] | None = None,
        buildspec_override: str | None = None,
        insecure_ssl_override: bool | None = None,
        report_build_status_override: bool | None = None,
        build_status_config_override: dict[str, Any] | None = None,
        environment_type_override: str | None = None,
        image_override: str | None = None,
        compute_type_override: str | None = None,
        certificate_override: str | None = None,
        cache_override: dict[str, Any] | None = None,
        service_role_override: str | None = None,
        privileged_mode_override: bool | None = None,
        timeout_in_minutes_override: int | None = None,
        queued_timeout_in_minutes_override: int | None = None,
        encryption_key_override: str | None = None,
        idempotency_token: str | None = None,
        logs_config_override: dict[str, Any] | None = None,
        registry_credential_override: dict[str, Any] | None = None,
        image_pull_credentials_type_override: str | None = None,
        debug_session_enabled: bool | None = None,
        fleet_override: dict[str, Any] | None = None,
        auto_retry_limit_override: int | None = None,
        host_kernel_override: str | None = None,
    ) -> dict[str, Any]:
        request = {
            "sourceVersion": source_version,
            "secondarySourcesOverride": secondary_sources_override,
            "secondarySourcesVersionOverride": secondary_sources_version_override,
            "artifactsOverride": artifacts_override,
            "secondaryArtifactsOverride": secondary_artifacts_override,
            "environmentVariablesOverride": environment_variables_override,
            "sourceTypeOverride": source_type_override,
            "sourceLocationOverride": source_location_override,
            "sourceAuthOverride": source_auth_override,
            "gitCloneDepthOverride": git_clone_depth_override,
            "gitSubmodulesConfigOverride": git_submodules_config_override,
            "buildspecOverride": buildspec_override,
            "insecureSslOverride": insecure_ssl_override,
            "reportBuildStatusOverride": report_build_status_override,
            "buildStatusConfigOverride": build_status_config_override,
            "environmentTypeOverride": environment_type_override,
            "imageOverride": image_override,
            "computeTypeOverride": compute_type_override,
            "certificateOverride": certificate_override,
            "cacheOverride": cache_override,
            "serviceRoleOverride": service_role_override,
            "privilegedModeOverride": privileged_mode_override,
            "timeoutInMinutesOverride": timeout_in_minutes_override,
            "queuedTimeoutInMinutesOverride": queued_timeout_in_minutes_override,
            "encryptionKeyOverride": encryption_key_override,
            "logsConfigOverride": logs_config_override,
            "fleetOverride": fleet_override,
            "autoRetryLimitOverride": auto_retry_limit_override,
        }
        request = {key: value for key, value in request.items() if value is not None}
        use = token_use(ctx.region, "StartBuild", idempotency_token, {"projectName": project_name, **request})
        return {"build": self._start(ctx, project_name, request, use)}

    def _start(
        self, ctx: RequestContext, project_name: str, request: dict[str, Any], use: TokenUse | None
    ) -> dict[str, Any]:
        return once(
            None if use is None else use.token, lambda: self._start_once(ctx, project_name, request, use)
        )

    def _start_once(
        self, ctx: RequestContext, project_name: str, request: dict[str, Any], use: TokenUse | None
    ) -> dict[str, Any]:
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            if use is not None and (made := earlier_made(uow, use, now, lambda i: uow.builds.get(id=i))):
                return build_shape(made)
            project = self._find_project(uow, ctx, project_name)
            if project is None:
                raise ResourceNotFoundException(f"Project cannot be found: {project_name}")
            check_overrides(project, request, ctx, self._clone_url_base)
            build_id = f"{project.name}:{self._ids.uuid()}"
            if use is not None:
                claim(uow, use, build_id, now)  # first: a second call with the token stops here
            # Locked (PostgreSQL) so that two builds of one project never share a number.
            uow.projects.get(region=project.region, name=project.name, for_update=True)
            limit = project.definition.get("concurrentBuildLimit")
            active = uow.builds.count(region=ctx.region, project_name=project.name, build_complete=False)
            if limit and active >= limit:
                raise AccountLimitExceededException(
                    f"Cannot have more than {limit} active builds for the project"
                )
            new = NewBuild(build_id, _initiator(ctx), now, use.token if use is not None else None)
            record = queue_build(uow, project, request, new, self._build_events, self._minute_seconds)
            uow.after_commit(self._wake)
            uow.commit()
        return build_shape(record)

    def _batch_member_done(self, uow: UnitOfWork, record: BuildRecord) -> None:
        """A batch's member ended here (stopped queued): its batch goes on or ends."""
        if record.details.get("buildBatchArn"):
            BatchScheduler(self._build_events, self._ids, self._minute_seconds, self._wake).member_done(
                uow, record, self._clock.now()
            )

    def stop_build(self, ctx: RequestContext, *, id: str) -> dict[str, Any]:
        """A queued build stops at once; a running one is told to at its runner's next heartbeat."""
        with self._store.unit_of_work() as uow:
            # The job locked before the build, as the runner's calls lock them (a completion: its
            # job, its build, then a batch member's batch), so neither waits on the other in a cycle.
            job = uow.jobs.get(id=self._find_build(uow, ctx, id).id, for_update=True)
            record = self._find_build(uow, ctx, id, for_update=True)
            if record.build_complete:
                raise InvalidInputException(f"Build {record.id} has already completed and cannot be stopped")
            if job is not None and job.state == "QUEUED":
                record, closed = completed(record, BuildStatus.STOPPED, self._clock.now())
                uow.builds.update(record)
                uow.jobs.update(replace(job, state="DONE"))
                if closed is not None:
                    uow.outbox.add(self._build_events.phase_change(record, closed))
                uow.outbox.add(self._build_events.state_change(record))
                self._batch_member_done(uow, record)
            elif job is not None and not job.stop_requested:
                uow.jobs.update(replace(job, stop_requested=True))
            uow.commit()
        return {"build": build_shape(record)}

    def retry_build(
        self, ctx: RequestContext, *, id: str | None = None, idempotency_token: str | None = None
    ) -> dict[str, Any]:
        """A new build of the same project with the first one's StartBuild request."""
        if not id:
            raise InvalidInputException("Build id must be given")
        with self._reading() as uow:
            record = self._find_build(uow, ctx, id)
        use = token_use(ctx.region, "RetryBuild", idempotency_token, {"id": record.id})
        return {"build": self._start(ctx, record.project_name, record.details["request"], use)}

    def batch_get_builds(self, ctx: RequestContext, *, ids: list[str]) -> dict[str, Any]:
        found: list[dict[str, Any]] = []
        missing: list[str] = []
        with self._reading() as uow:
            for build_id in dict.fromkeys(ids):
                record = uow.builds.get(id=_build_id(ctx, build_id))
                if record is None or record.region != ctx.region:
                    missing.append(build_id)
                else:
                    found.append(build_shape(record))
        return {"builds": found, "buildsNotFound": missing}

    def list_builds(
        self, ctx: RequestContext, *, sort_order: str | None = None, next_token: str | None = None
    ) -> dict[str, Any]:
        with self._reading() as uow:
            records = uow.builds.find(region=ctx.region)
        return self._id_page(records, sort_order, next_token, "builds")

    def list_builds_for_project(
        self,
        ctx: RequestContext,
        *,
        project_name: str,
        sort_order: str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        with self._reading() as uow:
            project = self._find_project(uow, ctx, project_name)
            if project is None:
                raise ResourceNotFoundException(f"Project cannot be found: {project_name}")
            records = uow.builds.find(region=ctx.region, project_name=project.name)
        return self._id_page(records, sort_order, next_token, f"project-builds-{project.name}")

    def batch_delete_builds(self, ctx: RequestContext, *, ids: list[str]) -> dict[str, Any]:
        """Completed builds are deleted with their logs; running ones are not (BUILD_IN_PROGRESS)."""
        deleted: list[str] = []
        refused: list[dict[str, str]] = []
        with self._store.unit_of_work() as uow:
            for given in dict.fromkeys(ids):
                record = uow.builds.get(id=_build_id(ctx, given), for_update=True)
                if record is None or record.region != ctx.region:
                    refused.append({"id": given, "statusCode": "BUILD_NOT_FOUND"})
                elif not record.build_complete:
                    refused.append({"id": given, "statusCode": "BUILD_IN_PROGRESS"})
                else:
                    uow.builds.remove(id=record.id)
                    uow.build_logs.remove(build_id=record.id)
                    uow.jobs.remove(id=record.id)
                    deleted.append(given)
            uow.commit()
        return {"buildsDeleted": deleted, "buildsNotDeleted": refused}

    @staticmethod
    def _id_page(
        records: list[BuildRecord], sort_order: str | None, token: str | None, kind: str
    ) -> dict[str, Any]:
        order = sort_order or "DESCENDING"
        records.sort(key=lambda r: (r.start_time, r.build_number, r.id), reverse=order == "DESCENDING")
        items, following = page(records, token, PAGE_SIZE, f"{kind}-{order}")
        out: dict[str, Any] = {"ids": [r.id for r in items]}
        if following:
            out["nextToken"] = following
        return out

    def _find_build(
        self, uow: UnitOfWork, ctx: RequestContext, given: str, *, for_update: bool = False
    ) -> BuildRecord:
        record = uow.builds.get(id=_build_id(ctx, given), for_update=for_update)
        if record is None or record.region != ctx.region:
            raise ResourceNotFoundException(f"Build cannot be found: {given}")
        return record


def _build_id(ctx: RequestContext, given: str) -> str:
    """A build id from an id or a build ARN."""
    prefix = ctx.arn("codebuild", "build/")
    return given[len(prefix) :] if given.startswith(prefix) else given


def _initiator(ctx: RequestContext) -> str:
    """AWS's initiator: the user name, or `role/session` for an assumed role."""
    principal = ctx.principal
    if principal.role_name:
        return f"{principal.role_name}/{principal.name}"
    return principal.name or principal.arn
