"""A unit of work's after-commit callbacks, on SQLite and PostgreSQL: they run once the transaction
is committed (and its rows visible to other connections), in order, never after a rollback, and one
that raises neither undoes the commit nor keeps the others from running."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from codeyard.store.ports.iam import GroupRecord
from codeyard.store.sql.unit_of_work import SqlStore

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def group(name: str) -> GroupRecord:
    return GroupRecord(name, f"AGPA{name.upper():0<17}", "/", f"arn:aws:iam::000000000000:group/{name}", NOW)


def names(store: SqlStore) -> list[str]:
    """The groups another connection sees (a unit of work opened inside one gets its own)."""
    with store.reader() as uow:
        return sorted(g.group_name for g in uow.groups.find())


def test_callbacks_run_in_order_once_the_rows_are_visible_to_others(store: SqlStore) -> None:
    seen: list[tuple[str, list[str]]] = []
    with store.unit_of_work() as uow:
        uow.groups.add(group("queued"))
        uow.after_commit(lambda: seen.append(("first", names(store))))
        uow.after_commit(lambda: seen.append(("second", names(store))))
        assert seen == []
        uow.commit()
        assert seen == [("first", ["queued"]), ("second", ["queued"])]
        uow.groups.add(group("later"))  # nothing registered since: the next commit runs nothing again
        uow.commit()
    assert [name for name, _ in seen] == ["first", "second"]
    assert names(store) == ["later", "queued"]


def test_a_callback_given_twice_runs_once(store: SqlStore) -> None:
    calls: list[int] = []

    def wake() -> None:
        calls.append(1)

    with store.unit_of_work() as uow:
        uow.after_commit(wake)
        uow.after_commit(wake)
        uow.commit()
    assert calls == [1]


def test_no_callback_runs_after_a_rollback(store: SqlStore) -> None:
    calls: list[str] = []
    with store.unit_of_work() as uow:
        uow.groups.add(group("dropped"))
        uow.after_commit(lambda: calls.append("left without commit"))

    def failing() -> None:
        with store.unit_of_work() as uow:
            uow.groups.add(group("failed"))
            uow.after_commit(lambda: calls.append("left by an exception"))
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError, match="refused"):
        failing()
    with store.unit_of_work() as uow:  # the next unit of work on the thread does not inherit them
        uow.groups.add(group("kept"))
        uow.commit()
    assert calls == []
    assert names(store) == ["kept"]


def test_a_failing_callback_is_logged_and_neither_undoes_the_commit_nor_stops_the_others(
    store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def broken() -> None:
        raise OSError("the wake-up failed")

    with (
        caplog.at_level(logging.ERROR, logger="codeyard.store.sql.unit_of_work"),
        store.unit_of_work() as uow,
    ):
        uow.groups.add(group("committed"))
        uow.after_commit(lambda: calls.append("before"))
        uow.after_commit(broken)
        uow.after_commit(lambda: calls.append("after"))
        uow.commit()
    assert calls == ["before", "after"]
    assert names(store) == ["committed"]
    [record] = [r for r in caplog.records if r.name == "codeyard.store.sql.unit_of_work"]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], OSError)
