"""Everything the CodeCommit service asks of the git repositories on disk."""

from __future__ import annotations

from typing import Protocol

from codeyard.store.ports.git import GitRepositories
from codeyard.store.ports.git_merges import GitMerges
from codeyard.store.ports.git_objects import GitObjects


class GitStore(GitRepositories, GitObjects, GitMerges, Protocol):
    """Implemented by codeyard.git.storage.GitStorage."""
