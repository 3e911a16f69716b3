"""StartBuild's and StartBuildBatch's overrides held to the project rules (project_checks): what
an override replaces is checked as CreateProject checks it, so that a bad override is refused by
the call (InvalidInputException) instead of failing the build late."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.build_requests import build_details
from codeyard.services.codebuild.project_checks import (
    check_artifacts,
    check_cache,
    check_environment,
    check_limits,
    check_logs,
    check_sources,
)
from codeyard.store.ports.codebuild import ProjectRecord

_SOURCE_MEMBERS = frozenset(
    {
        "sourceTypeOverride",
        "sourceLocationOverride",
        "buildspecOverride",
        "secondarySourcesOverride",
        "secondarySourcesVersionOverride",
    }
)
_ARTIFACT_MEMBERS = frozenset({"artifactsOverride", "secondaryArtifactsOverride", "sourceTypeOverride"})
_ENVIRONMENT_MEMBERS = frozenset(
    {
        "environmentTypeOverride",
        "computeTypeOverride",
        "privilegedModeOverride",
        "environmentVariablesOverride",
    }
)


def check_overrides(
    project: ProjectRecord, request: Mapping[str, Any], ctx: RequestContext, clone_url_base: str
) -> None:
    """`request` holds the call's camelCase members (absent or None for not given); only the parts
    of the project that an override replaces are checked (the rest passed when it was stored)."""
    given = {member for member, value in request.items() if value is not None}
    details = build_details(project, dict(request), f"{project.name}:overrides")
    if given & _SOURCE_MEMBERS:
        check_sources(
            {
                "source": details["source"],
                "secondarySources": details.get("secondarySources", []),
                "secondarySourceVersions": request.get("secondarySourcesVersionOverride") or [],
            },
            ctx,
            clone_url_base,
        )
    if given & _ARTIFACT_MEMBERS:
        check_artifacts(
            {
                "source": details["source"],
                "artifacts": details["artifactsDefinition"],
                "secondaryArtifacts": details.get("secondaryArtifactsDefinition", []),
            }
        )
    if given & _ENVIRONMENT_MEMBERS:
        check_environment(details["environment"])
    if request.get("cacheOverride") is not None:
        check_cache(request["cacheOverride"])
    if request.get("logsConfigOverride") is not None:
        check_logs(request["logsConfigOverride"])
    if request.get("autoRetryLimitOverride") is not None:
        check_limits({"autoRetryLimit": request["autoRetryLimitOverride"]})
