"""Merging branches: by fast-forward, squash or three-way merge, and merge commits that no
branch points at (CreateUnreferencedMergeCommit)."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import resolutions
from codeyard.services.codecommit.merge_conflicts import DESCRIBED, MergeConflictsMixin
from codeyard.services.codecommit.resolutions import FAST_FORWARD_MERGE, SQUASH_MERGE, THREE_WAY_MERGE


class MergesMixin(MergeConflictsMixin):
    def _merge_branches(
        self,
        ctx: RequestContext,
        repository_name: str,
        source_specifier: str,
        destination_specifier: str,
        option: str,
        **settings: Any,
    ) -> dict[str, Any]:
        if option == THREE_WAY_MERGE and not settings.get("message"):
            settings["message"] = f"Merge {source_specifier} into {destination_specifier}"
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, repository_name)
            source, destination = self._merge_commits(record, source_specifier, destination_specifier)
            result = self._merge(
                uow,
                ctx,
                record,
                option=option,
                source_commit=source,
                destination_commit=destination,
                **settings,
            )
            uow.commit()
        return {"commitId": result.commit_id, "treeId": result.tree_id}

    def merge_branches_by_fast_forward(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        source_commit_specifier: str,
        destination_commit_specifier: str,
        target_branch: str | None = None,
    ) -> dict[str, Any]:
        return self._merge_branches(
            ctx,
            repository_name,
            source_commit_specifier,
            destination_commit_specifier,
            FAST_FORWARD_MERGE,
            target_branch=target_branch,
        )

    def merge_branches_by_squash(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        source_commit_specifier: str,
        destination_commit_specifier: str,
        target_branch: str | None = None,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
        author_name: str | None = None,
        email: str | None = None,
        commit_message: str | None = None,
        keep_empty_folders: bool | None = None,
        conflict_resolution: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._merge_branches(
            ctx,
            repository_name,
            source_commit_specifier,
            destination_commit_specifier,
            SQUASH_MERGE,
            target_branch=target_branch,
            detail_level=conflict_detail_level,
            strategy=conflict_resolution_strategy,
            resolution=conflict_resolution,
            author_name=author_name,
            email=email,
            message=commit_message,
            keep_empty_folders=bool(keep_empty_folders),
        )

    def merge_branches_by_three_way(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        source_commit_specifier: str,
        destination_commit_specifier: str,
        target_branch: str | None = None,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
        author_name: str | None = None,
        email: str | None = None,
        commit_message: str | None = None,
        keep_empty_folders: bool | None = None,
        conflict_resolution: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._merge_branches(
            ctx,
            repository_name,
            source_commit_specifier,
            destination_commit_specifier,
            THREE_WAY_MERGE,
            target_branch=target_branch,
            detail_level=conflict_detail_level,
            strategy=conflict_resolution_strategy,
            resolution=conflict_resolution,
            author_name=author_name,
            email=email,
            message=commit_message,
            keep_empty_folders=bool(keep_empty_folders),
        )

    def create_unreferenced_merge_commit(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        source_commit_specifier: str,
        destination_commit_specifier: str,
        merge_option: str,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
        author_name: str | None = None,
        email: str | None = None,
        commit_message: str | None = None,
        keep_empty_folders: bool | None = None,
        conflict_resolution: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = resolutions.merge_option(merge_option, allowed=DESCRIBED)
        return self._merge_branches(
            ctx,
            repository_name,
            source_commit_specifier,
            destination_commit_specifier,
            option,
            detail_level=conflict_detail_level,
            strategy=conflict_resolution_strategy,
            resolution=conflict_resolution,
            author_name=author_name,
            email=email,
            message=commit_message,
            keep_empty_folders=bool(keep_empty_folders),
        )
