"""The SQL unit of work: one connection, one transaction, repositories made on first use."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.engine import Dialect

from codeyard.store.ports import Repository
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
from codeyard.store.ports.secrets import SecretRecord, SecretVersionRecord
from codeyard.store.ports.ssm import ParameterRecord, ParameterVersionRecord
from codeyard.store.sql import tables
from codeyard.store.sql.repository import SqlRepository, TableMapping

T = TypeVar("T")


class _Slot(Generic[T]):
    """A repository attribute of the unit of work, built on first access."""

    def __init__(self, table: Table, record_type: type[T]) -> None:
        self.table = table
        self.record_type = record_type
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Slot[T]: ...

    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type) -> Repository[T]: ...

    def __get__(self, uow: SqlUnitOfWork | None, owner: type) -> Repository[T] | _Slot[T]:
        if uow is None:
            return self
        repository: Repository[T] | None = uow._repositories.get(self.name)
        if repository is None:
            mapping: TableMapping[T] = uow._mappings[self.name]
            repository = SqlRepository(uow.connection, mapping)
            uow._repositories[self.name] = repository
        return repository


class SqlUnitOfWork:
    users = _Slot(tables.users, UserRecord)
    groups = _Slot(tables.groups, GroupRecord)
    group_members = _Slot(tables.group_members, GroupMemberRecord)
    roles = _Slot(tables.roles, RoleRecord)
    access_keys = _Slot(tables.access_keys, AccessKeyRecord)
    managed_policies = _Slot(tables.managed_policies, ManagedPolicyRecord)
    policy_versions = _Slot(tables.policy_versions, PolicyVersionRecord)
    inline_policies = _Slot(tables.inline_policies, InlinePolicyRecord)
    policy_attachments = _Slot(tables.policy_attachments, PolicyAttachmentRecord)
    service_credentials = _Slot(tables.service_credentials, ServiceCredentialRecord)
    ssh_keys = _Slot(tables.ssh_keys, SshKeyRecord)
    login_profiles = _Slot(tables.login_profiles, LoginProfileRecord)
    session_credentials = _Slot(tables.session_credentials, SessionCredentialRecord)
    iam_epoch = _Slot(tables.iam_epoch, IamEpochRecord)
    parameters = _Slot(tables.parameters, ParameterRecord)
    parameter_versions = _Slot(tables.parameter_versions, ParameterVersionRecord)
    secrets = _Slot(tables.secrets, SecretRecord)
    secret_versions = _Slot(tables.secret_versions, SecretVersionRecord)
    outbox = _Slot(tables.outbox, OutboxEvent)

    def __init__(
        self, engine: Engine, mappings: dict[str, TableMapping[Any]], *, read_only: bool = False
    ) -> None:
        self._engine = engine
        self._mappings = mappings
        self._read_only = read_only
        self._connection: Connection | None = None
        self._repositories: dict[str, Any] = {}

    @property
    def connection(self) -> Connection:
        assert self._connection is not None, "the unit of work is not open"
        return self._connection

    def __enter__(self) -> Self:
        connection = self._engine.connect()
        if self._read_only and self._engine.dialect.name == "sqlite":
            connection = connection.execution_options(sqlite_begin="DEFERRED")
        connection.begin()
        self._connection = connection
        return self

    def commit(self) -> None:
        self.connection.commit()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        self._repositories.clear()
        if connection is None:
            return
        try:
            if connection.in_transaction():
                connection.rollback()
        finally:
            connection.close()


def table_mappings(dialect: Dialect) -> dict[str, TableMapping[Any]]:
    """One mapping per repository slot of the unit of work."""
    return {
        name: TableMapping(slot.table, slot.record_type, dialect)
        for name, slot in vars(SqlUnitOfWork).items()
        if isinstance(slot, _Slot)
    }


class SqlStore:
    """Makes units of work over one engine; the composition root holds one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._mappings = table_mappings(engine.dialect)

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self._mappings)

    def reader(self) -> SqlUnitOfWork:
        """A unit of work that only reads: no write lock on SQLite."""
        return SqlUnitOfWork(self.engine, self._mappings, read_only=True)

    def wipe(self) -> None:
        """Delete every row of every table (test-mode reset)."""
        with self.engine.begin() as connection:
            for table in reversed(tables.metadata.sorted_tables):
                connection.execute(table.delete())

    def dispose(self) -> None:
        self.engine.dispose()
