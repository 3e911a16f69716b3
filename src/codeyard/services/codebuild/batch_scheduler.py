"""A batch's members on the way: started when their dependencies allow, and the batch ended when
its last running member ends (SUCCEEDED, FAILED, STOPPED or TIMED_OUT).

Every method works inside the caller's unit of work (a member's end is seen in the transaction
that ends it), changes the batch row it locked and commits nothing; builds it queues wake the
runners once that transaction commits (uow.after_commit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from codeyard.ids import IdGenerator
from codeyard.services.codebuild.batch_states import begun, finished
from codeyard.services.codebuild.build_queueing import NewBuild, queue_build
from codeyard.services.codebuild.build_shapes import BuildEvents, to_time
from codeyard.services.codebuild.build_states import BuildStatus, completed
from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.store.ports import Repository, UnitOfWork
from codeyard.store.ports.codebuild import BuildRecord
from codeyard.store.ports.codebuild_batches import BuildBatchRecord
from codeyard.store.ports.codebuild_reports import PageQuery

BATCH_PREFIX = ":build-batch/"
DUE_PER_TICK = 100  # batches one tick looks at; the others wait for the next tick
T = TypeVar("T")


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
    def locked(
        uow: UnitOfWork, batch_id: str, only: Callable[[str], bool] | None = None
    ) -> BuildBatchRecord | None:
        """The batch, locked after its members' jobs and builds (with `only`, the members it
        accepts): every transaction that locks them locks in that order (a member's end locks its
        job, its build, then the batch), so none waits on another in a cycle (PostgreSQL; SQLite
        serialises writers). Members the batch gained while they were being locked are locked in
        another round."""
        held: set[str] = set()
        while True:
            batch = uow.build_batches.get(id=batch_id)
            if batch is None:
                return None
            members = [
                g["build"]
                for g in batch.build_groups
                if g.get("build") and g["build"] not in held and (only is None or only(g["build"]))
            ]
            if not members:
                return uow.build_batches.get(id=batch_id, for_update=True)
            for build_id in members:
                uow.jobs.get(id=build_id, for_update=True)
                uow.builds.get(id=build_id, for_update=True)
                held.add(build_id)

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
        problem = ""
        for group in ready:
            build_id = f"{project.name}:{self._ids.uuid()}"
            new = NewBuild(build_id, batch.initiator, now, None, batch.arn, group["identifier"])
            try:
                queue_build(uow, project, group["request"], new, self._events, self._minute_seconds)
            except InvalidInputException as error:  # its fleet was deleted after DOWNLOAD_BATCHSPEC
                problem = problem or f"Build {group['identifier']} cannot start: {error.message}"
                continue
            group["build"] = build_id
        if self._wake is not None:  # once committed: a runner woken earlier would not see them
            uow.after_commit(self._wake)
        if problem:  # the batch fails as a member's failure fails it, with what stopped the member
            details = {**batch.details, "failed": True, "problem": problem}
            return replace(batch, build_groups=groups, details=details)
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
                # The batch is locked now: waiting here for another member's row could close a
                # cycle with that member's end (its job and build, then this batch), so members
                # held elsewhere are left to the scheduler tick (expire).
                self.stop_members(uow, batch, now, wait=False)
        batch = self.start_ready(uow, batch, now)
        self.settle(uow, batch, now)

    def stop_members(
        self, uow: UnitOfWork, batch: BuildBatchRecord, now: datetime, *, wait: bool = True
    ) -> int:
        """Queued members stop at once, running ones at their runners' next heartbeat; answers how
        many were changed. Members already asked to stop (or ended) are not locked again. Without
        `wait`, a member whose job or build another transaction holds is skipped (PostgreSQL)
        rather than waited for."""
        changed = 0
        for group in batch.build_groups:
            if not group.get("build") or not _to_stop(uow, group["build"]):
                continue
            job = _locked(uow.jobs, group["build"], wait)
            record = _locked(uow.builds, group["build"], wait) if job is not None or wait else None
            if record is None or record.build_complete:
                continue
            if job is not None and job.state == "QUEUED":
                record, closed = completed(record, BuildStatus.STOPPED, now)
                uow.builds.update(record)
                uow.jobs.update(replace(job, state="DONE"))
                if closed is not None:
                    uow.outbox.add(self._events.phase_change(record, closed))
                uow.outbox.add(self._events.state_change(record))
                changed += 1
            elif job is not None and not job.stop_requested:
                uow.jobs.update(replace(job, stop_requested=True))
                changed += 1
        return changed

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
            batch = replace(batch, due_at=self._due(uow, batch, now))
            uow.build_batches.update(batch)
            return batch
        if stopping:
            batch = finished(batch, stopping, now, message or _stopped_message(stopping))
        elif batch.details.get("failed"):
            failure = message or batch.details.get("problem") or "One or more builds of the batch failed"
            batch = finished(batch, "FAILED", now, failure)
        else:
            if batch.details.get("combineArtifacts"):
                batch = begun(batch, "COMBINE_ARTIFACTS", now)
            batch = finished(batch, "SUCCEEDED", now)
        uow.build_batches.update(replace(batch, due_at=None))
        return replace(batch, due_at=None)

    def _due(self, uow: UnitOfWork, batch: BuildBatchRecord, now: datetime) -> datetime | None:
        """When the scheduler's tick must look at this open batch (see BuildBatchRecord.due_at)."""
        if batch.complete or batch.details.get("stopping"):
            return None
        if _failing_fast(batch) and any(
            _to_stop(uow, g["build"]) for g in batch.build_groups if g.get("build")
        ):
            return now
        return self._timeout_at(batch)

    def expire(self, uow: UnitOfWork, now: datetime) -> int:
        """Batches past their timeoutInMins stop (TIMED_OUT), and failed fast-fail batches stop
        the members their failing member's end could not lock; answers how many batches changed.
        Only the batches due (by the indexed due_at, the first DUE_PER_TICK) are read; each one
        looked at is stored with its next due time."""
        count = 0
        due = PageQuery(order=("due_at", "id"), limit=DUE_PER_TICK, at_most={"due_at": now})
        for candidate in uow.build_batches.page(due):
            timed_out = self._timed_out(candidate, now) and not candidate.details.get("stopping")
            found = self.locked(uow, candidate.id, None if timed_out else lambda b: _to_stop(uow, b))
            if found is None or found.complete:
                continue
            batch = found
            if found.details.get("stopping"):
                pass  # stored with no due time below
            elif self._timed_out(found, now):
                batch = replace(found, details={**found.details, "stopping": "TIMED_OUT"})
                self.stop_members(uow, batch, now)
                count += 1
            elif _failing_fast(found) and self.stop_members(uow, found, now):
                count += 1
            self.settle(uow, batch, now)
        return count

    def _timeout_at(self, batch: BuildBatchRecord) -> datetime | None:
        """The end of timeoutInMins from the start of its run: the latest IN_PROGRESS phase, as a
        retry begins a new one (counting from the batch's first start timed a late retry out at once)."""
        minutes = batch.details.get("timeoutInMins")
        if not minutes:
            return None
        runs = [p["startTime"] for p in batch.phases if p.get("phaseType") == "IN_PROGRESS"]
        begun = to_time(runs[-1]) if runs else batch.start_time
        return begun + timedelta(seconds=int(minutes) * self._minute_seconds)

    def _timed_out(self, batch: BuildBatchRecord, now: datetime) -> bool:
        end = self._timeout_at(batch)
        return end is not None and end <= now


def _failing_fast(batch: BuildBatchRecord) -> bool:
    return bool(batch.details.get("failed") and batch.details.get("fastFail"))


def _to_stop(uow: UnitOfWork, build_id: str) -> bool:
    """Whether a member still needs stopping (read without a lock): its build runs and its job
    is queued or not yet asked to stop."""
    job = uow.jobs.get(id=build_id)
    if job is None or (job.stop_requested and job.state != "QUEUED"):
        return False  # without a job there is nothing to ask
    build = uow.builds.get(id=build_id)
    return build is not None and not build.build_complete


def _locked(rows: Repository[T], build_id: str, wait: bool) -> T | None:
    """A member's job or build row, locked; without `wait` None when another transaction holds it."""
    if wait:
        return rows.get(id=build_id, for_update=True)
    found = rows.find(id=build_id, limit=1, for_update=True, skip_locked=True)
    return found[0] if found else None


def _stopped_message(status: str) -> str:
    return "The batch build timed out" if status == "TIMED_OUT" else "The batch build was stopped"
