"""Idempotency tokens of StartBuild, RetryBuild, StartBuildBatch and RetryBuildBatch through boto3,
as AWS documents them: a token holds for 5 minutes after the call that used it first; the same call
with it answers the same build or batch, a changed one is a parameter mismatch (InvalidInputException,
CodeBuild's model naming no error of its own for it); after 5 minutes the token makes anew.

The test-mode server's clock is moved (POST /_codeyard/v1/clock) instead of waiting; the sweep that
forgets expired tokens is run on request (POST /_codeyard/v1/sweep)."""

from __future__ import annotations

import httpx

from tests.api.codebuild.batch_support import batch_finished, batch_project, spec
from tests.api.codebuild.support import create, refused
from tests.integration.runner.builds_support import buildspec, finished
from tests.support.server import Server

MINUTE = 60


def move_clock(server: Server, minutes: float) -> None:
    answer = httpx.post(
        f"{server.endpoint}/_codeyard/v1/clock", params={"offset": minutes * MINUTE}, timeout=30
    )
    assert answer.status_code == 200, answer.text


def tokens_swept(server: Server) -> int:
    answer = httpx.post(f"{server.endpoint}/_codeyard/v1/sweep", timeout=60)
    assert answer.status_code == 200, answer.text
    deleted: int = answer.json()["idempotencyTokensDeleted"]
    return deleted


def test_start_build_token_same_call_mismatch_and_expiry(server: Server) -> None:
    create(server, "tokened")
    codebuild = server.client("codebuild")
    start = codebuild.start_build
    first = start(projectName="tokened", idempotencyToken="t-1", sourceVersion="main")["build"]
    again = start(projectName="tokened", idempotencyToken="t-1", sourceVersion="main")["build"]
    changed = refused(start, projectName="tokened", idempotencyToken="t-1", sourceVersion="dev")
    bare = refused(start, projectName="tokened", idempotencyToken="t-1")
    finished(server, first["id"])

    move_clock(server, 4.9)  # still within the 5 minutes
    within = start(projectName="tokened", idempotencyToken="t-1", sourceVersion="main")["build"]
    move_clock(server, 5.1)  # 5 minutes after the first call: the token makes a new build
    later = start(projectName="tokened", idempotencyToken="t-1", sourceVersion="dev")["build"]
    repeated = start(projectName="tokened", idempotencyToken="t-1", sourceVersion="dev")["build"]
    finished(server, later["id"])

    assert again["id"] == within["id"] == first["id"]
    assert changed[0] == bare[0] == "InvalidInputException"
    assert "mismatch" in changed[1]
    assert "t-1" in changed[1]
    assert later["id"] != first["id"]
    assert later["buildNumber"] == 2
    assert repeated["id"] == later["id"]
    assert len(codebuild.list_builds_for_project(projectName="tokened")["ids"]) == 2


def test_the_sweep_forgets_expired_tokens_only(server: Server) -> None:
    create(server, "swept")
    codebuild = server.client("codebuild")
    old = codebuild.start_build(projectName="swept", idempotencyToken="old")["build"]
    assert tokens_swept(server) == 0  # live
    move_clock(server, 3)
    new = codebuild.start_build(projectName="swept", idempotencyToken="new")["build"]
    move_clock(server, 6)  # the first token expired a minute ago, the second holds 2 minutes more
    assert tokens_swept(server) == 1
    assert tokens_swept(server) == 0
    again_new = codebuild.start_build(projectName="swept", idempotencyToken="new")["build"]
    again_old = codebuild.start_build(projectName="swept", idempotencyToken="old")["build"]
    for build_id in {old["id"], new["id"], again_old["id"]}:
        finished(server, build_id)

    assert again_new["id"] == new["id"]
    assert again_old["id"] not in (old["id"], new["id"])


def test_a_token_is_its_operations_own(server: Server) -> None:
    """StartBuild's and RetryBuild's uses of one token are apart (our choice: AWS is silent)."""
    create(server, "apart", source={"type": "NO_SOURCE", "buildspec": buildspec("echo apart")})
    codebuild = server.client("codebuild")
    started = codebuild.start_build(projectName="apart", idempotencyToken="shared")["build"]
    finished(server, started["id"])
    retried = codebuild.retry_build(id=started["id"], idempotencyToken="shared")["build"]
    again = codebuild.retry_build(id=started["arn"], idempotencyToken="shared")[
        "build"
    ]  # an ARN names it too
    finished(server, retried["id"])
    other = refused(codebuild.retry_build, id=retried["id"], idempotencyToken="shared")
    move_clock(server, 6)
    later = codebuild.retry_build(id=started["id"], idempotencyToken="shared")["build"]
    finished(server, later["id"])

    assert retried["id"] != started["id"]
    assert again["id"] == retried["id"]
    assert other[0] == "InvalidInputException"
    assert "mismatch" in other[1]
    assert later["id"] not in (started["id"], retried["id"])
    assert later["buildNumber"] == 3


def test_start_build_batch_token(server: Server) -> None:
    batch_project(server, "batched", spec("  build-list:\n    - identifier: only\n"))
    codebuild = server.client("codebuild")
    start = codebuild.start_build_batch
    first = start(projectName="batched", idempotencyToken="b-1")["buildBatch"]
    again = start(projectName="batched", idempotencyToken="b-1")["buildBatch"]
    changed = refused(start, projectName="batched", idempotencyToken="b-1", sourceVersion="dev")
    batch_finished(server, first["id"])
    move_clock(server, 6)
    later = start(projectName="batched", idempotencyToken="b-1")["buildBatch"]
    batch_finished(server, later["id"])

    assert again["id"] == first["id"]
    assert changed[0] == "InvalidInputException"
    assert "mismatch" in changed[1]
    assert later["id"] != first["id"]
    assert later["buildBatchNumber"] == 2


def test_retry_build_batch_token_holds_after_the_retry_ends(server: Server) -> None:
    batch_project(server, "failing", spec("  build-list:\n    - identifier: only\n", "exit 1"))
    codebuild = server.client("codebuild")
    failed = batch_finished(server, codebuild.start_build_batch(projectName="failing")["buildBatch"]["id"])
    retry = codebuild.retry_build_batch
    retried = retry(id=failed["id"], idempotencyToken="r-1", retryType="RETRY_ALL_BUILDS")["buildBatch"]
    while_running = retry(id=failed["id"], idempotencyToken="r-1", retryType="RETRY_ALL_BUILDS")["buildBatch"]
    ended = batch_finished(server, failed["id"])
    after_end = retry(id=failed["id"], idempotencyToken="r-1", retryType="RETRY_ALL_BUILDS")["buildBatch"]
    changed = refused(retry, id=failed["id"], idempotencyToken="r-1", retryType="RETRY_FAILED_BUILDS")
    builds_then = len(codebuild.list_builds_for_project(projectName="failing")["ids"])
    move_clock(server, 6)
    again = retry(id=failed["id"], idempotencyToken="r-1", retryType="RETRY_ALL_BUILDS")["buildBatch"]
    batch_finished(server, failed["id"])

    assert failed["buildBatchStatus"] == ended["buildBatchStatus"] == "FAILED"
    assert retried["id"] == while_running["id"] == after_end["id"] == failed["id"]
    assert after_end["complete"]
    assert after_end["buildBatchStatus"] == "FAILED"
    assert builds_then == 2
    assert changed[0] == "InvalidInputException"
    assert "mismatch" in changed[1]
    assert again["buildBatchStatus"] == "IN_PROGRESS"
    assert len(codebuild.list_builds_for_project(projectName="failing")["ids"]) == 3


def test_a_token_longer_than_the_store_keeps_is_refused(server: Server) -> None:
    create(server, "long")
    codebuild = server.client("codebuild")
    code, message = refused(codebuild.start_build, projectName="long", idempotencyToken="x" * 256)
    longest = codebuild.start_build(projectName="long", idempotencyToken="x" * 255)["build"]
    finished(server, longest["id"])

    assert code == "InvalidInputException"
    assert "at most 255 characters" in message
    assert codebuild.list_builds_for_project(projectName="long")["ids"] == [longest["id"]]
