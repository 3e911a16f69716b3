"""Batch builds through the real aws CLI: start (with a batch configuration override), get, list,
retry, stop and delete, and a refusal."""

from __future__ import annotations

import json
from typing import Any

from tests.api.codebuild.batch_support import spec
from tests.api.codebuild.support import create
from tests.integration.runner.builds_support import until
from tests.support.server import Server

LIST = "  build-list:\n    - identifier: solo\n"


def _json(server: Server, *args: str) -> Any:
    return json.loads(server.aws("codebuild", *args).stdout)


def _finished(server: Server, batch_id: str) -> dict[str, Any]:
    done: dict[str, Any] = until(
        lambda: (
            (b := _json(server, "batch-get-build-batches", "--ids", batch_id)["buildBatches"][0])["complete"]
            and b
        ),
        what=f"the end of {batch_id}",
    )
    return done


def test_batch_operations_through_the_aws_cli(server: Server) -> None:
    # the first build fails (only a failed batch can be retried); the retried one (number 2) runs
    # until it is stopped
    waits = 'if [ "$CODEBUILD_BUILD_NUMBER" -ge 2 ]; then sleep 120; else exit 1; fi'
    create(server, "cli-batch", source={"type": "NO_SOURCE", "buildspec": spec(LIST, waits)})
    refusal = server.aws("codebuild", "start-build-batch", "--project-name", "cli-batch", check=False)
    config = json.dumps({"serviceRole": "arn:aws:iam::000000000000:role/b", "timeoutInMins": 30})

    started = _json(
        server,
        "start-build-batch",
        "--project-name",
        "cli-batch",
        "--build-batch-config-override",
        config,
        "--idempotency-token",
        "once",
    )["buildBatch"]
    again = _json(
        server,
        "start-build-batch",
        "--project-name",
        "cli-batch",
        "--build-batch-config-override",
        config,
        "--idempotency-token",
        "once",
    )["buildBatch"]
    done = _finished(server, started["id"])
    listed = _json(server, "list-build-batches-for-project", "--project-name", "cli-batch")
    retried = _json(server, "retry-build-batch", "--id", started["id"], "--retry-type", "RETRY_ALL_BUILDS")
    stopped = _json(server, "stop-build-batch", "--id", started["id"])["buildBatch"]
    after = _finished(server, started["id"])
    deleted = _json(server, "delete-build-batch", "--id", started["id"])

    assert refusal.returncode != 0
    assert "InvalidInputException" in refusal.stderr
    assert again["id"] == started["id"]
    assert done["buildBatchStatus"] == "FAILED"
    assert done["buildBatchConfig"]["timeoutInMins"] == 30
    assert listed["ids"] == [started["id"]]
    assert retried["buildBatch"]["complete"] is False
    assert stopped["id"] == started["id"]
    assert after["buildBatchStatus"] == "STOPPED"
    assert len(after["buildGroups"][0]["priorBuildSummaryList"]) == 1
    assert len(deleted["buildsDeleted"]) == 2
    assert _json(server, "list-build-batches")["ids"] == []
