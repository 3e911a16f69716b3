"""The SQL unit of work: one connection, one transaction, every repository."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from codeyard.store.ports import Repository
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
from codeyard.store.sql import tables
from codeyard.store.sql.repository import SqlRepository


class SqlUnitOfWork:
    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        connection = self._engine.connect()
        if self._read_only and self._engine.dialect.name == "sqlite":
            connection = connection.execution_options(sqlite_begin="DEFERRED")
        connection.begin()
        self._connection = connection
        c = connection
        self.users: Repository[UserRecord] = SqlRepository(c, tables.users, UserRecord)
        self.groups: Repository[GroupRecord] = SqlRepository(c, tables.groups, GroupRecord)
        self.group_members: Repository[GroupMemberRecord] = SqlRepository(
            c, tables.group_members, GroupMemberRecord
        )
        self.roles: Repository[RoleRecord] = SqlRepository(c, tables.roles, RoleRecord)
        self.access_keys: Repository[AccessKeyRecord] = SqlRepository(c, tables.access_keys, AccessKeyRecord)
        self.managed_policies: Repository[ManagedPolicyRecord] = SqlRepository(
            c, tables.managed_policies, ManagedPolicyRecord
        )
        self.policy_versions: Repository[PolicyVersionRecord] = SqlRepository(
            c, tables.policy_versions, PolicyVersionRecord
        )
        self.inline_policies: Repository[InlinePolicyRecord] = SqlRepository(
            c, tables.inline_policies, InlinePolicyRecord
        )
        self.policy_attachments: Repository[PolicyAttachmentRecord] = SqlRepository(
            c, tables.policy_attachments, PolicyAttachmentRecord
        )
        self.service_credentials: Repository[ServiceCredentialRecord] = SqlRepository(
            c, tables.service_credentials, ServiceCredentialRecord
        )
        self.ssh_keys: Repository[SshKeyRecord] = SqlRepository(c, tables.ssh_keys, SshKeyRecord)
        self.login_profiles: Repository[LoginProfileRecord] = SqlRepository(
            c, tables.login_profiles, LoginProfileRecord
        )
        self.session_credentials: Repository[SessionCredentialRecord] = SqlRepository(
            c, tables.session_credentials, SessionCredentialRecord
        )
        self.parameters: Repository[ParameterRecord] = SqlRepository(c, tables.parameters, ParameterRecord)
        self.parameter_versions: Repository[ParameterVersionRecord] = SqlRepository(
            c, tables.parameter_versions, ParameterVersionRecord
        )
        self.secrets: Repository[SecretRecord] = SqlRepository(c, tables.secrets, SecretRecord)
        self.secret_versions: Repository[SecretVersionRecord] = SqlRepository(
            c, tables.secret_versions, SecretVersionRecord
        )
        self.outbox: Repository[OutboxEvent] = SqlRepository(c, tables.outbox, OutboxEvent)
        return self

    def commit(self) -> None:
        assert self._connection is not None, "commit outside the unit of work"
        self._connection.commit()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if connection.in_transaction():
                connection.rollback()
        finally:
            connection.close()


class SqlStore:
    """Makes units of work over one engine; the composition root holds one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def reader(self) -> SqlUnitOfWork:
        """A unit of work that only reads: no write lock on SQLite."""
        return SqlUnitOfWork(self.engine, read_only=True)

    def wipe(self, keep: tuple[str, ...] = ()) -> None:
        """Delete every row except those of the tables named in `keep` (test-mode reset)."""
        with self.engine.begin() as connection:
            for table in reversed(tables.metadata.sorted_tables):
                if table.name not in keep:
                    connection.execute(table.delete())

    def dispose(self) -> None:
        self.engine.dispose()
