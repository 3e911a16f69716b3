"""The BuildBatch shape of a stored batch, with its build groups' summaries of their builds."""

from __future__ import annotations

from typing import Any

from codeyard.services.codebuild.build_shapes import phase_shape
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codebuild import BuildRecord
from codeyard.store.ports.codebuild_batches import BuildBatchRecord

# The BuildBatch shape's members kept in `details`.
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
    "logConfig",
    "buildTimeoutInMinutes",
    "queuedTimeoutInMinutes",
    "encryptionKey",
    "fileSystemLocations",
    "buildBatchConfig",
    "debugSessionEnabled",
)


def member_builds(uow: UnitOfWork, batch: BuildBatchRecord) -> dict[str, BuildRecord]:
    """The batch's builds, current and prior, by id (a deleted one left out)."""
    found: dict[str, BuildRecord] = {}
    for group in batch.build_groups:
        for build_id in [*group.get("prior", []), group.get("build")]:
            if build_id and (record := uow.builds.get(id=build_id)) is not None:
                found[build_id] = record
    return found


def batch_shape(batch: BuildBatchRecord, builds: dict[str, BuildRecord]) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": batch.id,
        "arn": batch.arn,
        "startTime": batch.start_time,
        "currentPhase": batch.current_phase,
        "buildBatchStatus": batch.status,
        "projectName": batch.project_name,
        "phases": [phase_shape(p) for p in batch.phases],
        "complete": batch.complete,
        "initiator": batch.initiator,
        "buildBatchNumber": batch.build_batch_number,
        "buildGroups": [_group(g, builds) for g in batch.build_groups],
    }
    if batch.end_time is not None:
        shape["endTime"] = batch.end_time
    for member in _DETAIL_MEMBERS:
        if batch.details.get(member) is not None:
            shape[member] = batch.details[member]
    return shape


def _group(group: dict[str, Any], builds: dict[str, BuildRecord]) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "identifier": group["identifier"],
        "dependsOn": list(group.get("dependsOn", [])),
        "ignoreFailure": bool(group.get("ignoreFailure")),
    }
    current = builds.get(group.get("build") or "")
    if current is not None:
        shape["currentBuildSummary"] = build_summary(current)
    prior = [build_summary(builds[i]) for i in group.get("prior", []) if i in builds]
    if prior:
        shape["priorBuildSummaryList"] = prior
    return shape


def build_summary(record: BuildRecord) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "arn": record.arn,
        "requestedOn": record.start_time,
        "buildStatus": record.status,
    }
    primary = record.details.get("artifacts", {})
    if primary.get("location"):
        summary["primaryArtifact"] = {"type": "S3", "location": primary["location"]}
    secondary = [
        {"type": "S3", "location": a["location"], "identifier": a.get("artifactIdentifier", "")}
        for a in record.details.get("secondaryArtifacts", [])
        if a.get("location")
    ]
    if secondary:
        summary["secondaryArtifacts"] = secondary
    return summary
