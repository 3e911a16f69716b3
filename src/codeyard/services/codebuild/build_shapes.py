"""The Build shape of a stored build, and the `CodeBuild Build State/Phase Change` events it causes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from codeyard.clock import Clock
from codeyard.ids import IdGenerator
from codeyard.store.ports.codebuild import BuildRecord
from codeyard.store.ports.events import OutboxEvent

SOURCE = "aws.codebuild"
# The Build shape's members kept in `details` (the rest come from the record's own fields).
_DETAIL_MEMBERS = (
    "sourceVersion",
    "resolvedSourceVersion",
    "source",
    "secondarySources",
    "secondarySourceVersions",
    "artifacts",
    "secondaryArtifacts",
    "cache",
    "environment",
    "serviceRole",
    "logs",
    "timeoutInMinutes",
    "queuedTimeoutInMinutes",
    "encryptionKey",
    "exportedEnvironmentVariables",
    "fileSystemLocations",
    "autoRetryConfig",
    "reportArns",
    "buildBatchArn",
)


def to_time(ms: int | float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def to_ms(time: datetime) -> int:
    return int(time.timestamp() * 1000)


def phase_shape(phase: dict[str, Any]) -> dict[str, Any]:
    """A stored phase (times in epoch milliseconds) as the BuildPhase shape."""
    shape: dict[str, Any] = {"phaseType": phase["phaseType"], "startTime": to_time(phase["startTime"])}
    if "phaseStatus" in phase:
        shape["phaseStatus"] = phase["phaseStatus"]
        shape["endTime"] = to_time(phase["endTime"])
        shape["durationInSeconds"] = phase["durationInSeconds"]
        shape["contexts"] = [dict(c) for c in phase.get("contexts", [])]
    return shape


def build_shape(record: BuildRecord) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": record.id,
        "arn": record.arn,
        "buildNumber": record.build_number,
        "startTime": record.start_time,
        "currentPhase": record.current_phase,
        "buildStatus": record.status,
        "projectName": record.project_name,
        "phases": [phase_shape(p) for p in record.phases],
        "buildComplete": record.build_complete,
        "initiator": record.initiator,
    }
    if record.end_time is not None:
        shape["endTime"] = record.end_time
    for member in _DETAIL_MEMBERS:
        if record.details.get(member) is not None:
            shape[member] = record.details[member]
    return shape


def _event_time(ms: int | float) -> str:
    """The events' own date form, e.g. `Sep 1, 2017 4:12:29 PM`."""
    time = to_time(ms)
    return f"{time:%b} {time.day}, {time.year} {time.hour % 12 or 12}:{time:%M:%S} {time:%p}"


def context_text(contexts: list[dict[str, str]]) -> str:
    """Phase contexts as the events write them: `[statusCode: message, …]`, `[]` for none."""
    return "[" + ", ".join(f"{c.get('statusCode', '')}: {c.get('message', '')}" for c in contexts) + "]"


def _additional(record: BuildRecord) -> dict[str, Any]:
    details = record.details
    environment = details.get("environment", {})
    logs = details.get("logs", {})
    info: dict[str, Any] = {
        "build-complete": record.build_complete,
        "build-number": record.build_number,
        "initiator": record.initiator,
        "build-start-time": _event_time(to_ms(record.start_time)),
        "source": {k: v for k, v in details.get("source", {}).items() if k in ("type", "location")},
        "environment": {
            "image": environment.get("image", ""),
            "privileged-mode": bool(environment.get("privilegedMode", False)),
            "compute-type": environment.get("computeType", ""),
            "type": environment.get("type", ""),
            "environment-variables": [
                {"name": v["name"], "type": v.get("type", "PLAINTEXT"), "value": v["value"]}
                for v in environment.get("environmentVariables", [])
            ],
        },
        "timeout-in-minutes": details.get("timeoutInMinutes"),
        "logs": {
            "group-name": logs.get("groupName"),
            "stream-name": logs.get("streamName"),
            "deep-link": logs.get("deepLink"),
        },
        "phases": [_event_phase(p) for p in record.phases],
    }
    if details.get("sourceVersion"):
        info["source-version"] = details["sourceVersion"]
    artifact = details.get("artifacts", {})
    if artifact.get("location"):
        info["artifact"] = {
            key: artifact[key] for key in ("md5sum", "sha256sum", "location") if key in artifact
        }
    return info


def _event_phase(phase: dict[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {"phase-type": phase["phaseType"], "start-time": _event_time(phase["startTime"])}
    if "phaseStatus" in phase:
        shaped.update(
            {
                "phase-status": phase["phaseStatus"],
                "end-time": _event_time(phase["endTime"]),
                "duration-in-seconds": phase["durationInSeconds"],
                "phase-context": [context_text([c]) for c in phase.get("contexts", [])],
            }
        )
    return shaped


class BuildEvents:
    """Makes the outbox events of a build's changes."""

    def __init__(self, clock: Clock, ids: IdGenerator) -> None:
        self._clock = clock
        self._ids = ids

    def _event(self, record: BuildRecord, detail_type: str, detail: dict[str, Any]) -> OutboxEvent:
        account = record.arn.split(":")[4]
        return OutboxEvent(
            event_id=self._ids.uuid(),
            source=SOURCE,
            detail_type=detail_type,
            detail=detail,
            region=record.region,
            account=account,
            time=self._clock.now(),
            resources=[record.arn],
        )

    def state_change(self, record: BuildRecord) -> OutboxEvent:
        current = record.phases[-1] if record.phases else {}
        detail = {
            "build-status": record.status,
            "project-name": record.project_name,
            "build-id": record.arn,
            "additional-information": _additional(record),
            "current-phase": record.current_phase,
            "current-phase-context": context_text(current.get("contexts", [])),
            "version": "1",
        }
        return self._event(record, "CodeBuild Build State Change", detail)

    def phase_change(self, record: BuildRecord, phase: dict[str, Any]) -> OutboxEvent:
        detail = {
            "completed-phase": phase["phaseType"],
            "completed-phase-status": phase["phaseStatus"],
            "completed-phase-duration-seconds": phase["durationInSeconds"],
            "completed-phase-start": _event_time(phase["startTime"]),
            "completed-phase-end": _event_time(phase["endTime"]),
            "completed-phase-context": context_text(phase.get("contexts", [])),
            "project-name": record.project_name,
            "build-id": record.arn,
            "additional-information": _additional(record),
            "version": "1",
        }
        return self._event(record, "CodeBuild Build Phase Change", detail)
