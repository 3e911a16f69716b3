"""Merges for the CodeCommit API: options, conflicts, hunks, and the merge commits themselves."""

from __future__ import annotations

from codeyard.git.base import GitStorageBase


class MergeStorage(GitStorageBase):
    """Implements store.ports.git_merges.GitMerges."""
