"""A batch's timeoutInMins counts from the start of its run: a batch retried long after it first
started is not timed out at once, but once the timeout has passed since the retry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.services.codebuild.batch_world import Batches, batches


@pytest.fixture
def on_sqlite(tmp_path: Path) -> Iterator[Batches]:
    yield from batches("sqlite:///" + str(tmp_path / "codeyard.sqlite"))


def test_a_retried_batch_s_timeout_counts_from_the_retry(on_sqlite: Batches) -> None:
    batch_id, first, _ = on_sqlite.start(timeoutInMins=60)
    on_sqlite.api.stop_build(on_sqlite.ctx, id=first)  # fast-fail: the batch ends FAILED
    assert on_sqlite.batch(batch_id)["buildBatchStatus"] == "FAILED"
    on_sqlite.clock.advance(2 * 3600)

    retried = on_sqlite.api.retry_build_batch(on_sqlite.ctx, id=batch_id)["buildBatch"]
    at_once = on_sqlite.tick()
    on_sqlite.clock.advance(59 * 60)
    within = on_sqlite.tick()
    on_sqlite.clock.advance(60)
    past = on_sqlite.tick()

    assert retried["buildBatchStatus"] == "IN_PROGRESS"
    assert (at_once, within, past) == (0, 0, 1)
    assert on_sqlite.batch(batch_id)["buildBatchStatus"] == "TIMED_OUT"
