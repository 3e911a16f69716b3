"""The work queue: jobs in the database, leased to runners until their heartbeats stop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from codeyard.clock import Clock
from codeyard.execution.artifact_store import ArtifactStore, artifact_key
from codeyard.execution.messages import Completion, Job, LeaseRenewal, LogChunk, PhaseUpdate
from codeyard.services.codebuild.fleet_pool import ON_DEMAND, SEEN_SECONDS, pool
from codeyard.services.codebuild.progress import BuildProgress
from codeyard.store.ports import Store, UnitOfWork
from codeyard.store.ports.work import JobRecord

QUEUED, LEASED, DONE = "QUEUED", "LEASED", "DONE"
CLAIM_ATTEMPTS = 5
# Where build logs go: (region, group, stream, [(time in ms, line)]), e.g. the CloudWatch Logs service.
LogSink = Callable[[str, str, str, list[tuple[int, str]]], None]


class Expired(NamedTuple):
    """What one look for what outlived its time changed."""

    lost: int = 0  # builds ended (FAILED, or STOPPED if asked to stop): their runners stopped heartbeating
    requeued: int = 0  # builds queued again (the project's retries last) for the same reason
    queued_timed_out: int = 0  # builds queued longer than their queued timeout (TIMED_OUT)
    # batches stopped: past their timeoutInMins (TIMED_OUT), or failed fast-fail batches whose
    # members the failing member's end could not lock
    batches_stopped: int = 0

    @property
    def total(self) -> int:
        return sum(self)


class LeaseLost(Exception):
    """The job is not (or no longer) leased to the runner that calls."""


class UnknownRunner(Exception):
    """The runner is no longer registered (its record was deleted while it polled)."""


class WorkQueue:
    """Claims, renews and expires leases; applies a runner's reports to its build in the same transaction.

    On SQLite a unit of work holds the database's write lock, so a claim is exclusive; on
    PostgreSQL the candidate row is taken FOR UPDATE SKIP LOCKED, so concurrent claims lock
    different jobs instead of waiting on each other's."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        progress: BuildProgress,
        lease_seconds: int,
        log_sink: LogSink | None = None,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self._log_sink = log_sink
        # Wakes the runners' long polls (every server's) for a build queued again.
        self._wake = wake
        self._store = store
        self._clock = clock
        self._progress = progress
        self.lease_seconds = lease_seconds

    def claim(self, runner_id: str) -> Job | None:
        """The oldest queued job, now leased to the runner; None when none is queued."""
        for _ in range(CLAIM_ATTEMPTS):
            job, contended = self._claim_once(runner_id)
            if job is not None or not contended:
                return job
        return None

    def _claim_once(self, runner_id: str) -> tuple[Job | None, bool]:
        """A claim; the flag says another poller took the candidate first while jobs remain queued.
        A runner of a fleet takes only that fleet's jobs; an on-demand runner takes the jobs of no
        fleet, and those of ON_DEMAND fleets without an idle runner (fleet_pool.py)."""
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            # The runner's row stays locked until the lease is committed: the housekeeping's
            # forgetting (which locks it too, then looks for a lease) either waits and finds the
            # lease, or removed the runner first and this claim finds no runner.
            runner = uow.runners.get(runner_id=runner_id, for_update=True)
            if runner is None:
                raise UnknownRunner(runner_id)
            seen = runner.last_seen_at is None or runner.last_seen_at <= now - timedelta(seconds=SEEN_SECONDS)
            if seen:  # the runner polls: it counts as live for its fleet's pool
                uow.runners.update(replace(runner, last_seen_at=now))
            job = self._candidate(uow, runner.fleet, now)
            if job is None:
                # Every queued row is locked by other claims (PostgreSQL skips them): look again
                # if some stay queued once those claims are done.
                contended = uow.jobs.count(state=QUEUED, fleet=runner.fleet) > 0
                if seen:
                    uow.commit()
                return None, contended
            leased = replace(
                job,
                state=LEASED,
                runner_id=runner_id,
                lease_expires_at=now + timedelta(seconds=self.lease_seconds),
                payload={**job.payload, "cache_generation": _generation(uow, job)},
            )
            uow.jobs.update(leased)
            self._progress.leased(uow, job.id, now)
            uow.commit()
        payload = {**leased.payload, "lease_seconds": self.lease_seconds}
        return Job.from_dict(payload), False

    @staticmethod
    def _candidate(uow: UnitOfWork, fleet: str | None, now: datetime) -> JobRecord | None:
        """The oldest queued job the runner of `fleet` (None: on-demand) may take, locked (skipping
        rows other claims hold); each look is one read of the (state, fleet, created_at) index."""
        queued = uow.jobs.find(
            state=QUEUED, fleet=fleet, order_by="created_at", limit=1, for_update=True, skip_locked=True
        )
        if queued and queued[0].state == QUEUED:
            return queued[0]
        if fleet is not None:
            return None
        overflowing: list[tuple[datetime, str]] = []
        for candidate in uow.fleets.find(overflow_behavior=ON_DEMAND):
            # A look without a lock first: a fleet with an idle runner keeps its builds for it.
            oldest = uow.jobs.find(state=QUEUED, fleet=candidate.arn, order_by="created_at", limit=1)
            if oldest and not pool(uow, candidate.arn, now).idle:
                overflowing.append((oldest[0].created_at, candidate.arn))
        for _, arn in sorted(overflowing):  # the fleet whose build waits longest first
            queued = uow.jobs.find(
                state=QUEUED, fleet=arn, order_by="created_at", limit=1, for_update=True, skip_locked=True
            )
            if queued and queued[0].state == QUEUED:
                return queued[0]
        return None

    def heartbeat(self, runner_id: str, job_id: str) -> LeaseRenewal:
        with self._store.unit_of_work() as uow:
            job = self._renew(uow, runner_id, job_id)
            if job is None:
                return LeaseRenewal(leased=False, stop=True)
            uow.commit()
        return LeaseRenewal(leased=True, stop=job.stop_requested)

    def log(self, runner_id: str, job_id: str, chunk: LogChunk) -> bool:
        """Appends the chunk to the build's log stream, then records it as stored: a chunk sent
        again is not appended again (unless the server died between the two steps). A chunk renews
        the lease as a heartbeat does: the runner sending it is alive, however long its backlog."""
        with self._store.reader() as uow:
            self._held(uow, runner_id, job_id)
            if self._progress.logged(uow, job_id, chunk.sequence):
                return False
            target = self._progress.log_stream(uow, job_id)
        if target is not None and chunk.lines and self._log_sink is not None:
            self._log_sink(*target, [(chunk.time_ms, line) for line in chunk.lines])
        with self._store.unit_of_work() as uow:
            stored = self._progress.log(uow, job_id, chunk)
            self._renew(uow, runner_id, job_id)
            uow.commit()
        return stored

    def _renew(self, uow: UnitOfWork, runner_id: str, job_id: str) -> JobRecord | None:
        """A full lease from now for the job, if the runner still holds it (None when it does not)."""
        job = uow.jobs.get(id=job_id, for_update=True)
        if job is None or job.state != LEASED or job.runner_id != runner_id:
            return None
        deadline = self._clock.now() + timedelta(seconds=self.lease_seconds)
        uow.jobs.update(replace(job, lease_expires_at=deadline))
        return job

    def phase(self, runner_id: str, job_id: str, update: PhaseUpdate) -> None:
        with self._store.unit_of_work() as uow:
            self._held(uow, runner_id, job_id)
            self._progress.phase(uow, job_id, update)
            uow.commit()

    def resolved(self, runner_id: str, job_id: str, version: str) -> None:
        with self._store.unit_of_work() as uow:
            self._held(uow, runner_id, job_id)
            self._progress.resolved(uow, job_id, version)
            uow.commit()

    def artifact(
        self, runner_id: str, job_id: str, upload: Path, name: str, identifier: str, store: ArtifactStore
    ) -> None:
        """Keeps one of the build's artifacts (the primary one when `identifier` is "") and records where it is."""
        with self._store.reader() as uow:
            self._held(uow, runner_id, job_id)
            record = uow.builds.get(id=job_id)
        if record is None:
            raise LeaseLost(f"build {job_id} is gone")
        definition = record.details.get("artifactsDefinition", {})
        if identifier:
            matching = [
                a
                for a in record.details.get("secondaryArtifactsDefinition", [])
                if a["artifactIdentifier"] == identifier
            ]
            if not matching:
                raise ValueError(f"the project has no secondary artifact {identifier}")
            definition = matching[0]
        bucket, key = artifact_key(definition, job_id.rpartition(":")[2], name)
        stored = store.keep(bucket, key, upload, definition.get("packaging") or "NONE")
        with self._store.unit_of_work() as uow:
            self._held(uow, runner_id, job_id)
            self._progress.artifact(uow, job_id, identifier, stored.location, stored.md5sum, stored.sha256sum)
            uow.commit()

    def complete(self, runner_id: str, job_id: str, completion: Completion) -> None:
        with self._store.unit_of_work() as uow:
            job = uow.jobs.get(id=job_id, for_update=True)
            if job is not None and job.state == DONE and job.runner_id == runner_id:
                return  # a resent completion
            job = self._held(uow, runner_id, job_id)
            self._progress.complete(uow, job_id, completion)
            uow.jobs.update(replace(job, state=DONE))
            uow.commit()

    def job(self, runner_id: str, job_id: str) -> JobRecord:
        """The job, if the runner holds its lease."""
        with self._store.reader() as uow:
            return self._held(uow, runner_id, job_id)

    def cache_generation(self, region: str, project_name: str) -> int:
        """How many times the project's cache was reset (InvalidateProjectCache) by now."""
        with self._store.reader() as uow:
            reset = uow.cache_resets.get(region=region, project_name=project_name)
        return reset.generation if reset is not None else 0

    def expire(self) -> Expired:
        """Ends what outlived its time: builds whose runners stopped heartbeating (FAILED, or queued
        again while the project's retries last), builds queued longer than their queued timeout
        (TIMED_OUT) and batches past their timeout. Answers how many of each it changed."""
        now = self._clock.now()
        lost = requeued = timed_out = 0
        # Found without locks, then each ended in its own transaction under its job's lock (job,
        # build, then a member's batch, as a completion locks them): locking every leased and
        # queued job at once held the whole queue from the claims, and in table order could close
        # a cycle with a batch's stop (which locks its members' jobs in the batch's order).
        with self._store.reader() as uow:
            leased = [j.id for j in uow.jobs.find(state=LEASED) if _lease_over(j, now)]
            queued = [j.id for j in uow.jobs.find(state=QUEUED) if _queued_too_long(j, now)]
        for job_id in leased:
            with self._store.unit_of_work() as uow:
                job = uow.jobs.get(id=job_id, for_update=True)
                if job is None or job.state != LEASED or not _lease_over(job, now):
                    continue  # renewed, completed or ended meanwhile
                if self._lost(uow, job):
                    requeued += 1
                else:
                    lost += 1
                uow.commit()
        for job_id in queued:
            with self._store.unit_of_work() as uow:
                job = uow.jobs.get(id=job_id, for_update=True)
                if job is None or job.state != QUEUED or not _queued_too_long(job, now):
                    continue  # claimed or stopped meanwhile
                limit = int(job.payload.get("queued_timeout_seconds") or 0)
                failure = {
                    "statusCode": "BUILD_TIMED_OUT",
                    "message": f"Build timed out in the queue after {limit // 60} minutes",
                }
                self._progress.stopped(uow, job.id, now, failure)
                uow.jobs.update(replace(job, state=DONE))
                timed_out += 1
                uow.commit()
        with self._store.unit_of_work() as uow:
            batches = self._progress.expire_batches(uow, now)
            if batches:
                uow.commit()
        return Expired(lost, requeued, timed_out, batches)

    def _lost(self, uow: UnitOfWork, job: JobRecord) -> bool:
        """Ends the build of a runner that stopped heartbeating, or queues it again (True) while
        the project's retries last."""
        now = self._clock.now()
        message = f"Runner lost: runner {job.runner_id} sent no heartbeat for {self.lease_seconds} seconds"
        retries = int(job.payload.get("retries_left") or 0)
        if retries > 0 and not job.stop_requested:
            self._progress.requeued(uow, job.id, now, message)
            payload = {**job.payload, "retries_left": retries - 1}
            uow.jobs.update(
                replace(job, state=QUEUED, runner_id=None, lease_expires_at=None, payload=payload)
            )
            if self._wake is not None:
                uow.after_commit(self._wake)
            return True
        if job.stop_requested:  # the runner went before it could stop the build: it is stopped
            self._progress.stopped(uow, job.id, now)
        else:
            self._progress.lost(uow, job.id, now, message)
        uow.jobs.update(replace(job, state=DONE, runner_id=None))
        return False

    def grace(self) -> None:
        """Gives every leased job a full lease from now: called when a server starts, so that the
        time it was down (when no runner could heartbeat) does not count against the runners."""
        deadline = self._clock.now() + timedelta(seconds=self.lease_seconds)
        with self._store.unit_of_work() as uow:
            for job in uow.jobs.find(state=LEASED, for_update=True):
                if job.lease_expires_at is None or job.lease_expires_at < deadline:
                    uow.jobs.update(replace(job, lease_expires_at=deadline))
            uow.commit()

    @staticmethod
    def _held(uow: UnitOfWork, runner_id: str, job_id: str) -> JobRecord:
        job = uow.jobs.get(id=job_id)
        if job is None or job.state != LEASED or job.runner_id != runner_id:
            raise LeaseLost(f"job {job_id} is not leased to {runner_id}")
        return job


def _lease_over(job: JobRecord, now: datetime) -> bool:
    return job.lease_expires_at is not None and job.lease_expires_at <= now


def _queued_too_long(job: JobRecord, now: datetime) -> bool:
    limit = int(job.payload.get("queued_timeout_seconds") or 0)
    return bool(limit) and job.created_at + timedelta(seconds=limit) <= now


def _generation(uow: UnitOfWork, job: JobRecord) -> int:
    """The cache generation of the job's project now (InvalidateProjectCache's resets by now): taken
    when the job is leased, so a build queued before a reset and run after it does not restore or
    keep the older cache."""
    region = str(job.payload.get("region") or job.region)
    reset = uow.cache_resets.get(region=region, project_name=str(job.payload.get("project_name") or ""))
    return reset.generation if reset is not None else int(job.payload.get("cache_generation") or 0)
