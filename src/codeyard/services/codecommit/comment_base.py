"""What the comment and reaction operations share: checks of their inputs, comment lookups, the
Comment shape, where on a comparison a comment sits, and the comment events."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import paths
from codeyard.services.codecommit.errors import (
    BeforeCommitIdAndAfterCommitIdAreSameException,
    ClientRequestTokenRequiredException,
    CommentContentRequiredException,
    CommentContentSizeLimitExceededException,
    CommentDeletedException,
    CommentDoesNotExistException,
    CommentIdRequiredException,
    CommitDoesNotExistException,
    CommitIdRequiredException,
    InvalidClientRequestTokenException,
    InvalidCommentIdException,
    InvalidCommitIdException,
    InvalidFileLocationException,
    InvalidFilePositionException,
    InvalidRelativeFileVersionEnumException,
    PathDoesNotExistException,
)
from codeyard.services.codecommit.pull_request_base import PullRequestBase
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import CommentRecord, RepositoryRecord
from codeyard.store.ports.git_objects import BLOB

MAX_CONTENT = 10_240
MAX_TOKEN = 256  # our choice: the longest client request token kept
COMMENT_ON_COMMIT = "CodeCommit Comment on Commit"
COMMENT_ON_PULL_REQUEST = "CodeCommit Comment on Pull Request"
_COMMIT_ID = re.compile(r"[0-9a-f]{40}")
# Comment ids are UUIDs; anything else cannot be one (InvalidCommentIdException).
_COMMENT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_READ_LIMIT = 64 * 1024 * 1024  # files larger than this are not read to check a line number


def check_content(content: str | None) -> str:
    if not content:
        raise CommentContentRequiredException("The comment content is required, but was not specified.")
    if len(content) > MAX_CONTENT:
        raise CommentContentSizeLimitExceededException(
            f"The comment is {len(content)} characters long; comments are limited to {MAX_CONTENT:,} characters."
        )
    return content


def check_comment_id(comment_id: str | None) -> str:
    if not comment_id:
        raise CommentIdRequiredException("A comment ID is required, but was not specified.")
    if not _COMMENT_ID.fullmatch(comment_id):
        raise InvalidCommentIdException(
            f"The comment ID {comment_id} is not valid: give the full comment ID."
        )
    return comment_id


def check_token(token: str | None) -> str | None:
    """The client request token; None when the caller sent none (no idempotency then)."""
    if token is None:
        return None
    if not token:
        raise ClientRequestTokenRequiredException("A client request token is required, but it was empty.")
    if len(token) > MAX_TOKEN:
        raise InvalidClientRequestTokenException(
            f"The client request token is not valid: it can be at most {MAX_TOKEN} characters long."
        )
    return token


def check_commit_id(commit_id: str | None) -> str:
    if not commit_id:
        raise CommitIdRequiredException("A commit ID is required, but was not specified.")
    if not _COMMIT_ID.fullmatch(commit_id):
        raise InvalidCommitIdException(f"The commit ID {commit_id} is not valid: give the full commit ID.")
    return commit_id


def comment_shape(record: CommentRecord, caller_arn: str) -> dict[str, Any]:
    """The Comment shape as `caller_arn` sees it (callerReactions are the caller's own)."""
    out: dict[str, Any] = {
        "commentId": record.comment_id,
        "creationDate": record.created_at,
        "lastModifiedDate": record.last_modified_at,
        "authorArn": record.author_arn,
        "deleted": record.deleted,
        "callerReactions": [record.reactions[caller_arn]] if caller_arn in record.reactions else [],
        "reactionCounts": dict(sorted(Counter(record.reactions.values()).items())),
    }
    if not record.deleted:
        out["content"] = record.content
    if record.in_reply_to:
        out["inReplyTo"] = record.in_reply_to
    if record.client_request_token:
        out["clientRequestToken"] = record.client_request_token
    return out


@dataclass(frozen=True)
class Place:
    """Where a comment sits: the compared commits, the location in them, and the file's blobs."""

    before_commit_id: str | None
    after_commit_id: str
    location: dict[str, Any] | None = None
    before_blob_id: str | None = None
    after_blob_id: str | None = None

    @staticmethod
    def of(record: CommentRecord) -> Place:
        assert record.after_commit_id is not None
        return Place(
            record.before_commit_id,
            record.after_commit_id,
            record.location,
            record.before_blob_id,
            record.after_blob_id,
        )

    def shape(self) -> dict[str, Any]:
        """The members the post answers and the comment groups share."""
        out: dict[str, Any] = {"afterCommitId": self.after_commit_id}
        for key, value in (
            ("beforeCommitId", self.before_commit_id),
            ("beforeBlobId", self.before_blob_id),
            ("afterBlobId", self.after_blob_id),
            ("location", self.location),
        ):
            if value is not None:
                out[key] = value
        return out


class CommentBase(PullRequestBase):
    # --- lookups -----------------------------------------------------------------------------------

    def _comment(
        self, uow: UnitOfWork, ctx: RequestContext, comment_id: str | None, *, for_update: bool = False
    ) -> CommentRecord:
        comment_id = check_comment_id(comment_id)
        record = uow.comments.get(comment_id=comment_id, for_update=for_update)
        if record is None or record.region != ctx.region:
            raise CommentDoesNotExistException(f"There is no comment with the ID {comment_id}.")
        return record

    def _live_comment(
        self, uow: UnitOfWork, ctx: RequestContext, comment_id: str | None, *, for_update: bool = False
    ) -> CommentRecord:
        record = self._comment(uow, ctx, comment_id, for_update=for_update)
        if record.deleted:
            raise CommentDeletedException(f"The comment {record.comment_id} has been deleted.")
        return record

    def comment_resource(self, ctx: RequestContext, comment_id: str) -> str:
        """The ARN of the comment's repository, which authorises calls naming only the comment;
        "*" when there is no such comment (the call then answers that)."""
        with self._reading() as uow:
            record = uow.comments.get(comment_id=comment_id)
            if record is None or record.region != ctx.region:
                return "*"
            found = uow.repositories.find(repository_id=record.repository_id, limit=1)
        return found[0].arn if found else "*"

    # --- where a comment sits ----------------------------------------------------------------------

    def _place(
        self,
        record: RepositoryRecord,
        before: str | None,
        after: str | None,
        location: dict[str, Any] | None,
        *,
        before_required: bool,
    ) -> Place:
        """The checked commits and location. Without `before_required`, the before commit may only
        be left out when the after commit is a first commit (it has no parent)."""
        after = check_commit_id(after)
        if before is not None or before_required:
            before = check_commit_id(before)
        if before == after:
            raise BeforeCommitIdAndAfterCommitIdAreSameException(
                f"The before commit ID and the after commit ID are the same ({after})."
            )
        commits = [after] if before is None else [before, after]
        for commit_id in commits:
            info = self._git.commit_info(record.repository_id, commit_id)
            if info is None:
                raise CommitDoesNotExistException(
                    f"The commit {commit_id} does not exist in repository {record.repository_name}."
                )
            if commit_id == after and before is None and info.parents:
                raise CommitIdRequiredException(
                    f"A before commit ID is required: {after} is not the first commit of the repository."
                )
        if location is None:
            return Place(before, after)
        return self._located(record, before, after, location)

    def _located(
        self, record: RepositoryRecord, before: str | None, after: str, location: dict[str, Any]
    ) -> Place:
        path = paths.normalize(location.get("filePath"))
        version = location.get("relativeFileVersion")
        if version not in ("BEFORE", "AFTER"):
            raise InvalidRelativeFileVersionEnumException(
                "The relative file version is required in a location: BEFORE or AFTER."
            )
        if version == "BEFORE" and before is None:
            raise InvalidRelativeFileVersionEnumException(
                "The relative file version BEFORE needs a before commit to comment on."
            )
        side = before if version == "BEFORE" else after
        assert side is not None
        blobs: dict[str, str] = {}
        for commit_id in (c for c in (before, after) if c is not None):
            entry = self._git.entries(record.repository_id, commit_id, [path]).get(path)
            if entry is not None and entry.kind == BLOB:
                blobs[commit_id] = entry.object_id
            elif entry is not None and commit_id == side:
                raise InvalidFileLocationException(f"The location {path} is not a file in commit {side}.")
        if side not in blobs:
            raise PathDoesNotExistException(f"The path {path} does not exist in commit {side}.")
        out: dict[str, Any] = {"filePath": path, "relativeFileVersion": version}
        position = location.get("filePosition")
        if position is not None:
            self._check_position(record, side, path, position)
            out["filePosition"] = position
        return Place(before, after, out, blobs.get(before or ""), blobs.get(after))

    def _check_position(self, record: RepositoryRecord, commit_id: str, path: str, position: int) -> None:
        found = self._git.read_file(record.repository_id, commit_id, path, _READ_LIMIT)
        lines = None
        if found is not None and (found.content or not found.size):
            content = found.content
            lines = content.count(b"\n") + (0 if not content or content.endswith(b"\n") else 1)
        if position < 1 or (lines is not None and position > lines):
            raise InvalidFilePositionException(
                f"The position {position} is not a line of {path} in commit {commit_id}"
                + (f" (it has {lines} lines)." if lines is not None else ".")
            )

    # --- events ------------------------------------------------------------------------------------

    def _comment_event(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        comment: CommentRecord,
        repository: RepositoryRecord,
        *,
        created: bool,
    ) -> None:
        """A `CodeCommit Comment on Commit` or `… on Pull Request` event."""
        on_pull = comment.pull_request_id is not None
        kind = "commentOnPullRequest" if on_pull else "commentOnCommit"
        event = kind + ("Created" if created else "Updated")
        name = repository.repository_name
        detail: dict[str, Any] = {
            "event": event,
            "repositoryName": name,
            "repositoryId": repository.repository_id,
            "commentId": comment.comment_id,
            "afterCommitId": comment.after_commit_id,
            "callerUserArn": ctx.principal.arn,
        }
        if comment.before_commit_id:
            detail["beforeCommitId"] = comment.before_commit_id
        if comment.in_reply_to:
            detail["inReplyTo"] = comment.in_reply_to
        console = f"{self._clone_url_base}/console/codecommit/repositories/{name}"
        if on_pull:
            detail["pullRequestId"] = str(comment.pull_request_id)
            where = f"pull request {comment.pull_request_id}"
            link = f"{console}/pull-requests/{comment.pull_request_id}?region={ctx.region}"
        else:
            where = f"commit {comment.after_commit_id}"
            link = f"{console}/commit/{comment.after_commit_id}?region={ctx.region}"
        verb = "made" if created else "updated"
        detail["notificationBody"] = (
            f"A comment was {verb} on {where} in the {name} repository by {ctx.principal.arn}. "
            f"For more information, go to the Codeyard console {link}"
        )
        self._emit(
            uow, ctx, COMMENT_ON_PULL_REQUEST if on_pull else COMMENT_ON_COMMIT, detail, repository.arn
        )
