"""CodeCommit records: repositories, pull requests and their events, approval rule templates and
their associations, comments. Git objects and refs live in the repositories on disk (ports/git.py).

Children refer to a repository by its immutable `repository_id`, so a rename touches one row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RepositoryRecord:
    region: str
    repository_name: str
    repository_id: str
    arn: str
    created_at: datetime
    last_modified_at: datetime
    description: str | None = None
    default_branch: str | None = None
    kms_key_id: str = "alias/aws/codecommit"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PullRequestRecord:
    """A pull request with its one target (AWS allows one repository per pull request).

    `approval_rules`, `approvals` and `override` are kept in the row as the API shapes them
    (camelCase keys, ISO dates): they are only ever read and written with their pull request.
    """

    region: str
    repository_id: str
    title: str
    status: str  # OPEN | CLOSED
    author_arn: str
    created_at: datetime
    last_activity_at: datetime
    revision_id: str
    source_reference: str
    destination_reference: str
    source_commit: str
    destination_commit: str
    merge_base: str | None = None
    description: str | None = None
    client_request_token: str | None = None
    # isMerged, mergedBy, mergeCommitId, mergeOption
    merge_metadata: dict[str, Any] = field(default_factory=dict)
    approval_rules: list[dict[str, Any]] = field(default_factory=list)
    # {"userArn", "revisionId"} for each approval given
    approvals: list[dict[str, Any]] = field(default_factory=list)
    # {"overrider", "revisionId"} while the rules are overridden
    override: dict[str, Any] | None = None
    pull_request_id: int | None = None  # generated


@dataclass(frozen=True)
class PullRequestEventRecord:
    pull_request_id: int
    event_type: str
    actor_arn: str
    event_date: datetime
    # the event's metadata member (e.g. pullRequestStatusChangedEventMetadata) by its member name
    metadata: dict[str, Any] = field(default_factory=dict)
    id: int | None = None  # generated


@dataclass(frozen=True)
class ApprovalRuleTemplateRecord:
    region: str
    template_name: str
    template_id: str
    content: str
    content_sha256: str
    created_at: datetime
    last_modified_at: datetime
    last_modified_user: str
    description: str = ""


@dataclass(frozen=True)
class TemplateAssociationRecord:
    template_id: str
    repository_id: str


@dataclass(frozen=True)
class CommentRecord:
    comment_id: str
    region: str
    repository_id: str
    author_arn: str
    content: str
    created_at: datetime
    last_modified_at: datetime
    pull_request_id: int | None = None
    before_commit_id: str | None = None
    after_commit_id: str | None = None
    before_blob_id: str | None = None
    after_blob_id: str | None = None
    # {"filePath", "filePosition", "relativeFileVersion"}
    location: dict[str, Any] | None = None
    in_reply_to: str | None = None
    deleted: bool = False
    client_request_token: str | None = None
    # caller ARN -> reaction value (one reaction per user per comment)
    reactions: dict[str, str] = field(default_factory=dict)
