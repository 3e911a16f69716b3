"""StartBuildBatch's request: its parameters, and the batch's configuration members made from it
and the project (what the BuildBatch shape answers and the scheduler reads)."""

from __future__ import annotations

from typing import Any

from codeyard.services.codebuild.batch_plan import combined_location
from codeyard.services.codebuild.build_requests import build_details
from codeyard.store.ports.codebuild import ProjectRecord

# StartBuildBatch's parameters (snake_case, as the handler passes them) and their request members.
REQUEST_MEMBERS = (
    "source_version",
    "secondary_sources_override",
    "secondary_sources_version_override",
    "artifacts_override",
    "secondary_artifacts_override",
    "environment_variables_override",
    "source_type_override",
    "source_location_override",
    "source_auth_override",
    "git_clone_depth_override",
    "git_submodules_config_override",
    "buildspec_override",
    "insecure_ssl_override",
    "report_build_batch_status_override",
    "environment_type_override",
    "image_override",
    "compute_type_override",
    "certificate_override",
    "cache_override",
    "service_role_override",
    "privileged_mode_override",
    "build_timeout_in_minutes_override",
    "queued_timeout_in_minutes_override",
    "encryption_key_override",
    "logs_config_override",
    "registry_credential_override",
    "image_pull_credentials_type_override",
    "build_batch_config_override",
    "debug_session_enabled",
)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def batch_details(
    project: ProjectRecord, request: dict[str, Any], batch_id: str, config: dict[str, Any]
) -> dict[str, Any]:
    """The BuildBatch shape's configuration members, and what the scheduler reads."""
    build_request = {k: v for k, v in request.items() if k not in ("buildTimeoutInMinutesOverride",)}
    built = build_details(project, build_request, batch_id)
    artifacts = request.get("artifactsOverride") or project.definition["artifacts"]
    uuid = batch_id.rpartition(":")[2]
    location = {}
    if artifacts.get("type") == "S3" and config.get("combineArtifacts"):
        location = {"location": combined_location(artifacts, uuid)}
    elif built.get("artifacts"):
        location = built["artifacts"]
    details: dict[str, Any] = {
        **{
            key: built[key]
            for key in ("source", "secondarySources", "secondarySourceVersions", "environment")
        },
        "artifacts": location,
        "secondaryArtifacts": built.get("secondaryArtifacts", []),
        "cache": built.get("cache"),
        "serviceRole": built.get("serviceRole"),
        "logConfig": request.get("logsConfigOverride") or project.definition.get("logsConfig"),
        "buildTimeoutInMinutes": request.get("buildTimeoutInMinutesOverride")
        or project.definition["timeoutInMinutes"],
        "queuedTimeoutInMinutes": built.get("queuedTimeoutInMinutes"),
        "encryptionKey": built.get("encryptionKey"),
        "buildBatchConfig": config,
        "debugSessionEnabled": request.get("debugSessionEnabled"),
        "request": request,
        "fastFail": False,
        "combineArtifacts": bool(config.get("combineArtifacts")),
        "timeoutInMins": config.get("timeoutInMins"),
    }
    if built.get("sourceVersion"):
        details["sourceVersion"] = built["sourceVersion"]
    return {key: value for key, value in details.items() if value is not None}
