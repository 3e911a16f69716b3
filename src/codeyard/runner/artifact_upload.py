"""A server build's artifacts: selected and zipped in UPLOAD_ARTIFACTS, then sent to the server."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

from codeyard.runner.artifacts import ArtifactError, package_zip, select_files
from codeyard.runner.buildspec.model import ArtifactsSpec
from codeyard.runner.engine.hooks import ArtifactStep, PhaseError
from codeyard.runner.engine.states import CLIENT_ERROR

_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
Upload = Callable[[Path, str, str], Awaitable[None]]


def expand(text: str, environment: Mapping[str, str]) -> str:
    """`$NAME` and `${NAME}` replaced by the build's variables (unknown ones by nothing)."""
    return _VARIABLE.sub(lambda m: environment.get(m.group(1) or m.group(2), ""), text)


async def upload_artifacts(
    step: ArtifactStep,
    upload: Upload,
    note: Callable[[str], Awaitable[None]],
    primary: bool,
    secondary: Sequence[str],
) -> None:
    """Zips the buildspec's primary artifact (when `primary`) and its secondary artifacts named in
    `secondary`, handing each to `upload` with the buildspec's name for it ("" when it gives none)
    and its identifier ("" for the primary one)."""
    spec = step.buildspec.artifacts
    if spec is None:
        return
    todo = [("", spec)] if primary and spec.files else []
    todo += [(key, spec.secondary[key]) for key in secondary if key in spec.secondary]
    for identifier, artifact in todo:
        await _upload_one(step, artifact, identifier, upload, note)


async def _upload_one(
    step: ArtifactStep,
    spec: ArtifactsSpec,
    identifier: str,
    upload: Upload,
    note: Callable[[str], Awaitable[None]],
) -> None:
    target = step.workspace.root / "artifact.zip"
    try:
        selection = await asyncio.to_thread(
            select_files,
            step.workspace.src_dir,
            [expand(pattern, step.environment) for pattern in spec.files],
            None if spec.base_directory is None else expand(spec.base_directory, step.environment),
            spec.discard_paths,
            [expand(pattern, step.environment) for pattern in spec.exclude_paths],
            filesystem_root=step.workspace.filesystem_root,
            readable_roots=step.workspace.readable_roots,
        )
        for warning in selection.warnings:
            await note(warning)
        await asyncio.to_thread(package_zip, selection.files, target, spec.enable_symlinks)
    except ArtifactError as error:
        for warning in error.warnings:
            await note(warning)
        raise PhaseError(CLIENT_ERROR, str(error)) from None
    try:
        await upload(target, expand(spec.name or "", step.environment), identifier)
    finally:
        target.unlink(missing_ok=True)
