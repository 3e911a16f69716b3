"""The buildspec model: frozen, typed objects for every key of buildspec versions 0.1 and 0.2."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from codeyard.runner.buildspec.model_batch import (
        BatchEnv,
        BatchMatrix,
        BatchMatrixDynamic,
        BatchSpec,
        BatchTask,
    )
    from codeyard.runner.buildspec.model_options import OnFailure, SecretRef
    from codeyard.runner.buildspec.model_sections import (
        ArtifactsSpec,
        CacheAction,
        CacheSpec,
        ProxySpec,
        ReportFileFormat,
        ReportGroupSpec,
    )

__all__ = [
    "DEFAULT_RETRY_COUNT",
    "DEFAULT_RETRY_REGEX",
    "ArtifactsSpec",
    "BatchEnv",
    "BatchMatrix",
    "BatchMatrixDynamic",
    "BatchSpec",
    "BatchTask",
    "Buildspec",
    "BuildspecVersion",
    "CacheAction",
    "CacheSpec",
    "EnvSpec",
    "FailureAction",
    "OnFailure",
    "Phase",
    "PhaseName",
    "ProxySpec",
    "ReportFileFormat",
    "ReportGroupSpec",
    "SecretRef",
]

# The optional parts' classes live in modules of their own, loaded when first named (through this
# module too): a buildspec without those parts, as most are, never defines them.
_ELSEWHERE = {
    **dict.fromkeys(
        ("BatchEnv", "BatchMatrix", "BatchMatrixDynamic", "BatchSpec", "BatchTask"),
        "codeyard.runner.buildspec.model_batch",
    ),
    **dict.fromkeys(
        ("ArtifactsSpec", "CacheAction", "CacheSpec", "ProxySpec", "ReportFileFormat", "ReportGroupSpec"),
        "codeyard.runner.buildspec.model_sections",
    ),
    **dict.fromkeys(("OnFailure", "SecretRef"), "codeyard.runner.buildspec.model_options"),
}


def __getattr__(name: str) -> object:
    module = _ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


class BuildspecVersion(StrEnum):
    """The buildspec versions: 0.1 runs each command in a fresh shell, 0.2 in one shared shell."""

    V0_1 = "0.1"
    V0_2 = "0.2"


class PhaseName(StrEnum):
    """The four command phases, in the order they run."""

    INSTALL = "install"
    PRE_BUILD = "pre_build"
    BUILD = "build"
    POST_BUILD = "post_build"


class FailureAction(StrEnum):
    """What `on-failure` asks for when a phase fails."""

    ABORT = "ABORT"
    CONTINUE = "CONTINUE"
    RETRY = "RETRY"


DEFAULT_RETRY_COUNT = 3
DEFAULT_RETRY_REGEX = ".*"


class EnvSpec(NamedTuple):
    """The `env` block (0.1: `environment_variables`)."""

    shell: str | None = None
    variables: Mapping[str, str] = MappingProxyType({})
    parameter_store: Mapping[str, str] = MappingProxyType({})
    secrets_manager: Mapping[str, SecretRef] = MappingProxyType({})
    exported_variables: tuple[str, ...] = ()
    git_credential_helper: bool = False


class Phase(NamedTuple):
    """One command phase; `finally_` is the `finally` list."""

    name: PhaseName
    run_as: str | None = None
    on_failure: OnFailure | None = None
    runtime_versions: Mapping[str, str] = MappingProxyType({})
    commands: tuple[str, ...] = ()
    finally_: tuple[str, ...] = ()


class Buildspec(NamedTuple):
    """A parsed buildspec; `phases` holds the phases present, in run order."""

    version: BuildspecVersion
    run_as: str | None = None
    env: EnvSpec = EnvSpec()
    proxy: ProxySpec | None = None
    phases: Mapping[PhaseName, Phase] = MappingProxyType({})
    reports: Mapping[str, ReportGroupSpec] = MappingProxyType({})
    artifacts: ArtifactsSpec | None = None
    cache: CacheSpec | None = None
    batch: BatchSpec | None = None

    @property
    def shares_shell(self) -> bool:
        """True for 0.2 (one shell for every command), False for 0.1 (a fresh shell per command)."""
        return self.version is not BuildspecVersion.V0_1

    def phase(self, name: PhaseName) -> Phase | None:
        """The phase of that name, or None when the buildspec leaves it out."""
        return self.phases.get(name)
