"""A CODECOMMIT build's source as a tar of the tree at the resolved commit (`git archive`)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from codeyard.git.base import git_environment
from codeyard.git.storage import GitStorage
from codeyard.store.ports import Store

REPO_MARKER = "/v1/repos/"


@dataclass(frozen=True)
class SourceArchive:
    commit: str
    tar: bytes


class SourceNotFound(Exception):
    """The repository or the version does not exist (the message says which)."""


class SourceArchives:
    def __init__(self, store: Store, git: GitStorage) -> None:
        self._store = store
        self._git = git

    def archive(self, region: str, location: str, version: str) -> SourceArchive:
        """The tree of the repository a clone URL names, at `version` (a commit, branch, tag or
        ref; empty for the default branch)."""
        name = location.rpartition(REPO_MARKER)[2].strip("/") if REPO_MARKER in location else ""
        with self._store.reader() as uow:
            repository = uow.repositories.get(region=region, repository_name=name) if name else None
        if repository is None:
            raise SourceNotFound(f"repository {name or location!r} does not exist")
        specifier = version or (
            f"refs/heads/{repository.default_branch}" if repository.default_branch else "HEAD"
        )
        commit = self._git.resolve_commit(repository.repository_id, specifier)
        if commit is None:
            raise SourceNotFound(f"version {specifier!r} does not exist in repository {name!r}")
        result = subprocess.run(
            ["git", "archive", "--format=tar", commit],
            cwd=self._git.path(repository.repository_id),
            env=git_environment(),
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise SourceNotFound(result.stderr.decode(errors="replace").strip())
        return SourceArchive(commit, result.stdout)
