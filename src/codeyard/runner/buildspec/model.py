"""The buildspec model: frozen, typed objects for every key of buildspec versions 0.1 and 0.2."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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


DEFAULT_RETRY_COUNT = 3
DEFAULT_RETRY_REGEX = ".*"


@dataclass(frozen=True, slots=True)
class SecretRef:
    """A `secrets-manager` reference `secret-id:json-key:version-stage:version-id`."""

    secret_id: str
    json_key: str | None = None
    version_stage: str | None = None
    version_id: str | None = None


@dataclass(frozen=True, slots=True)
class EnvSpec:
    """The `env` block (0.1: `environment_variables`)."""

    shell: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    parameter_store: dict[str, str] = field(default_factory=dict)
    secrets_manager: dict[str, SecretRef] = field(default_factory=dict)
    exported_variables: tuple[str, ...] = ()
    git_credential_helper: bool = False


@dataclass(frozen=True, slots=True)
class ProxySpec:
    """The `proxy` block: whether artifacts upload and logs go through the explicit proxy."""

    upload_artifacts: bool = False
    logs: bool = False


@dataclass(frozen=True, slots=True)
class OnFailure:
    """A phase's `on-failure`: ABORT, CONTINUE, or RETRY with a count and an error-output regex."""

    action: FailureAction
    count: int | None = None
    regex: str | None = None


@dataclass(frozen=True, slots=True)
class Phase:
    """One command phase; `finally_` is the `finally` list."""

    name: PhaseName
    run_as: str | None = None
    on_failure: OnFailure | None = None
    runtime_versions: dict[str, str] = field(default_factory=dict)
    commands: tuple[str, ...] = ()
    finally_: tuple[str, ...] = ()


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


@dataclass(frozen=True, slots=True)
class BatchEnv:
    """A batch task's `env` override (`variables` maps names to values)."""

    compute_type: str | None = None
    image: str | None = None
    privileged_mode: bool | None = None
    type: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    fleet: str | None = None


@dataclass(frozen=True, slots=True)
class BatchTask:
    """One task of `build-list` or `build-graph`; `buildspec` None means the current file."""

    identifier: str
    buildspec: str | None = None
    debug_session: bool = False
    depend_on: tuple[str, ...] = ()
    ignore_failure: bool = False
    env: BatchEnv | None = None


@dataclass(frozen=True, slots=True)
class BatchMatrixDynamic:
    """`build-matrix.dynamic`: the values to combine, one build per combination."""

    buildspec: tuple[str, ...] = ()
    compute_type: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    variables: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchMatrix:
    """`build-matrix`: `static` settings for every build and the `dynamic` combinations."""

    static: BatchTask | None = None
    dynamic: BatchMatrixDynamic = field(default_factory=BatchMatrixDynamic)


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """The `batch` block (parsed and validated; executed elsewhere)."""

    fast_fail: bool = False
    build_list: tuple[BatchTask, ...] = ()
    build_graph: tuple[BatchTask, ...] = ()
    build_matrix: BatchMatrix | None = None
    build_fanout: bool = False


@dataclass(frozen=True, slots=True)
class Buildspec:
    """A parsed buildspec; `phases` holds the phases present, in run order."""

    version: BuildspecVersion
    run_as: str | None = None
    env: EnvSpec = field(default_factory=EnvSpec)
    proxy: ProxySpec | None = None
    phases: dict[PhaseName, Phase] = field(default_factory=dict)
    reports: dict[str, ReportGroupSpec] = field(default_factory=dict)
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
