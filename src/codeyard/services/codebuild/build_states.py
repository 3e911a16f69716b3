"""A build's lifecycle: its status and phases, changed only through named transitions that refuse illegal moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from codeyard.services.codebuild.build_shapes import to_ms
from codeyard.store.ports.codebuild import BuildRecord

EMPTY_CONTEXT = {"statusCode": "", "message": ""}


class BuildStatus(StrEnum):
    """The model's StatusType, as a build's status."""

    IN_PROGRESS = "IN_PROGRESS"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    FAULT = "FAULT"
    TIMED_OUT = "TIMED_OUT"
    STOPPED = "STOPPED"


class IllegalTransition(Exception):
    """A change the build's state does not allow (e.g. a phase of a completed build)."""


def submitted(record: BuildRecord) -> BuildRecord:
    """A new build: SUBMITTED done, QUEUED begun."""
    now = to_ms(record.start_time)
    phases = [
        _ended({"phaseType": "SUBMITTED", "startTime": now}, "SUCCEEDED", now, []),
        {"phaseType": "QUEUED", "startTime": now},
    ]
    return replace(record, status=BuildStatus.IN_PROGRESS, current_phase="QUEUED", phases=phases)


def phase_started(record: BuildRecord, phase: str, start_ms: int) -> BuildRecord:
    """A phase began; a resent start of the open phase changes nothing."""
    _require_running(record)
    if record.phases and record.phases[-1]["phaseType"] == phase and "phaseStatus" not in record.phases[-1]:
        return record
    phases = [*record.phases, {"phaseType": phase, "startTime": start_ms}]
    return replace(record, current_phase=phase, phases=phases)


def phase_ended(
    record: BuildRecord, phase: str, status: str, end_ms: int, contexts: list[dict[str, str]]
) -> tuple[BuildRecord, dict[str, Any] | None]:
    """The open phase `phase` ended; the answer's second part is the ended phase (None when it
    was not open: a resent end)."""
    _require_running(record)
    if not record.phases or record.phases[-1]["phaseType"] != phase or "phaseStatus" in record.phases[-1]:
        return record, None
    ended = _ended(record.phases[-1], status, end_ms, contexts)
    return replace(record, phases=[*record.phases[:-1], ended]), ended


def completed(
    record: BuildRecord, status: BuildStatus, end: datetime, failure: dict[str, str] | None = None
) -> tuple[BuildRecord, dict[str, Any] | None]:
    """The build ended with `status`. An open phase ends with `failure` as its context (the
    status too, unless SUCCEEDED); the answer's second part is that phase, if any."""
    _require_running(record)
    if status is BuildStatus.IN_PROGRESS:
        raise IllegalTransition("a build cannot complete IN_PROGRESS")
    record, closed = _close_open_phase(record, status, to_ms(end), failure)
    phases = [*record.phases, {"phaseType": "COMPLETED", "startTime": to_ms(end)}]
    done = replace(
        record, status=status, current_phase="COMPLETED", build_complete=True, end_time=end, phases=phases
    )
    return done, closed


def _close_open_phase(
    record: BuildRecord, status: BuildStatus, end_ms: int, failure: dict[str, str] | None
) -> tuple[BuildRecord, dict[str, Any] | None]:
    if not record.phases or "phaseStatus" in record.phases[-1]:
        return record, None
    open_phase = record.phases[-1]
    phase_status = "SUCCEEDED" if status is BuildStatus.SUCCEEDED and failure is None else status.value
    ended = _ended(open_phase, phase_status, end_ms, [failure] if failure else [])
    return replace(record, phases=[*record.phases[:-1], ended]), ended


def _ended(phase: dict[str, Any], status: str, end_ms: int, contexts: list[dict[str, str]]) -> dict[str, Any]:
    return {
        **phase,
        "phaseStatus": status,
        "endTime": end_ms,
        "durationInSeconds": max(0, int((end_ms - phase["startTime"]) // 1000)),
        "contexts": [dict(c) for c in contexts] or [dict(EMPTY_CONTEXT)],
    }


def _require_running(record: BuildRecord) -> None:
    if record.build_complete:
        raise IllegalTransition(f"build {record.id} has completed")
