"""Units of work: one transaction each, over a connection kept per thread."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection

from codeyard.store.ports.iam import GroupRecord
from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.schema import upgrade
from codeyard.store.sql.unit_of_work import SqlStore

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    store = SqlStore(engine)
    yield store
    store.dispose()


def group(name: str) -> GroupRecord:
    return GroupRecord(name, f"AGPA{name.upper():0<17}", "/", f"arn:aws:iam::000000000000:group/{name}", NOW)


def test_a_thread_keeps_its_connection_between_units_of_work(store: SqlStore) -> None:
    with store.reader() as first:
        connection = first.connection
    with store.unit_of_work() as second:
        assert second.connection is connection
    seen: list[object] = []

    def other_thread() -> None:
        with store.reader() as uow:
            seen.append(uow.connection)

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert len(seen) == 1
    assert seen[0] is not connection


def test_a_nested_unit_of_work_gets_its_own_connection(store: SqlStore) -> None:
    with store.reader() as outer:
        with store.reader() as inner:
            assert inner.connection is not outer.connection
            assert inner.groups.find() == []
        assert outer.groups.find() == []


def test_leaving_without_commit_rolls_back_and_commit_keeps(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        uow.groups.add(group("dropped"))
    with store.unit_of_work() as uow:
        uow.groups.add(group("kept"))
        uow.commit()
    with store.reader() as uow:
        assert [g.group_name for g in uow.groups.find()] == ["kept"]


def test_a_database_error_retires_the_connection(store: SqlStore) -> None:
    with store.reader() as uow:
        connection = uow.connection
    with pytest.raises(Exception, match="no such table"), store.reader() as uow:
        uow.connection.connection.dbapi_connection.execute("SELECT * FROM missing_table")  # type: ignore[union-attr]
    assert connection.closed
    with store.reader() as uow:
        assert uow.connection is not connection
        assert uow.groups.count() == 0


def test_dispose_closes_the_kept_connections(store: SqlStore) -> None:
    with store.reader() as uow:
        connection = uow.connection
    store.dispose()
    assert connection.closed
    with store.reader() as uow:  # still usable: a new connection is made
        assert uow.groups.count() == 0


def test_an_ended_threads_connection_goes_back_to_the_pool(store: SqlStore) -> None:
    # Worker threads come and go: their kept connections must not stay checked out for good.
    names: list[str] = []

    def worker() -> None:
        with store.unit_of_work() as uow:
            uow.groups.add(group(f"g{len(names)}"))
            names.append("")
            uow.commit()

    for _ in range(5):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    with store.reader() as uow:
        assert uow.groups.count() == 5


def test_a_forked_child_leaves_the_parents_connections_alone(store: SqlStore) -> None:
    # A child forked while another thread keeps a connection (a subprocess started with Python code
    # between fork and exec) loses that thread's locals; the connection is still the parent's.
    seen: list[Connection] = []
    ready, done = threading.Event(), threading.Event()

    def worker() -> None:
        with store.reader() as uow:
            seen.append(uow.connection)
            uow.groups.count()
        ready.set()
        done.wait(30)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert ready.wait(30)
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through the pipe and ends at once
            os.write(write, b"closed" if seen[0].closed else b"open")
            os._exit(0)
        os.close(write)
        os.waitpid(child, 0)
        with os.fdopen(read, "rb") as answer:
            assert answer.read() == b"open"
    finally:
        done.set()
        thread.join()
