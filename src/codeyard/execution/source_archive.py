"""A CODECOMMIT build's source as a git clone: the tar of the `.git` of a clone at the resolved commit.

The clone is made on the server from the bare repository at the build's depth (a shallow fetch of
the commit, or a local clone sharing the objects for the full history), with the branch checked out
when the version names a branch and HEAD detached otherwise. The runner unpacks it and checks the
work tree out, so builds see a real repository (`git rev-parse HEAD`, `git log`, `git describe`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from codeyard.git.base import git_environment
from codeyard.git.storage import GitStorage
from codeyard.store.ports import Store

REPO_MARKER = "/v1/repos/"
HEADS, TAGS = "refs/heads/", "refs/tags/"
_COMMIT_ID = re.compile(r"[0-9a-f]{4,40}")


@dataclass(frozen=True)
class SourceArchive:
    """The resolved commit, the branch checked out ("" when HEAD is detached) and the tar's path."""

    commit: str
    branch: str
    tar: Path


class SourceNotFound(Exception):
    """The repository or the version does not exist (the message says which)."""


class SourceArchives:
    def __init__(self, store: Store, git: GitStorage) -> None:
        self._store = store
        self._git = git

    @contextmanager
    def clone(self, region: str, location: str, version: str, depth: int) -> Iterator[SourceArchive]:
        """The clone of the repository a clone URL names at `version` (a commit, branch, tag or ref;
        empty for the default branch), `depth` commits deep (0: all); removed when the block ends."""
        name = location.rpartition(REPO_MARKER)[2].strip("/") if REPO_MARKER in location else ""
        with self._store.reader() as uow:
            repository = uow.repositories.get(region=region, repository_name=name) if name else None
        if repository is None:
            raise SourceNotFound(f"repository {name or location!r} does not exist")
        repository_id = repository.repository_id
        specifier = version or (
            f"{HEADS}{repository.default_branch}" if repository.default_branch else "HEAD"
        )
        commit = self._git.resolve_commit(repository_id, specifier)
        if commit is None:
            raise SourceNotFound(f"version {specifier!r} does not exist in repository {name!r}")
        refs = self._git.refs(repository_id)
        branch = next(
            (b for b in (specifier.removeprefix(HEADS), specifier) if f"{HEADS}{b}" in refs and b), ""
        )
        if specifier.startswith(TAGS) or (_COMMIT_ID.fullmatch(specifier) and commit.startswith(specifier)):
            branch = ""  # a tag or a commit id: detached, even if a branch has the same name
        bare = self._git.path(repository_id)
        # beside the repositories, so that a full clone hard-links their objects instead of copying them
        scratch = Path(tempfile.mkdtemp(prefix=".source-", dir=bare.parent))
        try:
            work = scratch / "clone"
            _make_clone(bare, work, commit, branch, depth, location)
            tar = scratch / "source.tar"
            _run(scratch, ["tar", "-C", str(work), "-cf", str(tar), ".git"])
            yield SourceArchive(commit, branch, tar)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _make_clone(bare: Path, work: Path, commit: str, branch: str, depth: int, location: str) -> None:
    if depth > 0:
        _git(work.parent, "init", "-q", str(work))
        _git(
            work,
            "-c",
            "uploadpack.allowAnySHA1InWant=true",
            "fetch",
            "-q",
            "--no-tags",
            f"--depth={depth}",
            bare.resolve().as_uri(),
            commit,
        )
        _git(work, "remote", "add", "origin", location)
        if branch:
            _git(work, "update-ref", f"refs/remotes/origin/{branch}", commit)
    else:
        _git(work.parent, "clone", "-q", "--no-checkout", "--local", str(bare), str(work))
        _git(work, "remote", "set-url", "origin", location)
    if branch:
        _git(work, "update-ref", f"{HEADS}{branch}", commit)
        _git(work, "symbolic-ref", "HEAD", f"{HEADS}{branch}")
        _git(work, "config", f"branch.{branch}.remote", "origin")
        _git(work, "config", f"branch.{branch}.merge", f"{HEADS}{branch}")
    else:
        _git(work, "update-ref", "--no-deref", "HEAD", commit)


def _git(cwd: Path, *args: str) -> None:
    _run(cwd, ["git", *args])


def _run(cwd: Path, argv: list[str]) -> None:
    result = subprocess.run(argv, cwd=cwd, env=git_environment(), capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise SourceNotFound(f"cannot clone the source: {' '.join(argv[:3])}: {message}")
