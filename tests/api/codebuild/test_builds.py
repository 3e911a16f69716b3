"""CodeBuild builds through boto3: overrides, idempotency, retry, lists, deletes and refusals."""

from __future__ import annotations

from typing import Any

from tests.api.codebuild.support import arn, create, refused
from tests.integration.runner.builds_support import buildspec, finished, log_text
from tests.support.iam import allow, make_user
from tests.support.server import Server

EXPORTING = (
    "version: 0.2\nenv:\n  exported-variables:\n    - RESULT\nphases:\n  build:\n    commands:\n"
    '      - echo "greeting=$GREETING image=$CODEBUILD_BUILD_IMAGE number=$CODEBUILD_BUILD_NUMBER"\n'
    "      - export RESULT=done-$GREETING\n"
)


def test_overrides_reach_the_build_and_its_environment(server: Server) -> None:
    create(
        server,
        "configured",
        source={"type": "NO_SOURCE", "buildspec": buildspec("echo project buildspec")},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "environmentVariables": [{"name": "GREETING", "value": "project"}],
        },
    )
    codebuild = server.client("codebuild")

    started = codebuild.start_build(
        projectName="configured",
        buildspecOverride=EXPORTING,
        environmentVariablesOverride=[{"name": "GREETING", "value": "override", "type": "PLAINTEXT"}],
        imageOverride="aws/codebuild/amazonlinux2-x86_64-standard:5.0",
        timeoutInMinutesOverride=7,
    )["build"]
    done = finished(server, started["id"])

    assert done["buildStatus"] == "SUCCEEDED"
    assert done["timeoutInMinutes"] == 7
    assert done["environment"]["image"] == "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    assert done["environment"]["environmentVariables"] == [
        {"name": "GREETING", "value": "override", "type": "PLAINTEXT"}
    ]
    assert done["exportedEnvironmentVariables"] == [{"name": "RESULT", "value": "done-override"}]
    assert done["initiator"]
    text = log_text(server, started["id"])
    assert "greeting=override image=aws/codebuild/amazonlinux2-x86_64-standard:5.0 number=1" in text
    assert "project buildspec" not in text


def test_build_numbers_count_per_project_and_lists_sort_by_start(server: Server) -> None:
    create(server, "first")
    create(server, "second")
    codebuild = server.client("codebuild")
    ids = [codebuild.start_build(projectName=name)["build"]["id"] for name in ("first", "second", "first")]
    builds = [finished(server, build_id) for build_id in ids]

    assert [b["buildNumber"] for b in builds] == [1, 1, 2]
    assert codebuild.list_builds()["ids"] == ids[::-1]
    assert codebuild.list_builds(sortOrder="ASCENDING")["ids"] == ids
    assert codebuild.list_builds_for_project(projectName="first")["ids"] == [ids[2], ids[0]]
    answer = codebuild.batch_get_builds(ids=[ids[1], "second:00000000-0000-0000-0000-000000000000"])
    assert [b["id"] for b in answer["builds"]] == [ids[1]]
    assert answer["buildsNotFound"] == ["second:00000000-0000-0000-0000-000000000000"]
    assert codebuild.batch_get_builds(ids=[builds[0]["arn"]])["builds"][0]["id"] == ids[0]


def test_an_idempotency_token_names_one_build(server: Server) -> None:
    create(server, "once")
    codebuild = server.client("codebuild")
    first = codebuild.start_build(projectName="once", idempotencyToken="token-1")["build"]
    again = codebuild.start_build(projectName="once", idempotencyToken="token-1")["build"]
    other = codebuild.start_build(projectName="once", idempotencyToken="token-2")["build"]
    for build_id in (first["id"], other["id"]):
        finished(server, build_id)

    assert again["id"] == first["id"]
    assert other["id"] != first["id"]
    assert len(codebuild.list_builds_for_project(projectName="once")["ids"]) == 2


def test_retry_build_repeats_the_request(server: Server) -> None:
    create(server, "retried")
    codebuild = server.client("codebuild")
    first = codebuild.start_build(
        projectName="retried", buildspecOverride=buildspec("echo retry-me-$CODEBUILD_BUILD_NUMBER")
    )["build"]
    finished(server, first["id"])

    retried = codebuild.retry_build(id=first["id"])["build"]
    done = finished(server, retried["id"])

    assert retried["id"] != first["id"]
    assert done["buildNumber"] == 2
    assert "retry-me-2" in log_text(server, retried["id"])


def test_batch_delete_builds_deletes_completed_builds_only(server: Server) -> None:
    create(server, "deleted")
    create(server, "waiting", source={"type": "NO_SOURCE", "buildspec": buildspec("sleep 60")})
    codebuild = server.client("codebuild")
    done_id = codebuild.start_build(projectName="deleted")["build"]["id"]
    finished(server, done_id)
    running_id = codebuild.start_build(projectName="waiting")["build"]["id"]

    answer = codebuild.batch_delete_builds(ids=[done_id, running_id, "deleted:missing"])
    codebuild.stop_build(id=running_id)
    finished(server, running_id)

    assert answer["buildsDeleted"] == [done_id]
    assert answer["buildsNotDeleted"] == [
        {"id": running_id, "statusCode": "BUILD_IN_PROGRESS"},
        {"id": "deleted:missing", "statusCode": "BUILD_NOT_FOUND"},
    ]
    assert codebuild.batch_get_builds(ids=[done_id])["buildsNotFound"] == [done_id]


def test_refusals(server: Server) -> None:
    create(server, "refusing")
    codebuild = server.client("codebuild")
    build_id = codebuild.start_build(projectName="refusing")["build"]["id"]
    finished(server, build_id)

    checks: list[tuple[Any, dict[str, Any], str]] = [
        (codebuild.start_build, {"projectName": "nowhere"}, "ResourceNotFoundException"),
        (codebuild.stop_build, {"id": "refusing:missing"}, "ResourceNotFoundException"),
        (codebuild.stop_build, {"id": build_id}, "InvalidInputException"),
        (codebuild.retry_build, {"id": "refusing:missing"}, "ResourceNotFoundException"),
        (codebuild.list_builds_for_project, {"projectName": "nowhere"}, "ResourceNotFoundException"),
        (codebuild.list_builds, {"nextToken": "bogus"}, "InvalidInputException"),
    ]
    for call, params, code in checks:
        assert refused(call, **params)[0] == code, (call, params)


def test_build_calls_are_authorised_on_the_project(server: Server) -> None:
    create(server, "allowed")
    create(server, "forbidden")
    codebuild = server.client("codebuild")
    theirs = codebuild.start_build(projectName="forbidden")["build"]["id"]
    user = make_user(
        server, "starter", allow(["codebuild:StartBuild", "codebuild:BatchGetBuilds"], arn("allowed"))
    )
    builds = user.client("codebuild")

    mine = builds.start_build(projectName="allowed")["build"]["id"]
    finished(server, mine)
    finished(server, theirs)

    assert builds.batch_get_builds(ids=[mine])["builds"][0]["buildStatus"] == "SUCCEEDED"
    assert refused(builds.start_build, projectName="forbidden")[0] == "AccessDeniedException"
    assert refused(builds.batch_get_builds, ids=[theirs])[0] == "AccessDeniedException"
    assert refused(builds.stop_build, id=mine)[0] == "AccessDeniedException"
