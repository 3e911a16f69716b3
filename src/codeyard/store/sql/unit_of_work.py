"""The SQL unit of work: one connection, one transaction, repositories made on first use."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import SQLAlchemyError

from codeyard.store.ports import Repository
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
from codeyard.store.ports.logs import LogEventRecord, LogEvents, LogGroupRecord, LogStreamRecord
from codeyard.store.ports.secrets import SecretRecord, SecretVersionRecord
from codeyard.store.ports.ssm import ParameterRecord, ParameterVersionRecord
from codeyard.store.ports.work import JobRecord, RunnerRecord
from codeyard.store.sql import tables
from codeyard.store.sql.log_events import LogEventMapping, SqlLogEvents
from codeyard.store.sql.pages import PagedMapping, SqlPaged
from codeyard.store.sql.repository import SqlRepository, TableMapping

T = TypeVar("T")
log = logging.getLogger(__name__)


class _Slot(Generic[T]):
    """A repository attribute of the unit of work, built on first access."""

    mapping_type: type[TableMapping[Any]] = TableMapping
    repository_type: type[SqlRepository[Any]] = SqlRepository

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
            repository = self.repository_type(uow.connection, mapping)
            uow._repositories[self.name] = repository
        return repository


class _LogEventsSlot(_Slot[LogEventRecord]):
    """The log events attribute: a repository with the range queries of reading logs."""

    mapping_type = LogEventMapping
    repository_type = SqlLogEvents

    @overload  # type: ignore[override]
    def __get__(self, uow: None, owner: type) -> _LogEventsSlot: ...

    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type) -> LogEvents: ...

    def __get__(self, uow: SqlUnitOfWork | None, owner: type) -> LogEvents | _LogEventsSlot:
        if uow is None:
            return self
        repository = super().__get__(uow, owner)
        assert isinstance(repository, SqlLogEvents)
        return repository


class _PagedSlot(_Slot[T]):
    """A repository attribute read in keyset pages and written in bulk."""

    mapping_type = PagedMapping
    repository_type = SqlPaged

    @overload
    def __get__(self, uow: None, owner: type) -> _PagedSlot[T]: ...

    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type) -> PagedRepository[T]: ...

    def __get__(self, uow: SqlUnitOfWork | None, owner: type) -> PagedRepository[T] | _PagedSlot[T]:
        if uow is None:
            return self
        repository = super().__get__(uow, owner)
        assert isinstance(repository, SqlPaged)
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
    log_groups = _Slot(tables.log_groups, LogGroupRecord)
    log_streams = _Slot(tables.log_streams, LogStreamRecord)
    log_events = _LogEventsSlot(tables.log_events, LogEventRecord)
    repositories = _Slot(tables.repositories, RepositoryRecord)
    pull_requests = _Slot(tables.pull_requests, PullRequestRecord)
    pull_request_events = _Slot(tables.pull_request_events, PullRequestEventRecord)
    approval_rule_templates = _Slot(tables.approval_rule_templates, ApprovalRuleTemplateRecord)
    template_associations = _Slot(tables.template_associations, TemplateAssociationRecord)
    comments = _Slot(tables.comments, CommentRecord)
    projects = _Slot(tables.projects, ProjectRecord)
    builds = _Slot(tables.builds, BuildRecord)
    build_logs = _Slot(tables.build_logs, BuildLogRecord)
    report_groups = _PagedSlot(tables.report_groups, ReportGroupRecord)
    reports = _PagedSlot(tables.reports, ReportRecord)
    test_cases = _PagedSlot(tables.test_cases, TestCaseRecord)
    code_coverages = _PagedSlot(tables.code_coverages, CodeCoverageRecord)
    source_credentials = _Slot(tables.source_credentials, SourceCredentialRecord)
    resource_policies = _Slot(tables.resource_policies, ResourcePolicyRecord)
    cache_resets = _Slot(tables.cache_resets, CacheResetRecord)
    build_batches = _PagedSlot(tables.build_batches, BuildBatchRecord)
    idempotency_tokens = _PagedSlot(tables.idempotency_tokens, IdempotencyTokenRecord)
    fleets = _Slot(tables.fleets, FleetRecord)
    jobs = _Slot(tables.jobs, JobRecord)
    runners = _Slot(tables.runners, RunnerRecord)

    def __init__(
        self,
        connections: ThreadConnections,
        mappings: dict[str, TableMapping[Any]],
        *,
        read_only: bool = False,
    ) -> None:
        self._connections = connections
        self._mappings = mappings
        self._read_only = read_only
        self._connection: Connection | None = None
        self._driver: DBAPIConnection | None = None
        self._repositories: dict[str, Any] = {}
        self._after_commit: list[Callable[[], None]] = []

    @property
    def connection(self) -> Connection:
        assert self._connection is not None, "the unit of work is not open"
        return self._connection

    def __enter__(self) -> Self:
        connection = self._connections.checkout()
        # The transaction runs on the driver connection, like the statements (prepared.py):
        # SQLAlchemy's begin/commit with their events cost more than a typical call's queries.
        driver = connection.connection.dbapi_connection
        try:
            if self._connections.sqlite:
                driver.execute("BEGIN DEFERRED" if self._read_only else "BEGIN IMMEDIATE")  # type: ignore[union-attr]
        except BaseException:
            self._connections.checkin(connection, broken=True)
            raise
        self._connection, self._driver = connection, driver
        return self

    def commit(self) -> None:
        assert self._driver is not None, "the unit of work is not open"
        self._driver.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # the transaction is committed: a callback's failure cannot undo it
                log.exception("a callback after a commit failed")

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Runs `callback` once the transaction commits (never if it rolls back); callbacks run in
        the order given, a callback given twice runs once, and one that raises is logged."""
        assert self._driver is not None, "the unit of work is not open"
        if callback not in self._after_commit:
            self._after_commit.append(callback)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, driver = self._connection, self._driver
        self._connection = self._driver = None
        self._repositories.clear()
        self._after_commit.clear()  # not committed: they never run
        if connection is None or driver is None:
            return
        broken = isinstance(exc, SQLAlchemyError | self._connections.driver_error)
        try:
            driver.rollback()  # after commit() there is nothing left to roll back
        except BaseException:
            broken = True
            raise
        finally:
            self._connections.checkin(connection, broken=broken)


class _Held:
    """A thread's kept connection. It lives in the thread's locals, so it goes when the thread ends,
    and its finalizer gives the connection back to the pool: worker threads come and go, and the
    connections of ended threads would otherwise stay checked out until the pool runs dry."""

    __slots__ = ("__weakref__", "busy", "connection", "release")

    def __init__(self, connection: Connection, kept: list[Connection], lock: threading.Lock) -> None:
        self.connection = connection
        self.busy = True
        self.release = weakref.finalize(self, _release, connection, kept, lock, os.getpid())


class ThreadConnections:
    """One open connection per thread, kept between units of work.

    Checking a connection out of the pool and back for every unit of work cost more than the
    queries of a typical call. A unit of work opened inside another one on the same thread gets a
    connection of its own. A connection that saw a database error is closed, not kept; a thread's
    connection goes back to the pool when the thread ends.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.driver_error: type[Exception] = engine.dialect.loaded_dbapi.Error
        self.sqlite = engine.dialect.name == "sqlite"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._kept: list[Connection] = []
        # Closed when the store goes away, even if nobody called dispose().
        self._finalizer = weakref.finalize(self, _close_all, self._kept, self._lock)

    def checkout(self) -> Connection:
        held: _Held | None = getattr(self._local, "held", None)
        usable = held is not None and not held.connection.closed and not held.connection.invalidated
        if held is not None and usable and not held.busy:
            held.busy = True
            return held.connection
        connection = self.engine.connect()
        if not usable:
            with self._lock:
                self._kept.append(connection)
            self._local.held = _Held(connection, self._kept, self._lock)
        return connection

    def checkin(self, connection: Connection, *, broken: bool = False) -> None:
        held: _Held | None = getattr(self._local, "held", None)
        if held is not None and connection is held.connection:
            held.busy = False
            if broken:
                self._local.held = None
                held.release()
            return
        connection.close()

    def close(self) -> None:
        self._local = threading.local()
        _close_all(self._kept, self._lock)


def _release(connection: Connection, kept: list[Connection], lock: threading.Lock, pid: int) -> None:
    if os.getpid() != pid:
        # A child forked by this process (a subprocess with preexec_fn) drops the other threads'
        # locals: their connections are the parent's, in use, and the lock may be held forever.
        return
    with lock:
        if connection in kept:
            kept.remove(connection)
    with contextlib.suppress(Exception):  # a thread's end or the interpreter's: nothing left to tell
        connection.close()


def _close_all(connections: list[Connection], lock: threading.Lock) -> None:
    with lock:
        kept, connections[:] = list(connections), []
    for connection in kept:
        with contextlib.suppress(Exception):  # closing at shutdown: nothing left to tell
            connection.close()


def table_mappings(dialect: Dialect) -> dict[str, TableMapping[Any]]:
    """One mapping per repository slot of the unit of work."""
    return {
        name: slot.mapping_type(slot.table, slot.record_type, dialect)
        for name, slot in vars(SqlUnitOfWork).items()
        if isinstance(slot, _Slot)
    }


class SqlStore:
    """Makes units of work over one engine; the composition root holds one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._mappings = table_mappings(engine.dialect)
        self._connections = ThreadConnections(engine)

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._connections, self._mappings)

    def reader(self) -> SqlUnitOfWork:
        """A unit of work that only reads: no write lock on SQLite."""
        return SqlUnitOfWork(self._connections, self._mappings, read_only=True)

    def wipe(self) -> None:
        """Delete every row of every table (test-mode reset)."""
        with self.engine.begin() as connection:
            for table in reversed(tables.metadata.sorted_tables):
                connection.execute(table.delete())

    def dispose(self) -> None:
        self._connections.close()
        self.engine.dispose()
