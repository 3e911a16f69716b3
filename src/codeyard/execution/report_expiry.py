"""Report retention: a report, its test cases and its code coverages are deleted once it expired.

A report expires at its `expired` time (created + 30 days, as AWS keeps them). The scheduler sweeps
now and then; until then the CodeBuild API already treats an expired report as gone. The report's ARN
stays in its build's reportArns (BatchGetReports then names it in reportsNotFound), and its exported
raw data stays in the export bucket, as objects in an S3 bucket of one's own would."""

from __future__ import annotations

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

    def sweep(self) -> int:
        """Deletes every report expired by now, in batches; answers how many this call deleted
        (servers sweeping at the same time each delete a row once: the other finds it gone)."""
        now = self._clock.now()
        deleted = 0
        while True:
            with self._store.unit_of_work() as uow:
                query = PageQuery(order=("id",), limit=self._batch, at_most={"expired_at": now})
                expired = uow.reports.page(query)
                removed = 0
                for report in expired:
                    uow.test_cases.remove(report_arn=report.arn)
                    uow.code_coverages.remove(report_arn=report.arn)
                    removed += uow.reports.remove(arn=report.arn)
                uow.commit()
            deleted += removed
            if len(expired) < self._batch:
                return deleted
