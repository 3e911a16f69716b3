"""Report retention: a report, its test cases and its code coverages are deleted once it expired.

A report expires at its `expired` time (created + 30 days, as AWS keeps them). The scheduler sweeps
now and then; until then the CodeBuild API already treats an expired report as gone. The report's ARN
stays in its build's reportArns (BatchGetReports then names it in reportsNotFound), and its exported
raw data stays in the export bucket, as objects in an S3 bucket of one's own would."""

from __future__ import annotations

from datetime import datetime

import anyio.to_thread

from codeyard.clock import Clock
from codeyard.store.ports import Store
from codeyard.store.ports.codebuild_reports import PageQuery

BATCH = 200  # reports deleted in one transaction
SWEEP_SECONDS = 600.0  # between two sweeps of a server


class ReportExpiry:
    def __init__(self, store: Store, clock: Clock, batch: int = BATCH) -> None:
        self._store = store
        self._clock = clock
        self._batch = batch

    async def sweep(self) -> int:
        """Deletes every report expired by now, a batch at a time: each batch is its own transaction
        in its own worker-thread call, so a large backlog holds neither a worker thread nor the
        database's write lock for long, and a cancelled sweep (the server stopping) ends between two
        batches. Answers how many this call deleted (servers sweeping at the same time each delete
        a row once: the other finds it gone)."""
        now = self._clock.now()
        deleted = 0
        while True:
            found, removed = await anyio.to_thread.run_sync(self._delete_batch, now)
            deleted += removed
            if found < self._batch:
                return deleted

    def _delete_batch(self, now: datetime) -> tuple[int, int]:
        """Deletes up to a batch of the reports expired by `now`, oldest expiry first (read through
        the ix_cb_reports_expired index); answers how many it found and how many it deleted."""
        with self._store.unit_of_work() as uow:
            query = PageQuery(order=("expired_at", "id"), limit=self._batch, at_most={"expired_at": now})
            expired = uow.reports.page(query)
            removed = 0
            for report in expired:
                uow.test_cases.remove(report_arn=report.arn)
                uow.code_coverages.remove(report_arn=report.arn)
                removed += uow.reports.remove(arn=report.arn)
            uow.commit()
        return len(expired), removed
