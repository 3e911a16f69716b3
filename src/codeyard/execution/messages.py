"""The wire messages between the server and its runners: dataclasses to and from JSON dicts (stdlib only)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Self

WORK_PREFIX = "/_codeyard/v1/work"


class _Message:
    """to_dict/from_dict for a flat dataclass of JSON values; unknown keys are ignored."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload, no-any-return]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True)
class Registration(_Message):
    """What `register` answers: the runner's id and bearer token, and the ARN of the fleet it
    serves ("" for an on-demand runner)."""

    runner_id: str
    token: str
    fleet: str = ""


@dataclass(frozen=True)
class Job(_Message):
    """One build to run, as `poll` hands it out.

    `buildspec` is the buildspec's text when the build carries one (an override, an inline
    project buildspec, NO_SOURCE); None means "read `buildspec_path`": from the source, from the
    secondary source a `${CODEBUILD_SRC_DIR_<id>}/` prefix names, or, for an S3 object's ARN, from
    the work API's `jobs/<id>/buildspec`.
    `source_url` is the work API path of the source tarball (None: no source).
    `variables` are {"name", "value", "type"} dicts, project ones first, then overrides."""

    build_id: str
    build_arn: str
    build_number: int
    project_name: str
    project_arn: str
    region: str
    start_time_ms: int
    initiator: str
    image: str
    source_type: str
    source_location: str
    source_version: str
    buildspec: str | None
    buildspec_path: str
    source_url: str | None
    timeout_seconds: int
    lease_seconds: int
    log_group: str
    log_stream: str
    variables: list[dict[str, str]] = field(default_factory=list)
    override_variables: list[dict[str, str]] = field(default_factory=list)
    queued_timeout_seconds: int = 0
    # How many times the build is queued again when its runner is lost (the project's autoRetryLimit).
    retries_left: int = 0
    # The primary artifact: S3 (uploaded to the server) or NO_ARTIFACTS.
    artifacts_type: str = "NO_ARTIFACTS"
    # The identifiers of the secondary artifacts of type S3.
    secondary_artifacts: list[str] = field(default_factory=list)
    # The environment's privilegedMode: a container build runs privileged.
    privileged_mode: bool = False
    # The build cache: NO_CACHE, LOCAL (with its modes) or S3 (`cache_location` is bucket/prefix).
    cache_type: str = "NO_CACHE"
    cache_location: str = ""
    cache_modes: list[str] = field(default_factory=list)
    # How many times the project's cache was reset (InvalidateProjectCache) when the build started:
    # a LOCAL cache saved under an older generation is dropped, never restored.
    cache_generation: int = 0
    # A batch member's task identifier (CODEBUILD_BATCH_BUILD_IDENTIFIER); "" outside a batch.
    batch_identifier: str = ""
    # The primary source's clone depth (CODECOMMIT; 0 is the full history).
    git_clone_depth: int = 0
    # The secondary sources: {"identifier", "type", "location", "version", "depth", "url", "submodules"}
    # dicts ("url" is the work API path of the source, "" for NO_SOURCE; "submodules" is "true" when
    # its gitSubmodulesConfig fetches them, else ""), in the project's order.
    secondary_sources: list[dict[str, str]] = field(default_factory=list)
    # The primary source's gitSubmodulesConfig.fetchSubmodules (CODECOMMIT).
    fetch_submodules: bool = False


@dataclass(frozen=True)
class LeaseRenewal(_Message):
    """The heartbeat's answer: whether the lease is still the runner's, and whether to stop."""

    leased: bool
    stop: bool


@dataclass(frozen=True)
class LogChunk(_Message):
    """Log lines in order; `sequence` counts chunks from 0, so a resent chunk is stored once."""

    sequence: int
    time_ms: int
    lines: list[str]


@dataclass(frozen=True)
class PhaseUpdate(_Message):
    """A phase started (`status` None) or ended; contexts are {"statusCode", "message"} dicts."""

    phase: str
    start_ms: int
    status: str | None = None
    end_ms: int | None = None
    contexts: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Completion(_Message):
    """The build's end: its status, the resolved source version and the exported variables."""

    status: str
    end_ms: int
    resolved_source_version: str | None = None
    exported_variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportUpload(_Message):
    """One report group's report of a build, as the runner collected it (sent before the completion).

    `group` is the buildspec's key (a report group name or ARN); the summaries, `test_cases` and
    `coverages` are in the API's shapes (TestReportSummary, TestCase, CodeCoverage…) less the ARNs."""

    group: str
    type: str
    status: str
    truncated: bool = False
    test_summary: dict[str, Any] | None = None
    coverage_summary: dict[str, Any] | None = None
    test_cases: list[dict[str, Any]] = field(default_factory=list)
    coverages: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ReportFiled:
    """The answer to a ReportUpload: the report's ARN, and whether its group exports raw data (the
    runner then PUTs the zip of the report's raw files to `jobs/<build id>/reports/raw?report=<ARN>`).
    On the wire: `{"reportArn", "exportRawData"}`."""

    report_arn: str
    export_raw_data: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"reportArn": self.report_arn, "exportRawData": self.export_raw_data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportFiled:
        return cls(str(data["reportArn"]), data.get("exportRawData") is True)
