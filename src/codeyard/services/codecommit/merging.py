"""Merging one commit into another: the one merge routine that branch merges
(MergeBranchesBy*, CreateUnreferencedMergeCommit) and pull request merges share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import names, resolutions
from codeyard.services.codecommit.base import REPOSITORY_STATE_CHANGE
from codeyard.services.codecommit.errors import (
    BranchDoesNotExistException,
    BranchNameIsTagNameException,
    CommitDoesNotExistException,
    CommitRequiredException,
    ConcurrentReferenceUpdateException,
    InvalidCommitException,
    InvalidConflictResolutionException,
    InvalidTargetBranchException,
    ManualMergeRequiredException,
    TipsDivergenceExceededException,
)
from codeyard.services.codecommit.references import ReferencesMixin
from codeyard.services.codecommit.resolutions import FAST_FORWARD_MERGE, SQUASH_MERGE
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import RepositoryRecord
from codeyard.store.ports.git import HEADS, TAGS, RefChange, RefUpdateRejected
from codeyard.store.ports.git_merges import (
    MergedCommit,
    ResolutionRejected,
    TipsTooFarApart,
    UnresolvedConflicts,
)

# Our choice: beyond this many commits between a tip and the merge base, merges are refused.
MAX_DIVERGENCE = 10_000


@dataclass(frozen=True)
class MergeResult:
    """What a merge made: `commit_id` is the new commit, or the source itself for a fast-forward
    (`created` False); `base_commit_id` is the merge base of source and destination."""

    commit_id: str
    tree_id: str
    base_commit_id: str
    created: bool


class MergingMixin(ReferencesMixin):
    def _merge(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        record: RepositoryRecord,
        *,
        option: str,
        source_commit: str,
        destination_commit: str,
        target_branch: str | None = None,
        detail_level: str | None = None,
        strategy: str | None = None,
        resolution: dict[str, Any] | None = None,
        author_name: str | None = None,
        email: str | None = None,
        message: str | None = None,
        keep_empty_folders: bool = False,
    ) -> MergeResult:
        """Merge `source_commit` into `destination_commit` (full commit ids, already resolved).

        `option` is FAST_FORWARD_MERGE (no new commit: the result is the source, which the
        destination must be an ancestor of), SQUASH_MERGE (one commit whose only parent is the
        destination; message defaults to the source's commit messages) or THREE_WAY_MERGE
        (parents destination, source). `detail_level` (FILE_LEVEL default, LINE_LEVEL),
        `strategy` (NONE default, ACCEPT_SOURCE, ACCEPT_DESTINATION, AUTOMERGE) and `resolution`
        (the ConflictResolution shape, camelCase as the API gives it) settle conflicts. The
        author is `author_name`/`email`, else the caller's name.

        With `target_branch` (a branch name), that branch is moved to the result (compare-and-
        swap against its tip when the merge started) and a referenceUpdated event carries the
        merge fields; its tip must stay reachable from the result. Without it no ref moves, and
        a new commit is announced by an unreferencedMergeCommitCreated event.

        Raises the CodeCommit errors: MergeOptionRequired/InvalidMergeOption,
        InvalidConflictDetailLevel, InvalidConflictResolutionStrategy, the conflict-resolution
        errors (InvalidConflictResolution, MultipleConflictResolutionEntries, Replacement*...),
        NameLengthExceeded/InvalidEmail/CommitMessageLengthExceeded, BranchNameRequired/
        InvalidBranchName/BranchDoesNotExist/BranchNameIsTagName/InvalidTargetBranch,
        TipsDivergenceExceeded, ManualMergeRequired (conflicts left, or no fast-forward),
        ConcurrentReferenceUpdate (the target branch moved). The caller commits `uow`."""
        option = resolutions.merge_option(option)
        level = resolutions.detail_level(detail_level)
        chosen = resolutions.strategy(strategy)
        fixes = resolutions.conflict_resolution(resolution)
        resolutions.identity(author_name, email, message)
        repository_id = record.repository_id
        target = self._merge_target(record, target_branch) if target_branch is not None else None
        if option == FAST_FORWARD_MERGE:
            if not self._git.is_ancestor(repository_id, destination_commit, source_commit):
                raise ManualMergeRequiredException(
                    "The destination is not an ancestor of the source: a fast-forward merge is not possible."
                )
            merged = MergedCommit(
                source_commit, self._git.tree_of(repository_id, source_commit), destination_commit
            )
        else:
            try:
                merged = self._git.create_merge_commit(
                    repository_id,
                    source_commit,
                    destination_commit,
                    squash=option == SQUASH_MERGE,
                    detail_level=level,
                    strategy=chosen,
                    resolution=fixes,
                    author_name=author_name or ctx.principal.name or ctx.principal.arn.rpartition("/")[2],
                    email=email or "",
                    message=message or None,
                    when=self._clock.now(),
                    keep_empty_folders=keep_empty_folders,
                    max_divergence=MAX_DIVERGENCE,
                )
            except TipsTooFarApart as error:
                raise TipsDivergenceExceededException(_divergence_message(error)) from None
            except UnresolvedConflicts as error:
                raise ManualMergeRequiredException(
                    f"The merge has conflicts to resolve first: {', '.join(error.paths)}."
                ) from None
            except ResolutionRejected as error:
                raise InvalidConflictResolutionException(str(error)) from None
        fields = {
            "baseCommitId": merged.base_commit,
            "sourceCommitId": source_commit,
            "destinationCommitId": destination_commit,
            "mergeOption": option,
            "conflictDetailsLevel": level,
            "conflictResolutionStrategy": chosen,
        }
        created = option != FAST_FORWARD_MERGE
        if target is not None:
            self._move_merge_target(uow, ctx, record, target, merged.commit_id, destination_commit, fields)
        elif created:
            detail = {
                "callerUserArn": ctx.principal.arn,
                "event": "unreferencedMergeCommitCreated",
                "repositoryId": repository_id,
                "repositoryName": record.repository_name,
                "commitId": merged.commit_id,
                **fields,
            }
            self._emit(uow, ctx, REPOSITORY_STATE_CHANGE, detail, record.arn)
        return MergeResult(merged.commit_id, merged.tree_id, merged.base_commit, created)

    # --- parts ---------------------------------------------------------------------------------

    def _merge_commit(
        self, record: RepositoryRecord, specifier: str | None, *, invalid: type[Exception]
    ) -> str:
        """The commit a source or destination specifier names (never the default branch)."""
        if not specifier:
            raise CommitRequiredException("A commit specifier is required, but was not specified.")
        if len(specifier) > 4096 or not names.valid_ref_name(specifier):  # as specifiers.py: no `main~1`
            raise invalid(f"The commit specifier {specifier} is not valid.")
        commit = self._git.resolve_commit(record.repository_id, specifier)
        if commit is not None:
            return commit
        if self._git.object_kind(record.repository_id, specifier) is not None:
            raise invalid(f"{specifier} does not name a commit.")
        raise CommitDoesNotExistException(
            f"Could not find a commit for {specifier} in repository {record.repository_name}"
        )

    def _merge_commits(
        self,
        record: RepositoryRecord,
        source: str | None,
        destination: str | None,
        *,
        invalid_source: type[Exception] = InvalidCommitException,
        invalid_destination: type[Exception] = InvalidCommitException,
    ) -> tuple[str, str]:
        return (
            self._merge_commit(record, source, invalid=invalid_source),
            self._merge_commit(record, destination, invalid=invalid_destination),
        )

    def _merge_target(self, record: RepositoryRecord, branch_name: str) -> tuple[str, str]:
        """The full ref and current tip of a merge's target branch."""
        branch = names.check_branch_name(branch_name)
        refs = self._git.refs(record.repository_id)
        tip = refs.get(HEADS + branch)
        if tip is None:
            if TAGS + branch in refs:
                raise BranchNameIsTagNameException(f"{branch} is a tag name, not a branch name.")
            raise BranchDoesNotExistException(f"Branch {branch} does not exist")
        return HEADS + branch, tip

    def _move_merge_target(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        record: RepositoryRecord,
        target: tuple[str, str],
        result: str,
        destination_commit: str,
        fields: dict[str, Any],
    ) -> None:
        ref, tip = target
        repository_id = record.repository_id
        if tip == result:
            return
        if not self._git.is_ancestor(repository_id, tip, result):
            # Our choice: a target whose commits the result would drop is refused; when it has
            # moved on from the destination the merge was computed from, that is a concurrent update.
            if self._git.is_ancestor(repository_id, destination_commit, tip):
                raise ConcurrentReferenceUpdateException(
                    f"{ref.removeprefix(HEADS)} has moved on since {destination_commit}: merge again."
                )
            raise InvalidTargetBranchException(
                f"The target branch {ref.removeprefix(HEADS)} is not part of the merge's history."
            )
        try:
            self._git.update_ref(repository_id, ref, result, tip)
        except RefUpdateRejected:
            raise ConcurrentReferenceUpdateException(
                f"{ref.removeprefix(HEADS)} was modified while the merge was in progress. Try again."
            ) from None
        self._references_changed(uow, ctx, record, [RefChange(ref, tip, result)], merge=fields)


def _divergence_message(error: TipsTooFarApart) -> str:
    reason = str(error) or "the commits share no history"
    return (
        f"The divergence between the tips is too great to determine merge conflicts ({reason}). "
        "Compare them locally with git diff."
    )
