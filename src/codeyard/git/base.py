"""What every part of the git storage shares: where repositories live and how they are opened."""

from __future__ import annotations

from pathlib import Path

import pygit2

ZERO = "0" * 40


def git_environment() -> dict[str, str]:
    """The environment every git subprocess runs with: no user or system config."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "HOME": "/nonexistent",
        "LC_ALL": "C",
    }


class GitStorageBase:
    """Bare repositories under `root`, one per CodeCommit repository id."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, repository_id: str) -> Path:
        if not repository_id or "/" in repository_id or repository_id.startswith("."):
            raise ValueError(f"not a repository id: {repository_id!r}")
        return self.root / f"{repository_id}.git"

    def open(self, repository_id: str) -> pygit2.Repository:
        return pygit2.Repository(str(self.path(repository_id)))
