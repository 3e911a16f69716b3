"""A server build's buildspec file is read only inside its source directory: the source is the
project's, so a `../` path or a link in it that leads out never reads the runner's own files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codeyard.execution.buildspec_location import MAX_BUILDSPEC_BYTES
from codeyard.runner.engine.executors import Workspace
from codeyard.runner.sources import read_buildspec, secondary_dirs

BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands: [true]\n"


def _workspace(tmp_path: Path) -> Workspace:
    src = tmp_path / "build" / "src"
    src.mkdir(parents=True)
    control = tmp_path / "build" / "control"
    control.mkdir()
    return Workspace(tmp_path / "build", src, control, str(src), str(control))


def test_files_and_links_inside_the_source_are_read(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    (workspace.src_dir / "ci").mkdir()
    (workspace.src_dir / "ci" / "build.yml").write_text(BUILDSPEC)
    (workspace.src_dir / "buildspec.yml").symlink_to("ci/build.yml")
    secondary = secondary_dirs(workspace, "lib")[0]
    secondary.mkdir(parents=True)
    (secondary / "spec.yml").write_text(BUILDSPEC)

    assert read_buildspec(workspace, "buildspec.yml") == BUILDSPEC
    assert read_buildspec(workspace, "ci/../ci/build.yml") == BUILDSPEC
    assert read_buildspec(workspace, "${CODEBUILD_SRC_DIR_lib}/spec.yml") == BUILDSPEC


def test_paths_and_links_leading_out_of_the_source_read_nothing(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    secret = tmp_path / "runner-secret.txt"
    secret.write_text("key: the runner's own\n")
    (workspace.src_dir / "buildspec.yml").symlink_to(secret)
    (workspace.src_dir / "up").symlink_to(tmp_path)
    os.symlink(workspace.src_dir / "ci", workspace.src_dir / "loop")

    for path in ("buildspec.yml", "../../runner-secret.txt", "up/runner-secret.txt", str(secret)):
        with pytest.raises(PermissionError, match="outside the source directory"):
            read_buildspec(workspace, path)
    with pytest.raises(PermissionError):  # the primary source is outside the secondary one
        read_buildspec(workspace, "${CODEBUILD_SRC_DIR_lib}/../../src/buildspec.yml")
    with pytest.raises(FileNotFoundError):
        read_buildspec(workspace, "loop")


def test_a_huge_or_binary_file_is_refused(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    (workspace.src_dir / "big.yml").write_bytes(b"#" * (MAX_BUILDSPEC_BYTES + 1))
    (workspace.src_dir / "binary.yml").write_bytes(b"\xff\xfe")

    with pytest.raises(ValueError, match="larger than"):
        read_buildspec(workspace, "big.yml")
    with pytest.raises(UnicodeDecodeError):
        read_buildspec(workspace, "binary.yml")
