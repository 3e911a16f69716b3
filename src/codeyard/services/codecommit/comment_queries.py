"""Reading comments in bulk: those on a comparison of two commits and those on a pull request,
grouped by where they sit, a page of comments at a time."""

from __future__ import annotations

import json
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit.comment_base import (
    CommentBase,
    Place,
    check_commit_id,
    comment_shape,
)
from codeyard.services.codecommit.errors import (
    CommitDoesNotExistException,
    RepositoryNameRequiredException,
    RepositoryNotAssociatedWithPullRequestException,
)
from codeyard.services.codecommit.listing import page_size
from codeyard.services.codecommit.pages import page
from codeyard.store.ports.codecommit import CommentRecord, RepositoryRecord

COMMENTS_PER_PAGE = 100
MAX_COMMENTS_PER_PAGE = 500


class CommentQueriesMixin(CommentBase):
    def get_comments_for_compared_commit(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        after_commit_id: str,
        before_commit_id: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        size = _size(max_results)
        after = check_commit_id(after_commit_id)
        before = check_commit_id(before_commit_id) if before_commit_id is not None else None
        with self._reading() as uow:
            repository = self._repository(uow, ctx, repository_name)
            self._existing(repository, before, after)
            records = uow.comments.find(
                repository_id=repository.repository_id,
                pull_request_id=None,
                before_commit_id=before,
                after_commit_id=after,
            )
        items, following = page(_ordered(records), next_token, size, f"comments-{after}-{before}")
        groups = [
            {"repositoryName": repository.repository_name, **place.shape(), "comments": comments}
            for place, comments in _grouped(items, ctx.principal.arn)
        ]
        out: dict[str, Any] = {"commentsForComparedCommitData": groups}
        if following:
            out["nextToken"] = following
        return out

    def get_comments_for_pull_request(
        self,
        ctx: RequestContext,
        *,
        pull_request_id: str,
        repository_name: str | None = None,
        before_commit_id: str | None = None,
        after_commit_id: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        size = _size(max_results)
        commits = before_commit_id is not None or after_commit_id is not None
        if commits and not repository_name:
            raise RepositoryNameRequiredException(
                "A repository name is required when before and after commit IDs are given."
            )
        before = after = None
        if repository_name is not None:
            # Both commits go with a repository name, as the model documents.
            before, after = check_commit_id(before_commit_id), check_commit_id(after_commit_id)
        with self._reading() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id)
            repository = self._repository_by_id(uow, pull.repository_id)
            if repository_name is not None:
                named = self._repository(uow, ctx, repository_name)
                if named.repository_id != pull.repository_id:
                    raise RepositoryNotAssociatedWithPullRequestException(
                        f"The repository {repository_name} has no pull request {pull_request_id}."
                    )
                self._existing(repository, before, after)
            filters: dict[str, Any] = (
                {"before_commit_id": before, "after_commit_id": after} if commits else {}
            )
            records = uow.comments.find(pull_request_id=pull.pull_request_id, **filters)
        kind = f"pull-request-comments-{pull.pull_request_id}-{before}-{after}"
        items, following = page(_ordered(records), next_token, size, kind)
        groups = [
            {
                "pullRequestId": str(pull.pull_request_id),
                "repositoryName": repository.repository_name,
                **place.shape(),
                "comments": comments,
            }
            for place, comments in _grouped(items, ctx.principal.arn)
        ]
        out: dict[str, Any] = {"commentsForPullRequestData": groups}
        if following:
            out["nextToken"] = following
        return out

    def _existing(self, repository: RepositoryRecord, before: str | None, after: str | None) -> None:
        for commit_id in (before, after):
            if (
                commit_id is not None
                and self._git.resolve_commit(repository.repository_id, commit_id) != commit_id
            ):
                raise CommitDoesNotExistException(
                    f"The commit {commit_id} does not exist in repository {repository.repository_name}."
                )


def _size(value: int | None) -> int:
    return page_size(value, default=COMMENTS_PER_PAGE, maximum=MAX_COMMENTS_PER_PAGE)


def _ordered(records: list[CommentRecord]) -> list[CommentRecord]:
    """Oldest first; the id orders comments made at the same instant."""
    return sorted(records, key=lambda r: (r.created_at, r.comment_id))


def _grouped(records: list[CommentRecord], caller_arn: str) -> list[tuple[Place, list[dict[str, Any]]]]:
    """The comments by where they sit, each group where its first comment comes."""
    groups: dict[str, tuple[Place, list[dict[str, Any]]]] = {}
    for record in records:
        place = Place.of(record)
        key = json.dumps(
            [
                place.before_commit_id,
                place.after_commit_id,
                place.before_blob_id,
                place.after_blob_id,
                place.location,
            ],
            sort_keys=True,
        )
        groups.setdefault(key, (place, []))[1].append(comment_shape(record, caller_arn))
    return list(groups.values())
