"""Project definitions: the configurable members as the API shapes them, with AWS's defaults
filled in, and UpdateProject's changes merged into a stored one."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from codeyard.accounts import RequestContext

DEFAULT_TIMEOUT = 60  # minutes, as AWS
DEFAULT_QUEUED_TIMEOUT = 480  # minutes: AWS answers 480 (8 hours) when none is given
REMOVE_CONCURRENT_LIMIT = -1  # UpdateProject's way to remove concurrentBuildLimit

# Members that UpdateProject replaces whole when given, in the order AWS answers them.
MEMBERS = (
    "description",
    "source",
    "secondarySources",
    "sourceVersion",
    "secondarySourceVersions",
    "artifacts",
    "secondaryArtifacts",
    "cache",
    "environment",
    "serviceRole",
    "timeoutInMinutes",
    "queuedTimeoutInMinutes",
    "encryptionKey",
    "vpcConfig",
    "badge",
    "logsConfig",
    "fileSystemLocations",
    "buildBatchConfig",
    "concurrentBuildLimit",
    "projectVisibility",
    "publicProjectAlias",
    "resourceAccessRole",
    "autoRetryLimit",
)


def default_encryption_key(ctx: RequestContext) -> str:
    return f"arn:aws:kms:{ctx.region}:{ctx.account_id}:alias/aws/s3"


def _source(source: Mapping[str, Any]) -> dict[str, Any]:
    return {**source, "insecureSsl": bool(source.get("insecureSsl", False))}


def _artifacts(artifacts: Mapping[str, Any], project: str) -> dict[str, Any]:
    filled = dict(artifacts)
    if filled["type"] == "S3":
        filled.setdefault("namespaceType", "NONE")
        filled.setdefault("name", project)
        filled.setdefault("packaging", "NONE")
        filled.setdefault("encryptionDisabled", False)
    elif filled["type"] == "CODEPIPELINE":
        filled.setdefault("name", project)
        filled.setdefault("packaging", "NONE")
        filled.setdefault("encryptionDisabled", False)
    return filled


def _environment(environment: Mapping[str, Any]) -> dict[str, Any]:
    filled = dict(environment)
    filled["environmentVariables"] = [
        {**variable, "type": variable.get("type") or "PLAINTEXT"}
        for variable in environment.get("environmentVariables", ())
    ]
    filled.setdefault("privilegedMode", False)
    filled.setdefault("imagePullCredentialsType", "CODEBUILD")
    return filled


def _logs(logs: Mapping[str, Any] | None) -> dict[str, Any]:
    given = logs or {}
    s3 = {"status": "DISABLED", **given.get("s3Logs", {})}
    s3.setdefault("encryptionDisabled", False)
    return {"cloudWatchLogs": dict(given.get("cloudWatchLogs") or {"status": "ENABLED"}), "s3Logs": s3}


def complete(definition: Mapping[str, Any], ctx: RequestContext, project: str) -> dict[str, Any]:
    """The definition with every default AWS fills in, members in AWS's order."""
    given = copy.deepcopy(dict(definition))
    filled: dict[str, Any] = {
        **given,
        "source": _source(given["source"]),
        "secondarySources": [_source(s) for s in given.get("secondarySources") or ()],
        "secondarySourceVersions": list(given.get("secondarySourceVersions") or ()),
        "artifacts": _artifacts(given["artifacts"], project),
        "secondaryArtifacts": [_artifacts(a, project) for a in given.get("secondaryArtifacts") or ()],
        "cache": given.get("cache") or {"type": "NO_CACHE"},
        "environment": _environment(given["environment"]),
        "timeoutInMinutes": given.get("timeoutInMinutes") or DEFAULT_TIMEOUT,
        "queuedTimeoutInMinutes": given.get("queuedTimeoutInMinutes") or DEFAULT_QUEUED_TIMEOUT,
        "encryptionKey": given.get("encryptionKey") or default_encryption_key(ctx),
        "badge": given.get("badge") or {"badgeEnabled": False},
        "logsConfig": _logs(given.get("logsConfig")),
        "projectVisibility": given.get("projectVisibility") or "PRIVATE",
    }
    return {member: filled[member] for member in MEMBERS if filled.get(member) is not None}


def merged(stored: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A stored definition with UpdateProject's changes: each given member replaces the stored one."""
    result = {**stored, **{k: v for k, v in changes.items() if v is not None}}
    if result.get("concurrentBuildLimit") == REMOVE_CONCURRENT_LIMIT:
        del result["concurrentBuildLimit"]
    return result
