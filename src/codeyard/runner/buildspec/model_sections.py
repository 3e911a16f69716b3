"""The buildspec model of the optional top-level sections `proxy`, `reports`, `artifacts` and `cache`.

Apart from codeyard.runner.buildspec.model (which names them too) so that a buildspec without these
sections is read without defining their classes: each frozen dataclass costs start-up time."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ReportFileFormat(StrEnum):
    """Report `file-format` values (test reports first, then code coverage)."""

    JUNITXML = "JUNITXML"
    CUCUMBERJSON = "CUCUMBERJSON"
    TESTNGXML = "TESTNGXML"
    VISUALSTUDIOTRX = "VISUALSTUDIOTRX"
    NUNITXML = "NUNITXML"
    NUNIT3XML = "NUNIT3XML"
    CLOVERXML = "CLOVERXML"
    COBERTURAXML = "COBERTURAXML"
    JACOCOXML = "JACOCOXML"
    SIMPLECOV = "SIMPLECOV"

    @property
    def is_coverage(self) -> bool:
        """True for code coverage formats (report type CODE_COVERAGE), False for test formats."""
        return self in _COVERAGE_FORMATS


_COVERAGE_FORMATS = frozenset({"CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV"})


class CacheAction(StrEnum):
    """`cache.action`: only restore, only save (absent means both)."""

    RESTORE = "restore"
    SAVE = "save"


@dataclass(frozen=True, slots=True)
class ProxySpec:
    """The `proxy` block: whether artifacts upload and logs go through the explicit proxy."""

    upload_artifacts: bool = False
    logs: bool = False


@dataclass(frozen=True, slots=True)
class ReportGroupSpec:
    """One entry of `reports`: a report group name or ARN and the files that feed it."""

    name: str
    files: tuple[str, ...]
    base_directory: str | None = None
    discard_paths: bool = False
    file_format: ReportFileFormat = ReportFileFormat.JUNITXML


@dataclass(frozen=True, slots=True)
class ArtifactsSpec:
    """The `artifacts` block, or one of its `secondary-artifacts` (whose `secondary` is empty)."""

    files: tuple[str, ...] = ()
    name: str | None = None
    discard_paths: bool = False
    base_directory: str | None = None
    exclude_paths: tuple[str, ...] = ()
    enable_symlinks: bool = False
    s3_prefix: str | None = None
    secondary: dict[str, ArtifactsSpec] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CacheSpec:
    """The `cache` block."""

    paths: tuple[str, ...] = ()
    key: str | None = None
    fallback_keys: tuple[str, ...] = ()
    action: CacheAction | None = None
