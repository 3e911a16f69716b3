"""What a local build leaves behind: its artifacts packaged into a directory, its reports written as JSON."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from codeyard.runner.buildspec.model import ArtifactsSpec, Buildspec
    from codeyard.runner.reports.collect import CollectedReport

PRIMARY = "primary"
DEFAULT_NAME = "artifacts"
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


# Records as NamedTuples, not dataclasses: a class of each is made at every start of `codeyard build`,
# and a dataclass costs several times as much to make (the engine's records are NamedTuples too).
class WrittenArtifact(NamedTuple):
    """One artifact: its identifier, where it was written (None without --artifacts), size and entries."""

    identifier: str
    path: Path | None
    size: int
    entries: int


class GroupReport(NamedTuple):
    """One report group's report, and the JSON file it was written to (None without --reports)."""

    group: str
    report: CollectedReport
    path: Path | None


class BuildResults:
    """Everything the summary shows besides the phases; filled by the hooks as the build runs (a plain
    class: the only dataclass left on the way of `codeyard build`, it alone loaded the dataclasses module)."""

    __slots__ = ("artifacts", "reports", "warnings")

    def __init__(self) -> None:
        self.artifacts: list[WrittenArtifact] = []
        self.reports: list[GroupReport] = []
        self.warnings: list[str] = []


def expand(text: str, environment: Mapping[str, str]) -> str:
    """`$NAME` and `${NAME}` replaced by the build's variables (unknown ones by nothing), as a shell would."""
    return _VARIABLE.sub(lambda m: environment.get(m.group(1) or m.group(2), ""), text)


def package_artifacts(
    src_dir: Path,
    buildspec: Buildspec,
    environment: Mapping[str, str],
    target: Path | None,
    zipped: bool,
    results: BuildResults,
    *,
    filesystem_root: Path = Path("/"),
    readable_roots: Sequence[Path] | None = None,
    mask: Callable[[str], str] = str,
) -> None:
    """Select every artifact (primary, then secondary by identifier) and, with a target, package it there.
    Absolute paths are read under `filesystem_root`, only inside `readable_roots` when set (the workspace's).
    The name is masked with `mask` (a secret value in it is written as `***`, as a server build keeps it).

    Raises ArtifactError like CodeBuild's UPLOAD_ARTIFACTS (no matching paths, a bad name)."""
    spec = buildspec.artifacts
    if spec is None:
        return
    # imported only for builds that have artifacts (and reports below): `codeyard build` starts faster
    from codeyard.runner.artifacts import (
        ArtifactError,
        artifact_name,
        package_directory,
        package_zip,
        select_files,
    )

    todo: list[tuple[str, ArtifactsSpec, str]] = []
    if spec.files:
        todo.append((PRIMARY, spec, spec.name or DEFAULT_NAME))
    todo += [(key, second, second.name or key) for key, second in spec.secondary.items()]
    for identifier, artifact, name in todo:
        try:
            selection = select_files(
                src_dir,
                [expand(pattern, environment) for pattern in artifact.files],
                None if artifact.base_directory is None else expand(artifact.base_directory, environment),
                artifact.discard_paths,
                [expand(pattern, environment) for pattern in artifact.exclude_paths],
                filesystem_root=filesystem_root,
                readable_roots=readable_roots,
            )
        except ArtifactError as error:
            results.warnings += [f"artifact {identifier}: {warning}" for warning in error.warnings]
            raise
        results.warnings += [f"artifact {identifier}: {warning}" for warning in selection.warnings]
        if target is None:
            results.artifacts.append(WrittenArtifact(identifier, None, 0, len(selection.files)))
            continue
        shown = artifact_name(mask(expand(name, environment)))
        if zipped:
            path = target / (shown if shown.endswith(".zip") else f"{shown}.zip")
            entries = package_zip(selection.files, path, artifact.enable_symlinks)
            size = path.stat().st_size
        else:
            path = target / shown
            entries = package_directory(selection.files, path, artifact.enable_symlinks)
            size = _tree_size(path)
        results.artifacts.append(WrittenArtifact(identifier, path, size, entries))


def collect_reports(
    src_dir: Path,
    buildspec: Buildspec,
    target: Path | None,
    execution_arn: str,
    created: datetime,
    results: BuildResults,
    *,
    environment: Mapping[str, str] | None = None,
    filesystem_root: Path = Path("/"),
    readable_roots: Sequence[Path] | None = None,
    mask: Callable[[str], str] = str,
) -> None:
    """Every report group's report; with a target, each written as `<group>.json` in the API's shapes.
    `files` and `base-directory` are expanded with `environment` and absolute paths read as
    `package_artifacts` does; every string of the JSON goes through `mask`."""
    environment = environment or {}
    import json  # only for builds with reports, as the report parsers

    from codeyard.runner.reports.collect import collect_report

    for group, spec in buildspec.reports.items():
        report = collect_report(
            src_dir,
            [expand(pattern, environment) for pattern in spec.files],
            base_directory=None if spec.base_directory is None else expand(spec.base_directory, environment),
            discard_paths=spec.discard_paths,
            file_format=spec.file_format.value,
            filesystem_root=filesystem_root,
            readable_roots=readable_roots,
        )
        path = None
        if target is not None:
            target.mkdir(parents=True, exist_ok=True)
            path = target / f"{_file_name(group)}.json"
            document = _masked(report_document(group, report, execution_arn, created), mask)
            path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        results.reports.append(GroupReport(group, report, path))


def report_document(
    group: str, report: CollectedReport, execution_arn: str, created: datetime
) -> dict[str, Any]:
    """`report` as BatchGetReports' Report shape, with `testCases` (DescribeTestCases) or `codeCoverages`
    (DescribeCodeCoverages) beside it."""
    shape: dict[str, Any] = {
        "type": report.type.value,
        "name": group,
        "executionId": execution_arn,
        "status": report.status.value,
        "created": created.isoformat(),
        "truncated": report.truncated,
    }
    document: dict[str, Any] = {"report": shape}
    if report.message:
        document["statusMessage"] = report.message
    if report.test is not None:
        shape["testSummary"] = report.test.summary.to_api()
        document["testCases"] = [case.to_api() for case in report.test.cases]
    if report.coverage is not None:
        shape["codeCoverageSummary"] = report.coverage.summary.to_api()
        document["codeCoverages"] = [result.to_api() for result in report.coverage.files]
    return document


def _masked(value: Any, mask: Callable[[str], str]) -> Any:
    """A JSON document with every string (keys too) masked."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {mask(key): _masked(item, mask) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, mask) for item in value]
    return value


def _file_name(group: str) -> str:
    """A report group name or ARN as a file name: the ARN's last part, unsafe characters replaced."""
    name = group.rsplit("/", 1)[-1] if group.startswith("arn:") else group
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "report"


def _tree_size(path: Path) -> int:
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            total += os.lstat(os.path.join(folder, name)).st_size
    return total
