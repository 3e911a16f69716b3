"""The server's clean-up, run by the scheduler at start and every SWEEP_SECONDS after (and on request
by POST /_codeyard/v1/sweep in test mode): expired reports deleted, runners gone quiet forgotten."""

from __future__ import annotations

import anyio.to_thread

from codeyard.execution.registry import RunnerRegistry
from codeyard.execution.report_expiry import ReportExpiry


class Housekeeping:
    def __init__(self, reports: ReportExpiry, runners: RunnerRegistry) -> None:
        self._reports = reports
        self._runners = runners

    async def sweep(self) -> dict[str, int]:
        """One round of clean-up; answers how many reports it deleted and runners it forgot."""
        deleted = await self._reports.sweep()
        forgotten = await anyio.to_thread.run_sync(self._runners.forget_quiet)
        return {"reportsDeleted": deleted, "runnersForgotten": forgotten}
