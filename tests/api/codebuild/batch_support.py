"""What the batch build tests share: batch projects and waiting for a batch to end."""

from __future__ import annotations

from typing import Any

from tests.api.codebuild.support import create
from tests.integration.runner.builds_support import until
from tests.support.server import Server

ROLE = "arn:aws:iam::000000000000:role/codebuild-batch"
BATCH_CONFIG: dict[str, Any] = {"serviceRole": ROLE, "timeoutInMins": 60}


def spec(batch: str, *commands: str) -> str:
    """An inline buildspec: its `batch` block (YAML lines under `batch:`) and the build's commands."""
    lines = "".join(f"      - {c}\n" for c in commands or ("echo member $CODEBUILD_BATCH_BUILD_IDENTIFIER",))
    return f"version: 0.2\nbatch:\n{batch}phases:\n  build:\n    commands:\n{lines}"


def batch_project(server: Server, name: str, text: str, **members: Any) -> None:
    members.setdefault("buildBatchConfig", BATCH_CONFIG)
    create(server, name, source={"type": "NO_SOURCE", "buildspec": text}, **members)


def batch(server: Server, batch_id: str) -> dict[str, Any]:
    found: dict[str, Any] = server.client("codebuild").batch_get_build_batches(ids=[batch_id])[
        "buildBatches"
    ][0]
    return found


def batch_finished(server: Server, batch_id: str, timeout: float = 120.0) -> dict[str, Any]:
    done: dict[str, Any] = until(
        lambda: (b := batch(server, batch_id))["complete"] and b, timeout, f"the end of batch {batch_id}"
    )
    return done


def groups(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["identifier"]: g for g in found["buildGroups"]}


def member(server: Server, group: dict[str, Any]) -> dict[str, Any]:
    arn = group["currentBuildSummary"]["arn"]
    build: dict[str, Any] = server.client("codebuild").batch_get_builds(ids=[arn])["builds"][0]
    return build
