"""CodeBuild's phase and status names (the botocore model's enums) and the default transitions on failure."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class BuildPhaseType(StrEnum):
    """The values of the model's `BuildPhaseType`, in the order a build passes through them."""

    SUBMITTED = "SUBMITTED"
    QUEUED = "QUEUED"
    PROVISIONING = "PROVISIONING"
    DOWNLOAD_SOURCE = "DOWNLOAD_SOURCE"
    INSTALL = "INSTALL"
    PRE_BUILD = "PRE_BUILD"
    BUILD = "BUILD"
    POST_BUILD = "POST_BUILD"
    UPLOAD_ARTIFACTS = "UPLOAD_ARTIFACTS"
    FINALIZING = "FINALIZING"
    COMPLETED = "COMPLETED"


class StatusType(StrEnum):
    """The values of the model's `StatusType`, for phases and for the build."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    FAULT = "FAULT"
    TIMED_OUT = "TIMED_OUT"
    IN_PROGRESS = "IN_PROGRESS"
    STOPPED = "STOPPED"


COMMAND_PHASES: tuple[BuildPhaseType, ...] = (
    BuildPhaseType.INSTALL,
    BuildPhaseType.PRE_BUILD,
    BuildPhaseType.BUILD,
    BuildPhaseType.POST_BUILD,
)

# The buildspec's phase key for each command phase.
PHASE_KEYS: dict[BuildPhaseType, str] = {
    BuildPhaseType.INSTALL: "install",
    BuildPhaseType.PRE_BUILD: "pre_build",
    BuildPhaseType.BUILD: "build",
    BuildPhaseType.POST_BUILD: "post_build",
}


class PhaseContext(NamedTuple):
    """One entry of a phase's `contexts`: a status code and a message."""

    status_code: str
    message: str


COMMAND_EXECUTION_ERROR = "COMMAND_EXECUTION_ERROR"
YAML_FILE_ERROR = "YAML_FILE_ERROR"
CLIENT_ERROR = "CLIENT_ERROR"
BUILD_TIMED_OUT = "BUILD_TIMED_OUT"
BUILD_STOPPED = "BUILD_STOPPED"
INTERNAL_ERROR = "INTERNAL_ERROR"


def next_after_failure(phase: BuildPhaseType) -> BuildPhaseType:
    """The phase a build goes to when `phase` fails and no `on-failure` says otherwise (spec §5)."""
    if phase is BuildPhaseType.BUILD:
        return BuildPhaseType.POST_BUILD
    if phase is BuildPhaseType.POST_BUILD:
        return BuildPhaseType.UPLOAD_ARTIFACTS
    return BuildPhaseType.FINALIZING
