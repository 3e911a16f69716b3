"""The work API's report intake: a runner's report of a build it holds, filed in one transaction."""

from __future__ import annotations

from typing import Any

from codeyard.clock import Clock
from codeyard.execution.messages import ReportUpload
from codeyard.execution.queue import LEASED, LeaseLost
from codeyard.ids import IdGenerator
from codeyard.services.codebuild.report_filing import ReportFiling, ReportRefused
from codeyard.store.ports import Conflict, Store

__all__ = ["ReportIntake", "ReportRefused"]

ATTEMPTS = 3  # two builds may create the same report group at once: the loser files again


class ReportIntake:
    def __init__(self, store: Store, clock: Clock, ids: IdGenerator) -> None:
        self._store = store
        self._filing = ReportFiling(clock, ids)

    def receive_message(self, runner_id: str, job_id: str, message: dict[str, Any]) -> str:
        """receive() of a message as the work API got it (a dict from JSON)."""
        return self.receive(runner_id, job_id, ReportUpload.from_dict(message))

    def receive(self, runner_id: str, job_id: str, upload: ReportUpload) -> str:
        """Files the report of the build `job_id` that `runner_id` holds; answers the report's ARN.
        Raises LeaseLost when the runner does not hold the build, ReportRefused when the report
        cannot be filed (its group is missing or of another type)."""
        for attempt in range(ATTEMPTS):
            try:
                with self._store.unit_of_work() as uow:
                    job = uow.jobs.get(id=job_id)
                    if job is None or job.state != LEASED or job.runner_id != runner_id:
                        raise LeaseLost(f"job {job_id} is not leased to {runner_id}")
                    build = uow.builds.get(id=job_id, for_update=True)
                    if build is None or build.build_complete:
                        raise LeaseLost(f"build {job_id} is not running")
                    arn = self._filing.file(uow, build, upload)
                    uow.commit()
                    return arn
            except Conflict:
                if attempt == ATTEMPTS - 1:
                    raise ReportRefused(f"The report of {upload.group} could not be stored") from None
        raise AssertionError("unreachable")
