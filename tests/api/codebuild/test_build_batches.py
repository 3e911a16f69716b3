"""Batch builds through boto3 with real member builds on the embedded runner: lists, graphs,
matrices, stops, retries, restrictions, lists and deletes."""

from __future__ import annotations

from tests.api.codebuild.batch_support import batch_finished, batch_project, groups, member, spec
from tests.api.codebuild.support import create, refused
from tests.integration.runner.builds_support import log_text
from tests.support.server import Server

LIST = "  build-list:\n    - identifier: first\n      env:\n        variables:\n          WORD: one\n" + (
    "    - identifier: second\n      env:\n        variables:\n          WORD: two\n"
)


def test_a_build_list_runs_each_member_as_a_build_of_the_batch(server: Server) -> None:
    batch_project(server, "listed", spec(LIST, "echo word=$WORD id=$CODEBUILD_BATCH_BUILD_IDENTIFIER"))
    codebuild = server.client("codebuild")

    started = codebuild.start_build_batch(projectName="listed")["buildBatch"]
    done = batch_finished(server, started["id"])

    assert started["buildBatchNumber"] == 1
    assert started["arn"].endswith(f":build-batch/{started['id']}")
    assert done["buildBatchStatus"] == "SUCCEEDED"
    assert [p["phaseType"] for p in done["phases"]] == [
        "SUBMITTED",
        "DOWNLOAD_BATCHSPEC",
        "IN_PROGRESS",
        "SUCCEEDED",
    ]
    assert all(p["phaseStatus"] == "SUCCEEDED" for p in done["phases"][:-1])
    found = groups(done)
    assert sorted(found) == ["first", "second"]
    for identifier, word in (("first", "one"), ("second", "two")):
        build = member(server, found[identifier])
        assert build["buildBatchArn"] == started["arn"]
        assert build["buildStatus"] == "SUCCEEDED"
        assert f"word={word} id={identifier}" in log_text(server, build["id"])
    assert codebuild.list_build_batches_for_project(projectName="listed")["ids"] == [started["id"]]


def test_a_project_without_batch_configuration_is_refused(server: Server) -> None:
    create(server, "plain")
    codebuild = server.client("codebuild")

    code, message = refused(codebuild.start_build_batch, projectName="plain")
    assert code == "InvalidInputException"
    assert "buildBatchConfig" in message
    code, _ = refused(codebuild.start_build_batch, projectName="missing")
    assert code == "ResourceNotFoundException"
