"""The steps other modules plug into a build: source download, buildspec loading, secrets, artifacts, finalizing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from codeyard.runner.buildspec.model import Buildspec
from codeyard.runner.engine.environment import VariableType
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.engine.session import ShellSession
from codeyard.runner.engine.states import StatusType


class PhaseError(Exception):
    """Raised by a hook: the running phase ends with this status and context."""

    def __init__(self, status_code: str, message: str, status: StatusType = StatusType.FAILED) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.status = status


class ArtifactStep(NamedTuple):
    """What the UPLOAD_ARTIFACTS hook gets: the workspace, the buildspec and the (still open) session."""

    workspace: Workspace
    buildspec: Buildspec
    environment: Mapping[str, str]
    session: ShellSession
    build_succeeding: bool


class FinalStep(NamedTuple):
    """What the FINALIZING hook gets: the workspace, the buildspec (None if it never loaded), the status,
    and the variables its reports' paths are expanded with (the build's, over them the shell's last
    values of those the reports block names)."""

    workspace: Workspace
    buildspec: Buildspec | None
    build_status: StatusType
    environment: Mapping[str, str] = MappingProxyType({})


class BuildHooks(NamedTuple):
    """Injected steps; each may raise PhaseError. A missing hook is a step with nothing to do.

    `download_source` fills the workspace's source directory and answers the resolved source version;
    `load_buildspec` reads it from there (when the request carries none); `resolve_secret` answers the
    value of a PARAMETER_STORE name or SECRETS_MANAGER reference."""

    download_source: Callable[[Workspace], Awaitable[str | None]] | None = None
    load_buildspec: Callable[[Workspace], Awaitable[Buildspec]] | None = None
    resolve_secret: Callable[[VariableType, str], Awaitable[str]] | None = None
    upload_artifacts: Callable[[ArtifactStep], Awaitable[None]] | None = None
    # Restores the build cache at the end of DOWNLOAD_SOURCE, once the session runs (it expands the
    # cache key); True when it wrote into the workspace, and the engine then starts a fresh session.
    restore_cache: Callable[[ArtifactStep], Awaitable[bool]] | None = None
    finalize: Callable[[FinalStep], Awaitable[None]] | None = None
