"""Merges for the CodeCommit API: options, conflicts, hunks, and the merge commits themselves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from codeyard.git.base import GitStorageBase
from codeyard.store.ports.git_merges import (
    ConflictResolution,
    MergeAnalysis,
    MergedCommit,
    MergeDescription,
)


class MergeStorage(GitStorageBase):
    """Implements store.ports.git_merges.GitMerges."""

    def analyse_merge(
        self,
        repository_id: str,
        source: str,
        destination: str,
        *,
        detail_level: str,
        strategy: str,
        max_divergence: int,
    ) -> MergeAnalysis:
        raise NotImplementedError

    def describe_merge(
        self,
        repository_id: str,
        source: str,
        destination: str,
        paths: Sequence[str],
        *,
        detail_level: str,
        strategy: str,
        max_divergence: int,
    ) -> MergeDescription:
        raise NotImplementedError

    def create_merge_commit(
        self,
        repository_id: str,
        source: str,
        destination: str,
        *,
        squash: bool,
        detail_level: str,
        strategy: str,
        resolution: ConflictResolution | None,
        author_name: str,
        email: str,
        message: str | None,
        when: datetime,
        keep_empty_folders: bool,
        max_divergence: int,
    ) -> MergedCommit:
        raise NotImplementedError

    def find_merge_commit(self, repository_id: str, source: str, destination: str) -> str | None:
        raise NotImplementedError

    def tree_of(self, repository_id: str, commit: str) -> str:
        raise NotImplementedError

    def object_kind(self, repository_id: str, specifier: str) -> str | None:
        raise NotImplementedError
