"""Reading merges: options, conflicts and their hunks, and the merge commit of two commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.errors import CodeyardError
from codeyard.services.codecommit import resolutions
from codeyard.services.codecommit.errors import (
    FileDoesNotExistException,
    InvalidDestinationCommitSpecifierException,
    InvalidMaxConflictFilesException,
    InvalidMaxMergeHunksException,
    InvalidSourceCommitSpecifierException,
    TipsDivergenceExceededException,
)
from codeyard.services.codecommit.merge_shapes import (
    DEFAULT_CONFLICT_FILES,
    DEFAULT_MERGE_HUNKS,
    commit_ids,
    conflict_metadata,
    limit,
    merge_hunk,
)
from codeyard.services.codecommit.merging import MAX_DIVERGENCE, MergingMixin
from codeyard.services.codecommit.pages import page
from codeyard.services.codecommit.resolutions import (
    FAST_FORWARD_MERGE,
    SQUASH_MERGE,
    THREE_WAY_MERGE,
)
from codeyard.store.ports.codecommit import RepositoryRecord
from codeyard.store.ports.git_merges import MergeAnalysis, MergeDescription, TipsTooFarApart

DESCRIBED = (SQUASH_MERGE, THREE_WAY_MERGE)  # the options whose conflicts can be described


class MergeConflictsMixin(MergingMixin):
    # --- reading -------------------------------------------------------------------------------

    def _merged_repository(self, ctx: RequestContext, repository_name: str) -> RepositoryRecord:
        with self._reading() as uow:
            return self._repository(uow, ctx, repository_name)

    def _merge_analysis(
        self, record: RepositoryRecord, source: str, destination: str, level: str, strategy: str
    ) -> MergeAnalysis:
        try:
            return self._git.analyse_merge(
                record.repository_id,
                source,
                destination,
                detail_level=level,
                strategy=strategy,
                max_divergence=MAX_DIVERGENCE,
            )
        except TipsTooFarApart as error:
            raise TipsDivergenceExceededException(f"The tips diverge too far to compare: {error}.") from None

    def _merge_description(
        self,
        record: RepositoryRecord,
        source: str,
        destination: str,
        paths: Sequence[str],
        level: str,
        strategy: str,
    ) -> MergeDescription:
        try:
            return self._git.describe_merge(
                record.repository_id,
                source,
                destination,
                paths,
                detail_level=level,
                strategy=strategy,
                max_divergence=MAX_DIVERGENCE,
            )
        except TipsTooFarApart as error:
            raise TipsDivergenceExceededException(f"The tips diverge too far to compare: {error}.") from None

    def get_merge_options(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        source_commit_specifier: str,
        destination_commit_specifier: str,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
    ) -> dict[str, Any]:
        level = resolutions.detail_level(conflict_detail_level)
        strategy = resolutions.strategy(conflict_resolution_strategy)
        record = self._merged_repository(ctx, repository_name)
        source, destination = self._merge_commits(
            record, source_commit_specifier, destination_commit_specifier
        )
        analysis = self._merge_analysis(record, source, destination, level, strategy)
        options = [FAST_FORWARD_MERGE] if analysis.fast_forward else []
        if analysis.mergeable:
            options += [SQUASH_MERGE, THREE_WAY_MERGE]
        return {"mergeOptions": options, **commit_ids(analysis)}

    def get_merge_conflicts(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        destination_commit_specifier: str,
        source_commit_specifier: str,
        merge_option: str,
        conflict_detail_level: str | None = None,
        max_conflict_files: int | None = None,
        conflict_resolution_strategy: str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        option = resolutions.merge_option(merge_option)
        level = resolutions.detail_level(conflict_detail_level)
        strategy = resolutions.strategy(conflict_resolution_strategy)
        size = limit(
            max_conflict_files, DEFAULT_CONFLICT_FILES, InvalidMaxConflictFilesException, "conflict files"
        )
        record = self._merged_repository(ctx, repository_name)
        source, destination = self._merge_commits(
            record,
            source_commit_specifier,
            destination_commit_specifier,
            invalid_source=InvalidSourceCommitSpecifierException,
            invalid_destination=InvalidDestinationCommitSpecifierException,
        )
        analysis = self._merge_analysis(record, source, destination, level, strategy)
        conflicts = () if option == FAST_FORWARD_MERGE else analysis.conflicts
        items, following = page(conflicts, next_token, size, f"conflicts-{source}-{destination}-{level}")
        out: dict[str, Any] = {
            "mergeable": analysis.fast_forward if option == FAST_FORWARD_MERGE else analysis.mergeable,
            "conflictMetadataList": [conflict_metadata(c) for c in items],
            **commit_ids(analysis),
        }
        if following:
            out["nextToken"] = following
        return out

    def describe_merge_conflicts(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        destination_commit_specifier: str,
        source_commit_specifier: str,
        merge_option: str,
        file_path: str,
        max_merge_hunks: int | None = None,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        resolutions.merge_option(merge_option, allowed=DESCRIBED)
        level = resolutions.detail_level(conflict_detail_level)
        strategy = resolutions.strategy(conflict_resolution_strategy)
        size = limit(max_merge_hunks, DEFAULT_MERGE_HUNKS, InvalidMaxMergeHunksException, "merge hunks")
        path = resolutions.check_path(file_path)
        record = self._merged_repository(ctx, repository_name)
        source, destination = self._merge_commits(
            record, source_commit_specifier, destination_commit_specifier
        )
        description = self._merge_description(record, source, destination, [path], level, strategy)
        found = description.files[0]
        if found is None:
            raise FileDoesNotExistException(f"The file {path} exists in none of the merge's commits.")
        hunks, following = page(found.hunks, next_token, size, f"hunks-{source}-{destination}-{level}-{path}")
        out: dict[str, Any] = {
            "conflictMetadata": conflict_metadata(found.conflict),
            "mergeHunks": [merge_hunk(h) for h in hunks],
            **commit_ids(description.analysis),
        }
        if following:
            out["nextToken"] = following
        return out

    def batch_describe_merge_conflicts(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        destination_commit_specifier: str,
        source_commit_specifier: str,
        merge_option: str,
        max_merge_hunks: int | None = None,
        max_conflict_files: int | None = None,
        file_paths: list[str] | None = None,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        resolutions.merge_option(merge_option, allowed=DESCRIBED)
        level = resolutions.detail_level(conflict_detail_level)
        strategy = resolutions.strategy(conflict_resolution_strategy)
        hunks = limit(max_merge_hunks, DEFAULT_MERGE_HUNKS, InvalidMaxMergeHunksException, "merge hunks")
        size = limit(
            max_conflict_files, DEFAULT_CONFLICT_FILES, InvalidMaxConflictFilesException, "conflict files"
        )
        record = self._merged_repository(ctx, repository_name)
        source, destination = self._merge_commits(
            record, source_commit_specifier, destination_commit_specifier
        )
        if file_paths:
            wanted = list(dict.fromkeys(file_paths))
        else:
            wanted = [
                c.path for c in self._merge_analysis(record, source, destination, level, strategy).conflicts
            ]
        paths, following = page(wanted, next_token, size, f"files-{source}-{destination}-{level}")
        errors: list[dict[str, str]] = []
        valid: list[str] = []
        for path in paths:
            try:
                valid.append(resolutions.check_path(path))
            except CodeyardError as error:
                errors.append({"filePath": path, "exceptionName": error.code, "message": error.message})
        description = self._merge_description(record, source, destination, valid, level, strategy)
        conflicts: list[dict[str, Any]] = []
        for path, found in zip(valid, description.files, strict=True):
            if found is None:
                errors.append(
                    {
                        "filePath": path,
                        "exceptionName": FileDoesNotExistException.code,
                        "message": f"The file {path} exists in none of the merge's commits.",
                    }
                )
            else:
                conflicts.append(
                    {
                        "conflictMetadata": conflict_metadata(found.conflict),
                        "mergeHunks": [merge_hunk(h) for h in found.hunks[:hunks]],
                    }
                )
        out: dict[str, Any] = {"conflicts": conflicts, "errors": errors, **commit_ids(description.analysis)}
        if following:
            out["nextToken"] = following
        return out

    def get_merge_commit(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        source_commit_specifier: str,
        destination_commit_specifier: str,
        conflict_detail_level: str | None = None,
        conflict_resolution_strategy: str | None = None,
    ) -> dict[str, Any]:
        resolutions.detail_level(conflict_detail_level)
        resolutions.strategy(conflict_resolution_strategy)
        record = self._merged_repository(ctx, repository_name)
        source, destination = self._merge_commits(
            record, source_commit_specifier, destination_commit_specifier
        )
        out: dict[str, Any] = {"sourceCommitId": source, "destinationCommitId": destination}
        base = self._git.merge_base(record.repository_id, source, destination)
        if base is not None:
            out["baseCommitId"] = base
        merged = self._git.find_merge_commit(record.repository_id, source, destination)
        if merged is not None:
            out["mergedCommitId"] = merged
        return out
