"""The IAM epoch: caches keyed by it, how often it is read, and how changes take effect."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import event

from codeyard.accounts import AuthorizationRequest
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.iam.epoch import EpochCache, IamEpoch, bump_epoch
from tests.unit.services.iam.conftest import World


def test_epoch_cache_answers_only_under_its_epoch() -> None:
    cache: EpochCache[str, int] = EpochCache(max_entries=2)
    cache.put("e1", "a", 1)
    assert cache.get("e1", "a") == 1
    assert cache.get("e2", "a") is None
    assert cache.get(None, "a") is None
    cache.put("e2", "b", 2)  # a new epoch drops everything older
    assert cache.get("e1", "a") is None
    assert cache.get("e2", "b") == 2
    cache.replace("e2", "b", 3)
    cache.replace("e2", "c", 4)  # only entries already there are replaced
    assert cache.get("e2", "b") == 3
    assert cache.get("e2", "c") is None
    cache.put(None, "d", 5)
    assert cache.get(None, "d") is None
    cache.put("e2", "x", 6)
    cache.put("e2", "y", 7)  # over the size limit: starts again
    assert cache.get("e2", "b") is None
    assert cache.get("e2", "y") == 7


@contextmanager
def statements(world: World) -> Iterator[list[str]]:
    """The SQL statements (not BEGIN/COMMIT) that reach SQLite while the block runs."""
    seen: list[str] = []

    def record(statement: str) -> None:
        if statement.split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    def checkout(dbapi_connection: Any, _record: object, _proxy: object) -> None:
        dbapi_connection.set_trace_callback(record)

    def checkin(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.set_trace_callback(None)

    # The store keeps a connection per thread: let go of it, so the next one is watched.
    world.store.dispose()
    event.listen(world.store.engine, "checkout", checkout)
    event.listen(world.store.engine, "checkin", checkin)
    try:
        yield seen
    finally:
        world.store.dispose()
        event.remove(world.store.engine, "checkout", checkout)
        event.remove(world.store.engine, "checkin", checkin)


POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}'


def _user_with_key(world: World, name: str) -> str:
    world.user(name)
    world.iam.put_user_policy(world.ctx(), user_name=name, policy_name="p", policy_document=POLICY)
    return str(world.iam.create_access_key(world.ctx(), user_name=name)["AccessKey"]["AccessKeyId"])


def test_a_steady_request_reads_nothing(world: World) -> None:
    key_id = _user_with_key(world, "ann")
    credential = world.credentials.resolve(key_id)
    assert credential is not None
    request = AuthorizationRequest(credential.principal, "iam:GetUser", ["*"])
    assert world.authorizer.authorize(request)  # first time: reads the policies
    with statements(world) as seen:
        again = world.credentials.resolve(key_id)
        assert again is not None
        assert world.authorizer.authorize(AuthorizationRequest(again.principal, "iam:GetUser", ["*"]))
    assert seen == []  # the epoch was confirmed less than a second ago
    world.clock.advance(2)
    with statements(world) as seen:
        assert world.credentials.resolve(key_id) is not None
        assert world.authorizer.authorize(request)
    assert len(seen) == 1  # the epoch is read again, once, and still holds


def test_a_change_made_here_takes_effect_at_once(world: World) -> None:
    key_id = _user_with_key(world, "bob")
    assert world.credentials.resolve(key_id) is not None
    world.iam.update_access_key(world.ctx(), user_name="bob", access_key_id=key_id, status="Inactive")
    assert world.credentials.resolve(key_id) is None


def test_a_change_made_by_another_server_takes_effect_within_a_second(world: World) -> None:
    key_id = _user_with_key(world, "cy")
    assert world.credentials.resolve(key_id) is not None
    with world.store.unit_of_work() as uow:  # another server: same database, not this process
        key = uow.access_keys.get(access_key_id=key_id)
        assert key is not None
        uow.access_keys.update(replace(key, status="Inactive"))
        bump_epoch(uow, IdGenerator(SeededRandomness(99)))
        uow.commit()
    assert world.credentials.resolve(key_id) is not None  # still trusted, for at most FRESHNESS
    world.clock.advance(IamEpoch.FRESHNESS.total_seconds())
    assert world.credentials.resolve(key_id) is None


def test_forget_reads_afresh(world: World) -> None:
    epoch = IamEpoch(world.store, world.clock)
    first = epoch.current()
    with statements(world) as seen:
        assert epoch.current() == first
    assert seen == []
    epoch.forget()
    with statements(world) as seen:
        assert epoch.current() == first
    assert len(seen) == 1
