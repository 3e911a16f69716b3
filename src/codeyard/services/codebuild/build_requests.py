"""StartBuild's overrides applied to a project: the build's details and the job a runner runs."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import quote

from codeyard.execution.buildspec_location import is_s3_arn
from codeyard.execution.messages import WORK_PREFIX, Job
from codeyard.services.codebuild.build_shapes import to_ms
from codeyard.services.codebuild.build_sources import job_sources, merged_versions
from codeyard.store.ports.codebuild import BuildRecord, ProjectRecord

DEFAULT_BUILDSPEC = "buildspec.yml"
# StartBuild members that replace a member of the project's source or environment.
_SOURCE_OVERRIDES = {
    "sourceTypeOverride": "type",
    "sourceLocationOverride": "location",
    "gitCloneDepthOverride": "gitCloneDepth",
    "buildspecOverride": "buildspec",
    "insecureSslOverride": "insecureSsl",
    "sourceAuthOverride": "auth",
    "gitSubmodulesConfigOverride": "gitSubmodulesConfig",
    "reportBuildStatusOverride": "reportBuildStatus",
    "buildStatusConfigOverride": "buildStatusConfig",
}
_ENVIRONMENT_OVERRIDES = {
    "environmentTypeOverride": "type",
    "imageOverride": "image",
    "computeTypeOverride": "computeType",
    "certificateOverride": "certificate",
    "privilegedModeOverride": "privilegedMode",
    "registryCredentialOverride": "registryCredential",
    "imagePullCredentialsTypeOverride": "imagePullCredentialsType",
    "fleetOverride": "fleet",
}


def build_details(project: ProjectRecord, request: dict[str, Any], build_id: str) -> dict[str, Any]:
    """The Build shape's configuration members for a build of `project` with StartBuild's
    `request` (camelCase members, None for not given); `request` itself is kept for RetryBuild."""
    definition = copy.deepcopy(project.definition)
    source = dict(definition["source"])
    for member, key in _SOURCE_OVERRIDES.items():
        if request.get(member) is not None:
            source[key] = request[member]
    environment = dict(definition["environment"])
    for member, key in _ENVIRONMENT_OVERRIDES.items():
        if request.get(member) is not None:
            environment[key] = request[member]
    overrides = request.get("environmentVariablesOverride") or []
    names = {v["name"] for v in overrides}
    environment["environmentVariables"] = [
        *(v for v in environment.get("environmentVariables", []) if v["name"] not in names),
        *({**v, "type": v.get("type") or "PLAINTEXT"} for v in overrides),
    ]
    region, account = project.arn.split(":")[3:5]
    uuid = build_id.rpartition(":")[2]
    group = f"/aws/codebuild/{project.name}"
    details: dict[str, Any] = {
        "source": source,
        "secondarySources": request.get("secondarySourcesOverride") or definition.get("secondarySources", []),
        "secondarySourceVersions": merged_versions(
            definition.get("secondarySourceVersions", []), request.get("secondarySourcesVersionOverride")
        ),
        "artifacts": _artifacts(request.get("artifactsOverride") or definition["artifacts"]),
        "artifactsDefinition": request.get("artifactsOverride") or definition["artifacts"],
        "secondaryArtifacts": [
            {"artifactIdentifier": a.get("artifactIdentifier", ""), **_artifacts(a)}
            for a in request.get("secondaryArtifactsOverride") or definition.get("secondaryArtifacts", [])
        ],
        "secondaryArtifactsDefinition": request.get("secondaryArtifactsOverride")
        or definition.get("secondaryArtifacts", []),
        "cache": request.get("cacheOverride") or definition.get("cache"),
        "environment": environment,
        "serviceRole": request.get("serviceRoleOverride") or definition.get("serviceRole"),
        "timeoutInMinutes": request.get("timeoutInMinutesOverride") or definition["timeoutInMinutes"],
        "queuedTimeoutInMinutes": request.get("queuedTimeoutInMinutesOverride")
        or definition["queuedTimeoutInMinutes"],
        "encryptionKey": request.get("encryptionKeyOverride") or definition.get("encryptionKey"),
        "logs": {
            "groupName": group,
            "streamName": uuid,
            "deepLink": deep_link(region, group, uuid),
            "cloudWatchLogsArn": f"arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:{uuid}",
            "cloudWatchLogs": {"status": "ENABLED"},
            "s3Logs": {"status": "DISABLED", "encryptionDisabled": False},
        },
        "fileSystemLocations": definition.get("fileSystemLocations"),
        "autoRetryLimit": definition.get("autoRetryLimit"),
        "request": request,
    }
    version = request.get("sourceVersion") or definition.get("sourceVersion")
    if version:
        details["sourceVersion"] = version
    return {key: value for key, value in details.items() if value is not None}


def deep_link(region: str, group: str, stream: str) -> str:
    """The CloudWatch console's address of a log stream, as CodeBuild gives it: the console's
    `logsV2` fragment, where names are URL-encoded twice with `$` for `%` (`/` is `$252F`)."""

    def part(name: str) -> str:
        return quote(quote(name, safe=""), safe="").replace("%", "$")

    return (
        f"https://console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#logsV2:log-groups/log-group/{part(group)}/log-events/{part(stream)}"
    )


def _artifacts(artifacts: dict[str, Any]) -> dict[str, Any]:
    """A BuildArtifacts shape: where the build's artifacts go (nothing for NO_ARTIFACTS)."""
    if artifacts.get("type") == "S3" and artifacts.get("location"):
        path = "/".join(p for p in (artifacts["location"], artifacts.get("path"), artifacts.get("name")) if p)
        return {"location": f"arn:aws:s3:::{path}"}
    return {}


def inline_buildspec(source: dict[str, Any]) -> str | None:
    """The buildspec text the source carries inline; None when it names a file (or nothing)."""
    text = source.get("buildspec") or ""
    if is_s3_arn(text):
        return None  # an object's ARN: read from the artifact store
    return text if "\n" in text or ":" in text.split("/")[0] else None


def job_for(record: BuildRecord, minute_seconds: int = 60, cache_generation: int = 0) -> Job:
    """The job message of a build; `cache_generation` counts the resets of its project's cache."""
    details = record.details
    source = details["source"]
    environment = details["environment"]
    overrides = {v["name"] for v in details["request"].get("environmentVariablesOverride") or []}
    variables = [_variable(v) for v in environment.get("environmentVariables", [])]
    has_source = source.get("type") != "NO_SOURCE"
    return Job(
        build_id=record.id,
        build_arn=record.arn,
        build_number=record.build_number,
        project_name=record.project_name,
        project_arn=record.arn.split(":build/")[0] + f":project/{record.project_name}",
        region=record.region,
        start_time_ms=to_ms(record.start_time),
        initiator=record.initiator,
        image=environment.get("image", ""),
        privileged_mode=bool(environment.get("privilegedMode", False)),
        source_type=source.get("type", "NO_SOURCE"),
        source_location=source.get("location", ""),
        source_version=details.get("sourceVersion", ""),
        buildspec=inline_buildspec(source),
        buildspec_path=(source.get("buildspec") or DEFAULT_BUILDSPEC)
        if has_source or is_s3_arn(source.get("buildspec") or "")
        else DEFAULT_BUILDSPEC,
        source_url=f"{WORK_PREFIX}/jobs/{quote(record.id, safe='')}/source" if has_source else None,
        timeout_seconds=int(details["timeoutInMinutes"]) * minute_seconds,
        lease_seconds=0,
        log_group=details["logs"]["groupName"],
        log_stream=details["logs"]["streamName"],
        variables=[v for v in variables if v["name"] not in overrides],
        override_variables=[v for v in variables if v["name"] in overrides],
        queued_timeout_seconds=int(details["queuedTimeoutInMinutes"]) * 60,
        artifacts_type=details["artifactsDefinition"]["type"],
        secondary_artifacts=[
            a["artifactIdentifier"]
            for a in details.get("secondaryArtifactsDefinition", [])
            if a["type"] == "S3"
        ],
        retries_left=int(
            details["request"].get("autoRetryLimitOverride", details.get("autoRetryLimit", 0)) or 0
        ),
        cache_generation=cache_generation,
        batch_identifier=details.get("batchIdentifier", ""),
        **job_sources(record.id, details),
    )


def _variable(variable: dict[str, Any]) -> dict[str, str]:
    return {"name": variable["name"], "value": variable["value"], "type": variable.get("type", "PLAINTEXT")}
