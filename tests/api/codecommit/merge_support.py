"""Helpers of the merge tests: a repository whose branches are committed to with the git CLI
(files written, deleted, made executable or symbolic links) and read back from the bare copy."""

from __future__ import annotations

import base64
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.git import bare_path, git, git_env
from tests.support.server import Server

STATE_CHANGE = "CodeCommit Repository State Change"


def raises(code: str, call: Any, **kwargs: Any) -> str:
    """Call and expect the error `code`; returns its message."""
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert excinfo.value.response["Error"]["Code"] == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def decoded(side: dict[str, Any]) -> str:
    return base64.b64decode(side["hunkContent"]).decode()


@dataclass
class MergeRepo:
    server: Server
    work: Path
    name: str
    bare: Path

    def commit(
        self,
        branch: str,
        files: dict[str, str | None],
        *,
        start: str | None = None,
        executable: tuple[str, ...] = (),
        links: dict[str, str] | None = None,
        message: str | None = None,
    ) -> str:
        """A commit on `branch` (made from `start`, or an orphan, when it does not exist yet):
        files written (None: deleted), made executable, or replaced by symbolic links."""
        work = self.work
        git(work, "fetch", "-q", str(self.bare), "+refs/heads/*:refs/remotes/origin/*", check=False)
        known = git(work, "rev-parse", "--verify", "-q", f"refs/remotes/origin/{branch}", check=False)
        if known.returncode == 0:
            git(work, "checkout", "-q", "-f", "-B", branch, f"refs/remotes/origin/{branch}")
        elif start:
            git(work, "checkout", "-q", "-f", "-B", branch, start)
        else:
            git(work, "checkout", "-q", "-f", "--orphan", branch)
            git(work, "rm", "-rqf", "--ignore-unmatch", ".")
        for path, text in files.items():
            target = work / path
            if text is None:
                git(work, "rm", "-q", path)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():
                target.unlink()
            target.write_text(text)
            git(work, "add", path)
        for path in executable:
            git(work, "update-index", "--chmod=+x", path)
        for path, destination in (links or {}).items():
            target = work / path
            if target.exists() or target.is_symlink():
                target.unlink()
            os.symlink(destination, target)
            git(work, "add", path)
        git(work, "commit", "-q", "--allow-empty", "-m", message or f"change {branch}")
        git(work, "push", "-q", "-f", str(self.bare), f"HEAD:refs/heads/{branch}")
        return git(work, "rev-parse", "HEAD").stdout.strip()

    def git(self, *args: str) -> str:
        return git(self.bare, *args).stdout

    def tip(self, branch: str) -> str:
        return self.git("rev-parse", f"refs/heads/{branch}").strip()

    def parents(self, commit: str) -> list[str]:
        return self.git("log", "-1", "--format=%P", commit).split()

    def show(self, spec: str) -> bytes:
        """A blob's exact bytes (`git cat-file -p commit:path`)."""
        return subprocess.run(
            ["git", "cat-file", "-p", spec], cwd=self.bare, env=git_env(), capture_output=True, check=True
        ).stdout

    def tree(self, commit: str) -> dict[str, str]:
        """path -> mode of every file of the commit."""
        out: dict[str, str] = {}
        for line in self.git("ls-tree", "-r", "--full-tree", commit).splitlines():
            meta, path = line.split("\t", 1)
            out[path] = meta.split()[0]
        return out


def make_repo(server: Server, tmp_path: Path, name: str = "repo") -> MergeRepo:
    server.client("codecommit").create_repository(repositoryName=name)
    work = tmp_path / f"work-{name}"
    work.mkdir(parents=True)
    git(work, "init", "-q", "-b", "main")
    return MergeRepo(server, work, name, bare_path(server, name))


def diverged(
    server: Server,
    tmp_path: Path,
    base: dict[str, str | None],
    source: dict[str, str | None],
    destination: dict[str, str | None],
    **source_extra: Any,
) -> tuple[MergeRepo, str, str, str]:
    """main at `base`, feature one commit on top with `source`, main one commit on with
    `destination`: the repository and the base, feature and main commits."""
    repo = make_repo(server, tmp_path)
    first = repo.commit("main", base, message="base")
    feature = repo.commit("feature", source, start=first, message="feature work", **source_extra)
    main = repo.commit("main", destination, message="main work") if destination else first
    return repo, first, feature, main
