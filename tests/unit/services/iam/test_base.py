"""What every IAM operation shares: lookups, the caller's user, conflicts and the epoch."""

from __future__ import annotations

from dataclasses import replace

import pytest

from codeyard.errors import ValidationException
from codeyard.services.iam.epoch import read_epoch
from codeyard.services.iam.errors import ConcurrentModification, NoSuchEntity
from tests.unit.services.iam.conftest import World


def test_an_unexpected_conflict_is_a_concurrent_modification(world: World) -> None:
    world.user("ann")
    with world.store.reader() as uow:
        ann = uow.users.get(user_name="ann")
    assert ann is not None
    with pytest.raises(ConcurrentModification) as caught, world.iam._changes() as uow:
        uow.users.add(replace(ann, user_id="AIDAOTHER"))
    assert caught.value.status == 409


def test_every_change_replaces_the_epoch(world: World) -> None:
    tokens = set()
    for name in ("a", "b", "c"):
        world.user(name)
        with world.store.reader() as uow:
            tokens.add(read_epoch(uow))
    assert len(tokens) == 3
    world.iam.list_users(world.ctx())
    with world.store.reader() as uow:
        assert read_epoch(uow) in tokens  # reads change nothing


def test_missing_entities_and_callers(world: World) -> None:
    with pytest.raises(NoSuchEntity):
        world.iam.get_group(world.ctx(), group_name="nobody")
    with pytest.raises(NoSuchEntity):
        world.iam.get_role(world.ctx(), role_name="nobody")
    ann = world.user("ann")
    assert world.iam.list_ssh_public_keys(world.ctx(ann))["SSHPublicKeys"] == []
    with pytest.raises(ValidationException):
        world.iam.list_ssh_public_keys(world.ctx())  # the root user has no SSH keys of its own
