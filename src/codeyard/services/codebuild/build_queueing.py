"""A new build queued: its record (SUBMITTED done, QUEUED begun), its job for the runners and its
first events, added to the caller's unit of work (StartBuild, RetryBuild and a batch's members)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from codeyard.services.codebuild.build_requests import build_details, job_for
from codeyard.services.codebuild.build_shapes import BuildEvents
from codeyard.services.codebuild.build_states import BuildStatus, submitted
from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.services.codebuild.fleet_pool import bind_fleet
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild import BuildRecord, ProjectRecord
from codeyard.store.ports.work import JobRecord

JOB_KIND = "build"


@dataclass(frozen=True)
class NewBuild:
    """What a new build is: its id, who asked, when, and what the batch adds (if a member)."""

    build_id: str
    initiator: str
    now: datetime
    token: str | None = None
    batch_arn: str | None = None
    batch_identifier: str | None = None


def queue_build(
    uow: UnitOfWork,
    project: ProjectRecord,
    request: dict[str, Any],
    new: NewBuild,
    events: BuildEvents,
    minute_seconds: int,
) -> BuildRecord:
    """Adds the build, its job and its events; the project row should be locked by the caller
    (PostgreSQL) so that two builds of one project never share a number."""
    last = uow.builds.find(
        region=project.region, project_name=project.name, order_by="build_number", descending=True, limit=1
    )
    override = request.get("fleetOverride")
    if override is not None and not (isinstance(override, dict) and override.get("fleetArn")):
        raise InvalidInputException("Invalid fleetOverride: fleetArn must name a fleet (its ARN or name)")
    details = build_details(project, request, new.build_id)
    # The fleet whose runners alone take the build (the project's or fleetOverride's); must exist.
    # Its row is locked shared until the build is queued: a DeleteFleet at once waits, then sees it.
    fleet = bind_fleet(uow, project.region, details["environment"], lock=True)
    if new.batch_arn:
        details["buildBatchArn"] = new.batch_arn
    if new.batch_identifier:
        details["batchIdentifier"] = new.batch_identifier
    record = submitted(
        BuildRecord(
            id=new.build_id,
            region=project.region,
            arn=project.arn.rpartition(":project/")[0] + f":build/{new.build_id}",
            project_name=project.name,
            build_number=(last[0].build_number + 1) if last else 1,
            status=BuildStatus.IN_PROGRESS,
            current_phase="SUBMITTED",
            build_complete=False,
            start_time=new.now,
            initiator=new.initiator,
            details=details,
            idempotency_token=new.token,
        )
    )
    uow.builds.add(record)
    reset = uow.cache_resets.get(region=project.region, project_name=project.name)
    job = JobRecord(
        id=new.build_id,
        kind=JOB_KIND,
        region=project.region,
        state="QUEUED",
        created_at=new.now,
        payload=job_for(record, minute_seconds, reset.generation if reset is not None else 0).to_dict(),
        fleet=fleet,
    )
    uow.jobs.add(job)
    uow.outbox.add(events.state_change(record))
    uow.outbox.add(events.phase_change(record, record.phases[0]))
    return record
