"""The server's clean-up, run by the scheduler at start and every SWEEP_SECONDS after (and on request
by POST /_codeyard/v1/sweep in test mode): expired reports deleted, runners gone quiet forgotten,
what a crash left half-kept in the artifact store removed, expired idempotency tokens forgotten."""

from __future__ import annotations

import time

import anyio.to_thread

from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.registry import RunnerRegistry
from codeyard.execution.report_expiry import ReportExpiry
from codeyard.execution.token_expiry import TokenExpiry


class Housekeeping:
    def __init__(
        self, reports: ReportExpiry, runners: RunnerRegistry, artifacts: ArtifactStore, tokens: TokenExpiry
    ) -> None:
        self._reports = reports
        self._runners = runners
        self._artifacts = artifacts
        self._tokens = tokens

    async def sweep(self) -> dict[str, int]:
        """One round of clean-up; answers how many reports it deleted, runners it forgot and
        artifact-store leftovers it removed (their age is the files', so the real clock's) and
        expired idempotency tokens it deleted."""
        deleted = await self._reports.sweep()
        forgotten = await anyio.to_thread.run_sync(self._runners.forget_quiet)
        leftovers = await anyio.to_thread.run_sync(self._artifacts.remove_leftovers, time.time())
        tokens = await self._tokens.sweep()
        return {
            "reportsDeleted": deleted,
            "runnersForgotten": forgotten,
            "artifactLeftoversRemoved": leftovers,
            "idempotencyTokensDeleted": tokens,
        }
