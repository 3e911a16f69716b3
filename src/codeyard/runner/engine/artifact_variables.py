"""The variables an `artifacts` or `reports` block names: the runner reads their values from the build's
shell (UPLOAD_ARTIFACTS, and FINALIZING before the shell is closed) to expand the blocks' paths."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeyard.runner.buildspec.model import ArtifactsSpec, ReportGroupSpec

_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def artifact_variable_names(spec: ArtifactsSpec | None) -> list[str]:
    """Every `$NAME` / `${NAME}` in the block's files, name, base directory and exclude paths
    (secondary artifacts included), sorted."""
    if spec is None:
        return []
    texts = [*spec.files, spec.name or "", spec.base_directory or "", *spec.exclude_paths]
    names = {match.group(1) for text in texts for match in _REFERENCE.finditer(text)}
    for secondary in spec.secondary.values():
        names.update(artifact_variable_names(secondary))
    return sorted(names)


def report_variable_names(reports: Mapping[str, ReportGroupSpec]) -> list[str]:
    """Every `$NAME` / `${NAME}` in the report groups' files and base directories, sorted."""
    texts = [text for spec in reports.values() for text in (*spec.files, spec.base_directory or "")]
    return sorted({match.group(1) for text in texts for match in _REFERENCE.finditer(text)})
