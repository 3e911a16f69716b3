"""A batch build's lifecycle: its phases (SUBMITTED, DOWNLOAD_BATCHSPEC, IN_PROGRESS,
COMBINE_ARTIFACTS, then SUCCEEDED, FAILED or STOPPED, left open as a build's COMPLETED is) and status."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from codeyard.services.codebuild.build_shapes import to_ms
from codeyard.store.ports.codebuild_batches import BuildBatchRecord

# The final phase of each final status (TIMED_OUT ends in FAILED: the phase type has no TIMED_OUT).
FINAL_PHASE = {"SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "STOPPED": "STOPPED", "TIMED_OUT": "FAILED"}


def ended_phase(
    phase_type: str, start_ms: int, end_ms: int, status: str, message: str = ""
) -> dict[str, Any]:
    return {
        "phaseType": phase_type,
        "startTime": start_ms,
        "phaseStatus": status,
        "endTime": end_ms,
        "durationInSeconds": max(0, (end_ms - start_ms) // 1000),
        "contexts": [{"statusCode": status if message else "", "message": message}],
    }


def begun(batch: BuildBatchRecord, phase_type: str, now: datetime) -> BuildBatchRecord:
    """The open phase (if any) ends SUCCEEDED and `phase_type` begins."""
    batch = close_open(batch, "SUCCEEDED", now)
    phases = [*batch.phases, {"phaseType": phase_type, "startTime": to_ms(now)}]
    return replace(batch, phases=phases, current_phase=phase_type)


def close_open(batch: BuildBatchRecord, status: str, now: datetime, message: str = "") -> BuildBatchRecord:
    """The open phase, if any, ends with `status` (a final phase is closed SUCCEEDED by a retry)."""
    if not batch.phases or "phaseStatus" in batch.phases[-1]:
        return batch
    last = batch.phases[-1]
    ended = ended_phase(last["phaseType"], last["startTime"], to_ms(now), status, message)
    return replace(batch, phases=[*batch.phases[:-1], ended])


def finished(batch: BuildBatchRecord, status: str, now: datetime, message: str = "") -> BuildBatchRecord:
    """The batch ended with `status`: the open phase ends (with the status unless SUCCEEDED) and
    the final phase begins."""
    batch = close_open(batch, "SUCCEEDED" if status == "SUCCEEDED" else status, now, message)
    final = FINAL_PHASE[status]
    phases = [*batch.phases, {"phaseType": final, "startTime": to_ms(now)}]
    return replace(batch, phases=phases, current_phase=final, status=status, complete=True, end_time=now)
