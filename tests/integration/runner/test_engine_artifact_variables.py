"""UPLOAD_ARTIFACTS sees the values the build's commands gave the variables its artifacts block names."""

from __future__ import annotations

import zipfile
from pathlib import Path

from codeyard.cli.build_results import BuildResults, package_artifacts
from codeyard.runner.artifact_upload import expand, upload_artifacts
from codeyard.runner.artifacts import select_files
from codeyard.runner.buildspec.model import ArtifactsSpec
from codeyard.runner.engine.artifact_variables import artifact_variable_names
from codeyard.runner.engine.environment import EnvironmentVariable
from codeyard.runner.engine.hooks import ArtifactStep, BuildHooks
from tests.integration.runner.build_helper import run_build

BUILDSPEC = """
version: 0.2
env:
  variables:
    OUT_DIR: declared
phases:
  build:
    commands:
      - TARBALL="agent-v$(printf 1.2).tar"
      - OUT_DIR=out
      - mkdir -p "$OUT_DIR" && touch "$OUT_DIR/$TARBALL" "$OUT_DIR/other.txt"
artifacts:
  files:
    - $TARBALL
  base-directory: ${OUT_DIR}
  name: build-$TARBALL-$PROJECT_NAME
"""


def test_artifact_paths_take_the_values_commands_gave_their_variables(tmp_path: Path) -> None:
    seen: dict[str, str] = {}
    selected: list[str] = []

    async def upload(step: ArtifactStep) -> None:
        spec = step.buildspec.artifacts
        assert spec is not None
        seen.update(step.environment)
        base = expand(spec.base_directory or "", step.environment)
        selection = select_files(
            step.workspace.src_dir, [expand(f, step.environment) for f in spec.files], base
        )
        selected.extend(artifact.archive_path for artifact in selection.files)
        seen["name"] = expand(spec.name or "", step.environment)

    project = (EnvironmentVariable("PROJECT_NAME", "demo"),)
    build = run_build(tmp_path, BUILDSPEC, BuildHooks(upload_artifacts=upload), project=project)
    assert build.statuses["UPLOAD_ARTIFACTS"] == "SUCCEEDED"
    assert str(build.ended.status) == "SUCCEEDED"
    assert seen["TARBALL"] == "agent-v1.2.tar"
    assert seen["OUT_DIR"] == "out"  # the shell's value over the buildspec's
    assert seen["name"] == "build-agent-v1.2.tar-demo"
    assert selected == ["agent-v1.2.tar"]


def test_names_come_from_every_part_of_the_block() -> None:
    spec = ArtifactsSpec(
        files=("$A/*", "${B}.zip", "plain"),
        name="$C",
        base_directory="${D}",
        exclude_paths=("$E/**",),
        secondary={"second": ArtifactsSpec(files=("$F",))},
    )
    assert artifact_variable_names(spec) == ["A", "B", "C", "D", "E", "F"]
    assert artifact_variable_names(None) == []
    assert artifact_variable_names(ArtifactsSpec(files=("**/*",))) == []


PACKAGED = """
version: 0.2
phases:
  build:
    commands:
      - OUT_DIR=out; SKIP=skipped
      - mkdir -p out/skipped && touch out/keep.txt out/skipped/drop.txt
artifacts:
  files:
    - '**/*'
  base-directory: $OUT_DIR
  exclude-paths:
    - $SKIP/**/*
"""


def test_the_server_runner_packages_with_base_directory_and_exclude_paths_expanded(tmp_path: Path) -> None:
    zipped: list[str] = []

    async def upload(path: Path, name: str, identifier: str) -> None:
        with zipfile.ZipFile(path) as archive:
            zipped.extend(archive.namelist())

    async def note(message: str) -> None:
        return None

    async def upload_step(step: ArtifactStep) -> None:
        await upload_artifacts(step, upload, note, True, [])

    build = run_build(tmp_path, PACKAGED, BuildHooks(upload_artifacts=upload_step))
    assert str(build.ended.status) == "SUCCEEDED"
    assert zipped == ["keep.txt"]


def test_codeyard_build_packages_with_base_directory_and_exclude_paths_expanded(tmp_path: Path) -> None:
    results = BuildResults()
    target = tmp_path / "artifacts"

    async def upload_step(step: ArtifactStep) -> None:
        package_artifacts(step.workspace.src_dir, step.buildspec, step.environment, target, False, results)

    build = run_build(tmp_path, PACKAGED, BuildHooks(upload_artifacts=upload_step))
    assert str(build.ended.status) == "SUCCEEDED"
    assert [(a.identifier, a.entries) for a in results.artifacts] == [("primary", 1)]
    assert sorted(p.name for p in (target / "artifacts").rglob("*")) == ["keep.txt"]
