"""Helpers of the file, commit and difference tests: error codes, the bare repository, and commits
with executable files, symbolic links and submodules pushed straight into it with the git CLI."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.git import bare_path, git, git_env, seed
from tests.support.server import Server

SUBMODULE_COMMIT = "1234567890abcdef1234567890abcdef12345678"


def raises(code: str, call: Any, **kwargs: Any) -> str:
    """Call and expect the error `code`; returns its message."""
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert excinfo.value.response["Error"]["Code"] == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def in_bare(server: Server, repository: str, *args: str) -> str:
    """Run git in the repository's bare directory; its standard output."""
    return git(bare_path(server, repository), *args).stdout


def ls_tree(server: Server, repository: str, commit: str) -> dict[str, tuple[str, str]]:
    """Every entry of the commit's tree, recursively: path -> (mode, object id)."""
    out: dict[str, tuple[str, str]] = {}
    for line in in_bare(server, repository, "ls-tree", "-r", "--full-tree", commit).splitlines():
        meta, path = line.split("\t", 1)
        mode, _, object_id = meta.split()
        out[path] = (mode, object_id)
    return out


def show(server: Server, repository: str, spec: str) -> bytes:
    """`git cat-file -p <spec>` as bytes (a blob's exact content)."""
    return subprocess.run(
        ["git", "cat-file", "-p", spec],
        cwd=bare_path(server, repository),
        env=git_env(),
        capture_output=True,
        check=True,
    ).stdout


def rich_commit(server: Server, work: Path, repository: str, branch: str = "main") -> str:
    """A commit with text files in folders, an executable, a symbolic link and a submodule."""
    seed(
        server,
        work,
        repository,
        {"README.md": "hello\n", "src/app.py": "print(1)\n", "src/lib/util.py": "x = 1\n"},
        branch=branch,
    )
    (work / "run.sh").write_text("#!/bin/sh\necho run\n")
    os.chmod(work / "run.sh", 0o755)
    os.symlink("README.md", work / "link")
    git(work, "add", "run.sh", "link")
    git(work, "update-index", "--add", "--cacheinfo", f"160000,{SUBMODULE_COMMIT},vendor/sub")
    git(work, "commit", "-q", "-m", "modes")
    git(work, "push", "-q", str(bare_path(server, repository)), f"HEAD:refs/heads/{branch}")
    return git(work, "rev-parse", "HEAD").stdout.strip()


def commit_bytes(
    server: Server, work: Path, repository: str, files: dict[str, bytes], branch: str = "main"
) -> str:
    """A commit of binary files on `branch` (created from the work tree seed() left)."""
    for path, content in files.items():
        target = work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        git(work, "add", path)
    git(work, "commit", "-q", "-m", "bytes")
    git(work, "push", "-q", str(bare_path(server, repository)), f"HEAD:refs/heads/{branch}")
    return git(work, "rev-parse", "HEAD").stdout.strip()
