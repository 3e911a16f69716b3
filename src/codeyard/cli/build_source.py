"""The source of a local build: the user's directory copied into the workspace (or used in place), its commit."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from codeyard.runner.engine.executors import HostExecutor, Workspace


class SourceError(Exception):
    """The source directory cannot be copied into the workspace."""


def copy_source(source: Path, target: Path) -> None:
    """Copy the tree (links, modes and times kept) so that a buildspec cannot change the user's files.

    A copy, not hard links: a build appending to a hard-linked file would change the user's file.
    GNU cp with `--reflink=auto` shares the blocks on copy-on-write filesystems (btrfs, XFS), so the copy
    costs only metadata there; elsewhere (and without GNU cp) it is a plain copy."""
    cp = shutil.which("cp")
    if cp is not None:
        done = subprocess.run(
            [cp, "-a", "--reflink=auto", f"{source}/.", f"{target}/"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            return
        if "reflink" not in done.stderr and "unrecognized option" not in done.stderr:
            raise SourceError(f"cannot copy {source}: {done.stderr.strip()}")
    try:
        shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    except (OSError, shutil.Error) as error:
        raise SourceError(f"cannot copy {source}: {error}") from error


def git_commit(source: Path) -> str | None:
    """`git rev-parse HEAD` of the directory when it is in a git work tree with a commit, else None."""
    git = shutil.which("git")
    if git is None:
        return None
    done = subprocess.run(
        [git, "rev-parse", "--verify", "-q", "HEAD"],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


class InPlaceHostExecutor(HostExecutor):
    """The host executor with the user's directory as the source directory (`--in-place`): no copy."""

    def __init__(self, base_dir: Path, source: Path) -> None:
        super().__init__(base_dir)
        self._source = source

    def prepare(self, build_id: str) -> Workspace:
        workspace = super().prepare(build_id)
        workspace.src_dir.rmdir()
        return replace(workspace, src_dir=self._source, shell_src_dir=str(self._source))
