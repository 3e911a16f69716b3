"""The store's ports: the unit of work and the generic repository the services see."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from codeyard.store.ports.events import OutboxEvent
from codeyard.store.ports.iam import (
    AccessKeyRecord,
    GroupMemberRecord,
    GroupRecord,
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
from codeyard.store.ports.secrets import SecretRecord, SecretVersionRecord
from codeyard.store.ports.ssm import ParameterRecord, ParameterVersionRecord

T = TypeVar("T")


class Conflict(Exception):
    """A write broke a uniqueness rule (the row exists already)."""


class Repository(Protocol[T]):
    """Rows of one table as frozen records. Keys and filters are record field names."""

    def get(self, **key: Any) -> T | None: ...

    def find(
        self,
        *,
        order_by: str | None = None,
        descending: bool = False,
        prefix: Mapping[str, str] | None = None,
        limit: int | None = None,
        **equals: Any,
    ) -> list[T]: ...

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

    users: Repository[UserRecord]
    groups: Repository[GroupRecord]
    group_members: Repository[GroupMemberRecord]
    roles: Repository[RoleRecord]
    access_keys: Repository[AccessKeyRecord]
    managed_policies: Repository[ManagedPolicyRecord]
    policy_versions: Repository[PolicyVersionRecord]
    inline_policies: Repository[InlinePolicyRecord]
    policy_attachments: Repository[PolicyAttachmentRecord]
    service_credentials: Repository[ServiceCredentialRecord]
    ssh_keys: Repository[SshKeyRecord]
    login_profiles: Repository[LoginProfileRecord]
    session_credentials: Repository[SessionCredentialRecord]
    parameters: Repository[ParameterRecord]
    parameter_versions: Repository[ParameterVersionRecord]
    secrets: Repository[SecretRecord]
    secret_versions: Repository[SecretVersionRecord]
    outbox: Repository[OutboxEvent]

    def commit(self) -> None: ...

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
