"""A batch member queued when another member ends wakes the runners waiting in a long poll, on the
server that ended the member and (PostgreSQL) on the other servers of the database, as StartBuild
does. The servers' polls look at the queue only once an hour by themselves
(CODEYARD_POLL_RECHECK_SECONDS), so a poll that answers the member before its 20 s are over was woken."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from codeyard.store.sql.engine import make_engine
from codeyard.store.sql.unit_of_work import SqlStore
from tests.api.codebuild.batch_support import batch, batch_project, groups, spec
from tests.api.codebuild.test_report_expiry import move_clock
from tests.integration.runner.builds_support import until
from tests.integration.runner.test_work_api_cache import WORK, _claim, _register
from tests.support.server import Server

GRAPH = "  build-graph:\n    - identifier: a\n    - identifier: b\n      depend-on:\n        - a\n"
QUIET = {"CODEYARD_RUNNER": "false", "CODEYARD_POLL_RECHECK_SECONDS": "3600"}
SEEN_AFTER = 10 / 86400  # a day's fraction: past the 5 s within which a runner's poll is not recorded


def _build_id(group: dict[str, Any]) -> str:
    arn: str = group["currentBuildSummary"]["arn"]
    return arn.partition(":build/")[2]


def _await_look(server: Server, name: str) -> None:
    """Until the runner's poll recorded its first look at the queue (in the server's database): that
    look found nothing, and the poll took its wake-up ticket before it, so from then on it waits
    (or was woken)."""
    url = server.database_url or f"sqlite:///{server.data_dir / 'codeyard.db'}"
    store = SqlStore(make_engine(url))

    def looked() -> bool:
        with store.reader() as uow:
            [runner] = uow.runners.find(name=name)
        return runner.last_seen_at is not None and runner.last_seen_at > runner.created_at

    try:
        until(looked, 30, f"the first look at the queue of runner {name}")
    finally:
        store.dispose()


def _member_b_wakes_the_waiting_poll(ending: Server, waiting_on: Server) -> None:
    batch_project(ending, "graph", spec(GRAPH, "echo member"))
    first, waiting = _register(ending, "first"), _register(waiting_on, "waiting")
    started = ending.client("codebuild").start_build_batch(projectName="graph")["buildBatch"]
    assert started.get("buildGroups"), started
    build_a = _build_id(groups(started)["a"])
    assert _claim(ending, first)["build_id"] == build_a
    assert "currentBuildSummary" not in groups(batch(ending, started["id"]))["b"]
    move_clock(waiting_on, SEEN_AFTER)

    with ThreadPoolExecutor(1) as pool:
        poll = pool.submit(
            httpx.post, f"{waiting_on.endpoint}{WORK}/poll?wait=20", headers=waiting, timeout=60
        )
        _await_look(waiting_on, "waiting")
        done = httpx.post(
            f"{ending.endpoint}{WORK}/jobs/{quote(build_a, safe='')}/complete",
            json={"status": "SUCCEEDED", "end_ms": int(time.time() * 1000)},
            headers=first,
        )
        assert done.status_code == 200, done.text
        answer = poll.result(timeout=60)

    assert answer.status_code == 200, "the poll was not woken for member b"
    build_b = _build_id(groups(batch(ending, started["id"]))["b"])
    assert answer.json()["build_id"] == build_b


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_member_queued_by_its_dependency_s_end_wakes_a_waiting_runner(
    make_server: Callable[..., Server], backend: str
) -> None:
    server = make_server(backend, extra_env=QUIET).start()
    _member_b_wakes_the_waiting_poll(server, server)


def test_on_postgres_the_member_wakes_a_runner_waiting_on_another_server(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    shared = {**QUIET, "CODEYARD_MASTER_KEY": base64.b64encode(bytes(range(32))).decode()}  # one database
    ending = make_server("postgres", extra_env=shared).start()
    other = Server(tmp_path / "other-server", ending.database_url, extra_env=shared)
    try:
        other.start()
        _member_b_wakes_the_waiting_poll(ending, other)
    finally:
        other.stop()
