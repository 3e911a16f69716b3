"""A batch past its timeoutInMins: its members are stopped and it ends TIMED_OUT (a server whose
minute lasts a second, CODEYARD_BUILD_MINUTE_SECONDS=1)."""

from __future__ import annotations

from typing import Any

from tests.api.codebuild.batch_support import batch_finished, batch_project, member, spec
from tests.support.server import Server


def test_a_batch_past_its_timeout_ends_timed_out(make_server: Any) -> None:
    server: Server = make_server("sqlite", extra_env={"CODEYARD_BUILD_MINUTE_SECONDS": "1"}).start()
    config = {"serviceRole": "arn:aws:iam::000000000000:role/b", "timeoutInMins": 1}
    batch_project(
        server, "slow", spec("  build-list:\n    - identifier: slow\n", "sleep 120"), buildBatchConfig=config
    )

    started = server.client("codebuild").start_build_batch(projectName="slow")["buildBatch"]
    done = batch_finished(server, started["id"])

    assert done["buildBatchStatus"] == "TIMED_OUT"
    in_progress = next(p for p in done["phases"] if p["phaseType"] == "IN_PROGRESS")
    assert in_progress["phaseStatus"] == "TIMED_OUT"
    assert "timed out" in in_progress["contexts"][0]["message"]
    assert member(server, done["buildGroups"][0])["buildStatus"] == "STOPPED"
