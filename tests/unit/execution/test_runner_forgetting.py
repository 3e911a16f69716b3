"""Runners gone quiet are forgotten, on SQLite and PostgreSQL with a fake clock: a runner that has not
polled for the forget time (a day) and holds no build is deleted, so its token no longer
authenticates; one that polls, or still holds a build's lease, stays."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeyard.execution.queue import Expired, UnknownRunner
from tests.support.postgres import PostgresCluster
from tests.unit.execution.test_queue_fleets import TOKEN, Fleets, _fleets

DAY = 24 * 3600


@pytest.fixture(params=["sqlite", "postgres"])
def work(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fleets]:
    if request.param == "sqlite":
        yield from _fleets("sqlite:///" + str(tmp_path / "codeyard.sqlite"))
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    yield from _fleets(cluster.create_database("forget_" + uuid.uuid4().hex[:12]))


def test_quiet_runners_holding_no_build_are_forgotten(work: Fleets) -> None:
    work.fleet("pool", "QUEUE")
    work.project("plain")
    quiet = work.registry.register(TOKEN, "quiet", "pool")
    polling = work.registry.register(TOKEN, "polling")
    holding = work.registry.register(TOKEN, "holding")
    assert quiet is not None
    assert polling is not None
    assert holding is not None
    build = work.start("plain")
    assert work.claim(holding.runner_id) == build

    work.clock.advance(DAY - 60)
    assert work.claim(polling.runner_id) is None  # its poll is noted
    work.clock.advance(120)  # the others last polled a day and a minute ago

    assert work.registry.forget_quiet() == 1
    assert work.registry.authenticate(quiet.token) is None
    assert work.registry.authenticate(polling.token) == polling.runner_id
    assert work.registry.authenticate(holding.token) == holding.runner_id  # its lease is live
    with pytest.raises(UnknownRunner):
        work.claim(quiet.runner_id)
    assert work.registry.forget_quiet() == 0

    work.clock.advance(DAY + 60)  # the build's lease expired long ago, and nobody polled
    assert work.queue.expire() == Expired(lost=1)
    assert work.registry.forget_quiet() == 2
    returned = work.registry.register(TOKEN, "quiet", "pool")  # a forgotten runner registers anew
    assert returned is not None
    assert work.registry.authenticate(returned.token) == returned.runner_id
