"""Comments: on compared commits and on pull requests, replies, updates by their author, deleting
their content, and reading one."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit.comment_base import (
    CommentBase,
    Place,
    check_content,
    check_token,
    comment_shape,
)
from codeyard.services.codecommit.errors import (
    CommentNotCreatedByCallerException,
    IdempotencyParameterMismatchException,
    RepositoryNotAssociatedWithPullRequestException,
)
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import CommentRecord, RepositoryRecord


class CommentsMixin(CommentBase):
    def post_comment_for_compared_commit(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        after_commit_id: str,
        content: str,
        before_commit_id: str | None = None,
        location: dict[str, Any] | None = None,
        client_request_token: str | None = None,
    ) -> dict[str, Any]:
        content = check_content(content)
        token = check_token(client_request_token)
        with self._store.unit_of_work() as uow:
            repository = self._repository(uow, ctx, repository_name)
            place = self._place(
                repository, before_commit_id, after_commit_id, location, before_required=False
            )
            comment = self._post(uow, ctx, repository, place, content, token)
            uow.commit()
        return {
            "repositoryName": repository.repository_name,
            **place.shape(),
            "comment": comment_shape(comment, ctx.principal.arn),
        }

    def post_comment_for_pull_request(
        self,
        ctx: RequestContext,
        *,
        pull_request_id: str,
        repository_name: str,
        before_commit_id: str,
        after_commit_id: str,
        content: str,
        location: dict[str, Any] | None = None,
        client_request_token: str | None = None,
    ) -> dict[str, Any]:
        content = check_content(content)
        token = check_token(client_request_token)
        with self._store.unit_of_work() as uow:
            pull = self._pull_request(uow, ctx, pull_request_id, for_update=True)
            repository = self._repository(uow, ctx, repository_name)
            if pull.repository_id != repository.repository_id:
                raise RepositoryNotAssociatedWithPullRequestException(
                    f"The repository {repository_name} has no pull request {pull_request_id}."
                )
            place = self._place(repository, before_commit_id, after_commit_id, location, before_required=True)
            comment = self._post(
                uow, ctx, repository, place, content, token, pull_request_id=pull.pull_request_id
            )
            # A comment is activity on the pull request (its lastActivityDate).
            uow.pull_requests.update(self._touch(pull))
            uow.commit()
        return {
            "repositoryName": repository.repository_name,
            "pullRequestId": str(pull.pull_request_id),
            **place.shape(),
            "comment": comment_shape(comment, ctx.principal.arn),
        }

    def post_comment_reply(
        self, ctx: RequestContext, *, in_reply_to: str, content: str, client_request_token: str | None = None
    ) -> dict[str, Any]:
        content = check_content(content)
        token = check_token(client_request_token)
        with self._store.unit_of_work() as uow:
            parent = self._comment(uow, ctx, in_reply_to)
            repository = self._repository_by_id(uow, parent.repository_id)
            # A reply sits where the comment it answers does.
            comment = self._post(
                uow,
                ctx,
                repository,
                Place.of(parent),
                content,
                token,
                pull_request_id=parent.pull_request_id,
                in_reply_to=parent.comment_id,
            )
            if parent.pull_request_id is not None:
                pull = self._pull_request(uow, ctx, str(parent.pull_request_id), for_update=True)
                uow.pull_requests.update(self._touch(pull))
            uow.commit()
        return {"comment": comment_shape(comment, ctx.principal.arn)}

    def update_comment(self, ctx: RequestContext, *, comment_id: str, content: str) -> dict[str, Any]:
        content = check_content(content)
        with self._store.unit_of_work() as uow:
            record = self._live_comment(uow, ctx, comment_id, for_update=True)
            if record.author_arn != ctx.principal.arn:
                raise CommentNotCreatedByCallerException(
                    f"The comment {record.comment_id} was made by {record.author_arn}: only its author can change it."
                )
            record = replace(record, content=content, last_modified_at=self._clock.now())
            uow.comments.update(record)
            self._comment_event(
                uow, ctx, record, self._repository_by_id(uow, record.repository_id), created=False
            )
            uow.commit()
        return {"comment": comment_shape(record, ctx.principal.arn)}

    def delete_comment_content(self, ctx: RequestContext, *, comment_id: str) -> dict[str, Any]:
        with self._store.unit_of_work() as uow:
            record = self._live_comment(uow, ctx, comment_id, for_update=True)
            record = replace(record, content="", deleted=True, last_modified_at=self._clock.now())
            uow.comments.update(record)
            # Our choice: blanking a comment is an update of it, with its event.
            self._comment_event(
                uow, ctx, record, self._repository_by_id(uow, record.repository_id), created=False
            )
            uow.commit()
        return {"comment": comment_shape(record, ctx.principal.arn)}

    def get_comment(self, ctx: RequestContext, *, comment_id: str) -> dict[str, Any]:
        with self._reading() as uow:
            record = self._live_comment(uow, ctx, comment_id)
        return {"comment": comment_shape(record, ctx.principal.arn)}

    # --- posting -----------------------------------------------------------------------------------

    def _post(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        repository: RepositoryRecord,
        place: Place,
        content: str,
        token: str | None,
        *,
        pull_request_id: int | None = None,
        in_reply_to: str | None = None,
    ) -> CommentRecord:
        """The new comment and its event; with a token already used, the comment it made (when
        the call is the same) or IdempotencyParameterMismatchException."""
        now = self._clock.now()
        record = CommentRecord(
            comment_id=self._ids.uuid(),
            region=ctx.region,
            repository_id=repository.repository_id,
            author_arn=ctx.principal.arn,
            content=content,
            created_at=now,
            last_modified_at=now,
            pull_request_id=pull_request_id,
            before_commit_id=place.before_commit_id,
            after_commit_id=place.after_commit_id,
            before_blob_id=place.before_blob_id,
            after_blob_id=place.after_blob_id,
            location=place.location,
            in_reply_to=in_reply_to,
            client_request_token=token,
        )
        if token is not None:
            # Our choice: a token is unique within its repository's comments.
            earlier = uow.comments.find(
                repository_id=repository.repository_id, client_request_token=token, limit=1
            )
            if earlier:
                if _same_call(earlier[0], record):
                    return earlier[0]
                raise IdempotencyParameterMismatchException(
                    f"The client request token {token} was used already by a different request."
                )
        uow.comments.add(record)
        self._comment_event(uow, ctx, record, repository, created=True)
        return record


_SAME_CALL_FIELDS = (
    "region",
    "author_arn",
    "content",
    "pull_request_id",
    "before_commit_id",
    "after_commit_id",
    "location",
    "in_reply_to",
)


def _same_call(earlier: CommentRecord, record: CommentRecord) -> bool:
    """Whether a repeated token comes with the request that used it first."""
    return not earlier.deleted and all(getattr(earlier, f) == getattr(record, f) for f in _SAME_CALL_FIELDS)
