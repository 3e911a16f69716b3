"""The IAM epoch: caches keyed by it, and the reads a request saves by sharing it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import event

from codeyard.accounts import AuthorizationRequest
from codeyard.clock import FakeClock
from codeyard.services.iam.epoch import EpochCache, RequestEpochs
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


def test_request_epochs_are_per_key_and_brief() -> None:
    clock = FakeClock()
    epochs = RequestEpochs(clock)
    assert epochs.recent("AKIA1") == (False, None)
    epochs.note("AKIA1", "e1")
    assert epochs.recent("AKIA1") == (True, "e1")
    assert epochs.recent("AKIA2") == (False, None)
    assert epochs.recent("") == (False, None)
    clock.advance(2)
    assert epochs.recent("AKIA1") == (False, None)


@contextmanager
def statements(world: World) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(world.store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(world.store.engine, "before_cursor_execute", record)


def test_a_request_reads_the_epoch_once(world: World) -> None:
    world.user("ann")
    world.iam.put_user_policy(
        world.ctx(),
        user_name="ann",
        policy_name="p",
        policy_document='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}',
    )
    key_id = world.iam.create_access_key(world.ctx(), user_name="ann")["AccessKey"]["AccessKeyId"]
    credential = world.credentials.resolve(key_id)
    assert credential is not None
    request = AuthorizationRequest(credential.principal, "iam:GetUser", ["*"])
    world.authorizer.authorize(request)  # first time: reads the policies
    with statements(world) as seen:
        again = world.credentials.resolve(key_id)
        assert again is not None
        assert world.authorizer.authorize(AuthorizationRequest(again.principal, "iam:GetUser", ["*"]))
    assert len(seen) == 1  # the epoch, read once, when the key was resolved
    keyless = replace(credential.principal, access_key_id="")  # as from a git password check
    with statements(world) as seen:
        assert world.authorizer.authorize(AuthorizationRequest(keyless, "iam:GetUser", ["*"]))
    assert len(seen) == 1  # no key resolved for it: the epoch is read afresh
    world.clock.advance(5)
    with statements(world) as seen:
        assert world.authorizer.authorize(request)
    assert len(seen) == 1  # the resolved epoch is too old to trust
