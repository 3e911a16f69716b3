"""A batch's members on the way: started when their dependencies allow, and the batch ended when
its last running member ends (SUCCEEDED, FAILED, STOPPED or TIMED_OUT).

Every method works inside the caller's unit of work (a member's end is seen in the transaction
that ends it), changes the batch row it locked and commits nothing; builds it queues wake the
runners once that transaction commits (uow.after_commit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from codeyard.ids import IdGenerator
from codeyard.services.codebuild.batch_states import begun, finished
from codeyard.services.codebuild.build_queueing import NewBuild, queue_build
from codeyard.services.codebuild.build_shapes import BuildEvents
from codeyard.services.codebuild.build_states import BuildStatus, completed
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild import BuildRecord
from codeyard.store.ports.codebuild_batches import BuildBatchRecord

BATCH_PREFIX = ":build-batch/"


def batch_id_of(arn: str) -> str:
    return arn.rpartition(BATCH_PREFIX)[2]


class BatchScheduler:
    def __init__(
        self,
        events: BuildEvents,
        ids: IdGenerator,
        minute_seconds: int = 60,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self._events = events
        self._ids = ids
        self._minute_seconds = minute_seconds
        # Wakes the runners' long polls (every server's) for the builds queued here.
        self._wake = wake

    @staticmethod
    def locked(uow: UnitOfWork, batch_id: str) -> BuildBatchRecord | None:
        """The batch, locked after its members' builds: every transaction that locks both locks a
        build first (a member's end locks its build, then the batch), so none waits on another
        in a cycle (PostgreSQL; SQLite serialises writers)."""
        batch = uow.build_batches.get(id=batch_id)
        if batch is None:
            return None
        for group in batch.build_groups:
            if group.get("build"):
                uow.builds.get(id=group["build"], for_update=True)
        return uow.build_batches.get(id=batch_id, for_update=True)

    def start_ready(self, uow: UnitOfWork, batch: BuildBatchRecord, now: datetime) -> BuildBatchRecord:
        """Starts every group whose build is not started and whose dependencies allow it (each
        ended SUCCEEDED, or failed with ignoreFailure); the batch is answered, not stored."""
        if batch.complete or batch.details.get("failed") or batch.details.get("stopping"):
            return batch
        groups = [dict(g) for g in batch.build_groups]
        by_identifier = {g["identifier"]: g for g in groups}
        ready = [g for g in groups if not g.get("build") and self._allowed(uow, g, by_identifier)]
        if not ready:
            return batch
        project = uow.projects.get(region=batch.region, name=batch.project_name, for_update=True)
        if project is None:
            failed = replace(batch, details={**batch.details, "failed": True})
            return self.settle(uow, failed, now, f"Project cannot be found: {batch.project_name}")
        for group in ready:
            build_id = f"{project.name}:{self._ids.uuid()}"
            new = NewBuild(build_id, batch.initiator, now, None, batch.arn, group["identifier"])
            queue_build(uow, project, group["request"], new, self._events, self._minute_seconds)
            group["build"] = build_id
        if self._wake is not None:  # once committed: a runner woken earlier would not see them
            uow.after_commit(self._wake)
        return replace(batch, build_groups=groups)

    @staticmethod
    def _allowed(uow: UnitOfWork, group: dict[str, Any], groups: dict[str, dict[str, Any]]) -> bool:
        for name in group.get("dependsOn", []):
            dependency = groups.get(name)
            build = uow.builds.get(id=dependency["build"]) if dependency and dependency.get("build") else None
            if build is None or not build.build_complete:
                return False
            if build.status != BuildStatus.SUCCEEDED and not dependency.get("ignoreFailure"):  # type: ignore[union-attr]
                return False
        return True

    def member_done(self, uow: UnitOfWork, build: BuildRecord, now: datetime) -> None:
        """A member build ended (in this unit of work): a failure without ignoreFailure fails the
        batch (stopping the rest with fast-fail), dependents start, and the batch ends when no
        member runs."""
        arn = build.details.get("buildBatchArn")
        if not arn:
            return
        batch = uow.build_batches.get(id=batch_id_of(arn), for_update=True)
        if batch is None or batch.complete:
            return
        group = next((g for g in batch.build_groups if g.get("build") == build.id), None)
        if group is None:
            return
        if build.status != BuildStatus.SUCCEEDED and not group.get("ignoreFailure"):
            batch = replace(batch, details={**batch.details, "failed": True})
            if batch.details.get("fastFail"):
                self.stop_members(uow, batch, now)
        batch = self.start_ready(uow, batch, now)
        self.settle(uow, batch, now)

    def stop_members(self, uow: UnitOfWork, batch: BuildBatchRecord, now: datetime) -> None:
        """Queued members stop at once, running ones at their runners' next heartbeat."""
        for group in batch.build_groups:
            record = uow.builds.get(id=group["build"], for_update=True) if group.get("build") else None
            if record is None or record.build_complete:
                continue
            job = uow.jobs.get(id=record.id, for_update=True)
            if job is not None and job.state == "QUEUED":
                record, closed = completed(record, BuildStatus.STOPPED, now)
                uow.builds.update(record)
                uow.jobs.update(replace(job, state="DONE"))
                if closed is not None:
                    uow.outbox.add(self._events.phase_change(record, closed))
                uow.outbox.add(self._events.state_change(record))
            elif job is not None and not job.stop_requested:
                uow.jobs.update(replace(job, stop_requested=True))

    def settle(
        self, uow: UnitOfWork, batch: BuildBatchRecord, now: datetime, message: str = ""
    ) -> BuildBatchRecord:
        """Stores the batch, ended if none of its members runs and none can start."""
        running = False
        for group in batch.build_groups:
            record = uow.builds.get(id=group["build"]) if group.get("build") else None
            running = running or (record is not None and not record.build_complete)
        waiting = any(not g.get("build") for g in batch.build_groups)
        stopping = batch.details.get("stopping")
        if running or (waiting and not stopping and not batch.details.get("failed")):
            uow.build_batches.update(batch)
            return batch
        if stopping:
            batch = finished(batch, stopping, now, message or _stopped_message(stopping))
        elif batch.details.get("failed"):
            batch = finished(batch, "FAILED", now, message or "One or more builds of the batch failed")
        else:
            if batch.details.get("combineArtifacts"):
                batch = begun(batch, "COMBINE_ARTIFACTS", now)
            batch = finished(batch, "SUCCEEDED", now)
        uow.build_batches.update(batch)
        return batch

    def expire(self, uow: UnitOfWork, now: datetime) -> int:
        """Batches past their timeoutInMins stop (TIMED_OUT); answers how many."""
        count = 0
        for candidate in uow.build_batches.find(complete=False):
            minutes = candidate.details.get("timeoutInMins")
            if not minutes or candidate.details.get("stopping"):
                continue
            if candidate.start_time + timedelta(seconds=int(minutes) * self._minute_seconds) > now:
                continue
            found = self.locked(uow, candidate.id)
            if found is None or found.complete or found.details.get("stopping"):
                continue
            batch = replace(found, details={**found.details, "stopping": "TIMED_OUT"})
            self.stop_members(uow, batch, now)
            self.settle(uow, batch, now)
            count += 1
        return count


def _stopped_message(status: str) -> str:
    return "The batch build timed out" if status == "TIMED_OUT" else "The batch build was stopped"
