"""The store's ports: the unit of work and the generic repository the services see."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from codeyard.store.ports.codebuild import BuildLogRecord, BuildRecord, ProjectRecord
from codeyard.store.ports.codebuild_access import (
    CacheResetRecord,
    ResourcePolicyRecord,
    SourceCredentialRecord,
)
from codeyard.store.ports.codebuild_batches import BuildBatchRecord
from codeyard.store.ports.codebuild_fleets import FleetRecord
from codeyard.store.ports.codebuild_reports import (
    CodeCoverageRecord,
    PagedRepository,
    ReportGroupRecord,
    ReportRecord,
    TestCaseRecord,
)
from codeyard.store.ports.codecommit import (
    ApprovalRuleTemplateRecord,
    CommentRecord,
    PullRequestEventRecord,
    PullRequestRecord,
    RepositoryRecord,
    TemplateAssociationRecord,
)
from codeyard.store.ports.events import OutboxEvent
from codeyard.store.ports.iam import (
    AccessKeyRecord,
    GroupMemberRecord,
    GroupRecord,
    IamEpochRecord,
    InlinePolicyRecord,
    LoginProfileRecord,
    ManagedPolicyRecord,
    PolicyAttachmentRecord,
    PolicyVersionRecord,
    RoleRecord,
    ServiceCredentialRecord,
    SessionCredentialRecord,
    SshKeyRecord,
    UserRecord,
)
from codeyard.store.ports.idempotency import IdempotencyTokenRecord
from codeyard.store.ports.logs import LogEvents, LogGroupRecord, LogStreamRecord
from codeyard.store.ports.secrets import SecretRecord, SecretVersionRecord
from codeyard.store.ports.ssm import ParameterRecord, ParameterVersionRecord
from codeyard.store.ports.work import JobRecord, RunnerRecord

T = TypeVar("T")


class Conflict(Exception):
    """A write broke a uniqueness rule (the row exists already)."""


class Repository(Protocol[T]):
    """Rows of one table as frozen records. Keys and filters are record field names."""

    def get(self, *, for_update: bool = False, for_share: bool = False, **key: Any) -> T | None:
        """The row with these field values; `for_update` locks it until the transaction ends
        (PostgreSQL; SQLite's write transactions are serialised already); `for_share` takes a
        shared key lock instead (FOR KEY SHARE: holders do not wait for each other, a `for_update`
        waits for them all)."""
        ...

    def find(
        self,
        *,
        order_by: str | None = None,
        descending: bool = False,
        prefix: Mapping[str, str] | None = None,
        limit: int | None = None,
        for_update: bool = False,
        skip_locked: bool = False,
        for_share: bool = False,
        **equals: Any,
    ) -> list[T]:
        """The matching rows; with `for_update` they are locked, and `skip_locked` leaves out the
        rows another transaction holds locked instead of waiting for them (PostgreSQL); with
        `for_share` they are locked shared (see `get`)."""
        ...

    def count(self, **equals: Any) -> int: ...

    def add(self, record: T) -> T:
        """Insert; raises Conflict when the key exists. Returns the record with generated keys."""
        ...

    def update(self, record: T) -> None:
        """Replace the row with the record's primary key."""
        ...

    def remove(self, **equals: Any) -> int: ...


class UnitOfWork(Protocol):
    """One transaction over every repository; leaving without commit() rolls back."""

    @property
    def users(self) -> Repository[UserRecord]: ...

    @property
    def groups(self) -> Repository[GroupRecord]: ...

    @property
    def group_members(self) -> Repository[GroupMemberRecord]: ...

    @property
    def roles(self) -> Repository[RoleRecord]: ...

    @property
    def access_keys(self) -> Repository[AccessKeyRecord]: ...

    @property
    def managed_policies(self) -> Repository[ManagedPolicyRecord]: ...

    @property
    def policy_versions(self) -> Repository[PolicyVersionRecord]: ...

    @property
    def inline_policies(self) -> Repository[InlinePolicyRecord]: ...

    @property
    def policy_attachments(self) -> Repository[PolicyAttachmentRecord]: ...

    @property
    def service_credentials(self) -> Repository[ServiceCredentialRecord]: ...

    @property
    def ssh_keys(self) -> Repository[SshKeyRecord]: ...

    @property
    def login_profiles(self) -> Repository[LoginProfileRecord]: ...

    @property
    def session_credentials(self) -> Repository[SessionCredentialRecord]: ...

    @property
    def iam_epoch(self) -> Repository[IamEpochRecord]: ...

    @property
    def parameters(self) -> Repository[ParameterRecord]: ...

    @property
    def parameter_versions(self) -> Repository[ParameterVersionRecord]: ...

    @property
    def secrets(self) -> Repository[SecretRecord]: ...

    @property
    def secret_versions(self) -> Repository[SecretVersionRecord]: ...

    @property
    def outbox(self) -> Repository[OutboxEvent]: ...

    @property
    def log_groups(self) -> Repository[LogGroupRecord]: ...

    @property
    def log_streams(self) -> Repository[LogStreamRecord]: ...

    @property
    def log_events(self) -> LogEvents: ...

    @property
    def repositories(self) -> Repository[RepositoryRecord]: ...

    @property
    def pull_requests(self) -> Repository[PullRequestRecord]: ...

    @property
    def pull_request_events(self) -> Repository[PullRequestEventRecord]: ...

    @property
    def approval_rule_templates(self) -> Repository[ApprovalRuleTemplateRecord]: ...

    @property
    def template_associations(self) -> Repository[TemplateAssociationRecord]: ...

    @property
    def comments(self) -> Repository[CommentRecord]: ...

    @property
    def projects(self) -> Repository[ProjectRecord]: ...

    @property
    def builds(self) -> Repository[BuildRecord]: ...

    @property
    def build_logs(self) -> Repository[BuildLogRecord]: ...

    @property
    def report_groups(self) -> PagedRepository[ReportGroupRecord]: ...

    @property
    def reports(self) -> PagedRepository[ReportRecord]: ...

    @property
    def test_cases(self) -> PagedRepository[TestCaseRecord]: ...

    @property
    def code_coverages(self) -> PagedRepository[CodeCoverageRecord]: ...

    @property
    def source_credentials(self) -> Repository[SourceCredentialRecord]: ...

    @property
    def resource_policies(self) -> Repository[ResourcePolicyRecord]: ...

    @property
    def cache_resets(self) -> Repository[CacheResetRecord]: ...

    @property
    def build_batches(self) -> PagedRepository[BuildBatchRecord]: ...

    @property
    def idempotency_tokens(self) -> PagedRepository[IdempotencyTokenRecord]: ...

    @property
    def fleets(self) -> Repository[FleetRecord]: ...

    @property
    def jobs(self) -> Repository[JobRecord]: ...

    @property
    def runners(self) -> Repository[RunnerRecord]: ...

    def commit(self) -> None: ...

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Runs `callback` right after the transaction commits, never after a rollback: once, in
        the order given (a callback given twice runs once); one that raises is logged and neither
        undoes the commit nor keeps the others from running. For what must happen only once the
        change is visible to others (waking the runners for builds the transaction queued)."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class Store(Protocol):
    """Hands out units of work: `unit_of_work()` to change state, `reader()` to only read."""

    def unit_of_work(self) -> UnitOfWork: ...

    def reader(self) -> UnitOfWork: ...
