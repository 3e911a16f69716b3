"""A build's progress as its runner reports it: leased, phases, log chunks, the end, or the runner lost.

Each method changes one build inside the caller's unit of work (the work queue's transaction), with
the events the change causes; none commits."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from codeyard.execution.messages import Completion, LogChunk, PhaseUpdate
from codeyard.services.codebuild.batch_scheduler import BatchScheduler
from codeyard.services.codebuild.build_shapes import BuildEvents, to_ms, to_time
from codeyard.services.codebuild.build_states import (
    BuildStatus,
    completed,
    phase_ended,
    phase_started,
)
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.codebuild import BuildLogRecord, BuildRecord

RUNNER_LOST = "RUNNER_LOST"


class BuildProgress:
    def __init__(self, events: BuildEvents, batches: BatchScheduler | None = None) -> None:
        self._events = events
        # Sees a batch member's end in the transaction that ends it (None: no batch builds).
        self._batches = batches

    def expire_batches(self, uow: UnitOfWork, now: datetime) -> int:
        """Batches past their timeoutInMins stop (TIMED_OUT); answers how many."""
        return self._batches.expire(uow, now) if self._batches is not None else 0

    def leased(self, uow: UnitOfWork, build_id: str, now: datetime) -> None:
        """A runner took the build: QUEUED ends."""
        record = self._open(uow, build_id)
        if record is None:
            return
        record, ended = phase_ended(record, "QUEUED", "SUCCEEDED", to_ms(now), [])
        uow.builds.update(record)
        if ended is not None:
            uow.outbox.add(self._events.phase_change(record, ended))

    def phase(self, uow: UnitOfWork, build_id: str, update: PhaseUpdate) -> None:
        record = self._open(uow, build_id)
        if record is None or update.phase == "COMPLETED":
            return
        if update.status is None:
            uow.builds.update(phase_started(record, update.phase, update.start_ms))
            return
        record = phase_started(record, update.phase, update.start_ms)
        record, ended = phase_ended(
            record, update.phase, update.status, update.end_ms or update.start_ms, update.contexts
        )
        uow.builds.update(record)
        if ended is not None:
            uow.outbox.add(self._events.phase_change(record, ended))

    def resolved(self, uow: UnitOfWork, build_id: str, version: str) -> None:
        """The source was resolved to `version` (a commit id)."""
        record = uow.builds.get(id=build_id, for_update=True)
        if record is not None and record.details.get("resolvedSourceVersion") != version:
            uow.builds.update(_with_details(record, resolvedSourceVersion=version))

    def artifact(
        self,
        uow: UnitOfWork,
        build_id: str,
        identifier: str,
        location: str,
        md5sum: str | None,
        sha256sum: str | None,
    ) -> None:
        """An artifact (the primary one when `identifier` is "") was kept at `location`."""
        record = self._open(uow, build_id)
        if record is None:
            return
        kept: dict[str, Any] = {"location": location}
        if md5sum and sha256sum:
            kept.update(md5sum=md5sum, sha256sum=sha256sum)
        if not identifier:
            uow.builds.update(
                _with_details(record, artifacts={**record.details.get("artifacts", {}), **kept})
            )
            return
        secondary = [
            {**a, **kept} if a.get("artifactIdentifier") == identifier else a
            for a in record.details.get("secondaryArtifacts", [])
        ]
        uow.builds.update(_with_details(record, secondaryArtifacts=secondary))

    def log(self, uow: UnitOfWork, build_id: str, chunk: LogChunk) -> bool:
        """Stores a chunk; False when it was stored already (a resent chunk)."""
        try:
            # Only the chunk's number is kept: its lines are in the build's log stream already
            # (keeping them here too stored every build's log twice).
            uow.build_logs.add(BuildLogRecord(build_id, chunk.sequence, to_time(chunk.time_ms)))
        except Conflict:
            return False
        return True

    @staticmethod
    def logged(uow: UnitOfWork, build_id: str, sequence: int) -> bool:
        """Whether the chunk `sequence` of the build is stored."""
        return uow.build_logs.get(build_id=build_id, sequence=sequence) is not None

    @staticmethod
    def log_stream(uow: UnitOfWork, build_id: str) -> tuple[str, str, str] | None:
        """The build's CloudWatch Logs (region, group, stream)."""
        record = uow.builds.get(id=build_id)
        if record is None:
            return None
        logs = record.details.get("logs", {})
        return record.region, logs.get("groupName", ""), logs.get("streamName", "")

    def complete(self, uow: UnitOfWork, build_id: str, completion: Completion) -> None:
        record = self._open(uow, build_id)
        if record is None:
            return
        details: dict[str, Any] = {}
        if completion.resolved_source_version:
            details["resolvedSourceVersion"] = completion.resolved_source_version
        if completion.exported_variables:
            details["exportedEnvironmentVariables"] = [
                {"name": name, "value": value} for name, value in completion.exported_variables.items()
            ]
        self._finish(
            uow, _with_details(record, **details), BuildStatus(completion.status), to_time(completion.end_ms)
        )

    def lost(self, uow: UnitOfWork, build_id: str, now: datetime, message: str) -> None:
        """The runner stopped heartbeating: the open phase and the build FAILED, context RUNNER_LOST."""
        record = self._open(uow, build_id)
        if record is not None:
            self._finish(
                uow, record, BuildStatus.FAILED, now, {"statusCode": RUNNER_LOST, "message": message}
            )

    def requeued(self, uow: UnitOfWork, build_id: str, now: datetime, message: str) -> None:
        """The runner was lost and the build goes back to the queue: the open phase FAILED with
        RUNNER_LOST, QUEUED begins again."""
        record = self._open(uow, build_id)
        if record is None:
            return
        if record.phases and "phaseStatus" not in record.phases[-1]:
            failure = [{"statusCode": RUNNER_LOST, "message": message}]
            record, ended = phase_ended(record, record.phases[-1]["phaseType"], "FAILED", to_ms(now), failure)
            if ended is not None:
                uow.outbox.add(self._events.phase_change(record, ended))
        uow.builds.update(phase_started(record, "QUEUED", to_ms(now)))

    def stopped(
        self, uow: UnitOfWork, build_id: str, now: datetime, failure: dict[str, str] | None = None
    ) -> None:
        """The build ended without a runner's report (stopped before it ran, or timed out queued)."""
        record = self._open(uow, build_id)
        if record is not None:
            status = BuildStatus.TIMED_OUT if failure else BuildStatus.STOPPED
            self._finish(uow, record, status, now, failure)

    def _finish(
        self,
        uow: UnitOfWork,
        record: BuildRecord,
        status: BuildStatus,
        end: datetime,
        failure: dict[str, str] | None = None,
    ) -> None:
        record, closed = completed(record, status, end, failure)
        uow.builds.update(record)
        if closed is not None:
            uow.outbox.add(self._events.phase_change(record, closed))
        uow.outbox.add(self._events.state_change(record))
        if self._batches is not None:
            self._batches.member_done(uow, record, end)

    @staticmethod
    def _open(uow: UnitOfWork, build_id: str) -> BuildRecord | None:
        """The build, locked, if it is still running."""
        record = uow.builds.get(id=build_id, for_update=True)
        if record is None or record.build_complete:
            return None
        return record


def _with_details(record: BuildRecord, **members: Any) -> BuildRecord:
    return replace(record, details={**record.details, **members}) if members else record
