"""Fleets (CodeBuild's reserved capacity, here pools of runners): create, update, delete, batch get,
list; projects and builds that name a fleet."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from tests.api.codebuild.support import ACCOUNT, ENVIRONMENT, create, refused, stored_rows
from tests.support.server import Server

FLEET_ARN = re.compile(
    rf"arn:aws:codebuild:us-east-1:{ACCOUNT}:fleet/(?P<id>(?P<name>[\w-]+):[0-9a-f-]{{36}})"
)


def make_fleet(server: Server, name: str, **members: Any) -> dict[str, Any]:
    params = {
        "name": name,
        "baseCapacity": 1,
        "environmentType": "LINUX_CONTAINER",
        "computeType": "BUILD_GENERAL1_SMALL",
        **members,
    }
    fleet: dict[str, Any] = server.client("codebuild").create_fleet(**params)["fleet"]
    return fleet


def test_create_answers_the_fleet_active_with_no_runner(server: Server) -> None:
    fleet = make_fleet(
        server,
        "pool",
        baseCapacity=2,
        scalingConfiguration={"scalingType": "TARGET_TRACKING_SCALING", "maxCapacity": 4},
        tags=[{"key": "team", "value": "infra"}],
    )

    match = FLEET_ARN.fullmatch(fleet["arn"])
    assert match is not None
    assert match["name"] == "pool"
    assert fleet["id"] == match["id"]
    assert fleet["name"] == "pool"
    assert fleet["baseCapacity"] == 2
    assert fleet["overflowBehavior"] == "QUEUE"
    assert fleet["scalingConfiguration"] == {
        "scalingType": "TARGET_TRACKING_SCALING",
        "maxCapacity": 4,
        "desiredCapacity": 2,
    }
    assert fleet["tags"] == [{"key": "team", "value": "infra"}]
    assert fleet["status"] == {
        "statusCode": "ACTIVE",
        "context": "INSUFFICIENT_CAPACITY",
        "message": "0 runner(s) serve this fleet, 0 idle",
    }
    assert fleet["created"] == fleet["lastModified"]


def test_bad_fleets_are_refused(server: Server) -> None:
    codebuild = server.client("codebuild")
    make_fleet(server, "taken")
    base = {"baseCapacity": 1, "environmentType": "LINUX_CONTAINER", "computeType": "BUILD_GENERAL1_SMALL"}

    again = refused(codebuild.create_fleet, name="taken", **base)
    empty = refused(codebuild.create_fleet, name="zero", **{**base, "baseCapacity": 0})
    lam = refused(
        codebuild.create_fleet,
        name="lam",
        **{**base, "environmentType": "LINUX_LAMBDA_CONTAINER", "computeType": "BUILD_LAMBDA_1GB"},
    )
    scaling = refused(
        codebuild.create_fleet,
        name="small",
        **{**base, "baseCapacity": 3, "scalingConfiguration": {"maxCapacity": 2}},
    )
    custom = refused(codebuild.create_fleet, name="custom", **{**base, "computeType": "CUSTOM_INSTANCE_TYPE"})

    assert again[0] == "ResourceAlreadyExistsException"
    assert empty == ("InvalidInputException", "Invalid baseCapacity: 0; it must be at least 1")
    assert lam[0] == "InvalidInputException"
    assert "not supported by fleets" in lam[1]
    assert scaling[0] == "InvalidInputException"
    assert "maxCapacity 2 is less than baseCapacity 3" in scaling[1]
    assert custom[0] == "InvalidInputException"
    assert "computeConfiguration" in custom[1]
    assert [row[0] for row in stored_rows(server, "SELECT name FROM cb_fleets")] == ["taken"]


def test_update_changes_what_is_given_and_keeps_the_rest(server: Server) -> None:
    codebuild = server.client("codebuild")
    fleet = make_fleet(server, "pool", tags=[{"key": "a", "value": "1"}])

    updated = codebuild.update_fleet(arn=fleet["arn"], baseCapacity=3, overflowBehavior="ON_DEMAND")["fleet"]
    by_name = codebuild.update_fleet(arn="pool", computeType="BUILD_GENERAL1_LARGE")["fleet"]
    missing = refused(codebuild.update_fleet, arn="nope", baseCapacity=1)
    invalid = refused(codebuild.update_fleet, arn="pool", baseCapacity=0)

    assert updated["baseCapacity"] == 3
    assert updated["overflowBehavior"] == "ON_DEMAND"
    assert updated["computeType"] == "BUILD_GENERAL1_SMALL"
    assert updated["tags"] == [{"key": "a", "value": "1"}]
    assert by_name["arn"] == fleet["arn"]
    assert (by_name["baseCapacity"], by_name["computeType"]) == (3, "BUILD_GENERAL1_LARGE")
    assert by_name["lastModified"] >= fleet["lastModified"]
    assert missing == ("ResourceNotFoundException", "Fleet not found: nope")
    assert invalid[0] == "InvalidInputException"


def test_batch_get_by_name_or_arn_and_list_in_pages(server: Server) -> None:
    codebuild = server.client("codebuild")
    arns = {name: make_fleet(server, name)["arn"] for name in ("bravo", "alpha", "charlie")}

    found = codebuild.batch_get_fleets(names=["alpha", arns["bravo"], "nope"])
    first = codebuild.list_fleets(sortBy="NAME", sortOrder="DESCENDING", maxResults=2)
    second = codebuild.list_fleets(
        sortBy="NAME", sortOrder="DESCENDING", maxResults=2, nextToken=first["nextToken"]
    )
    by_creation = codebuild.list_fleets(sortBy="CREATED_TIME")
    bad_token = refused(codebuild.list_fleets, nextToken="not-a-token")

    assert [f["name"] for f in found["fleets"]] == ["alpha", "bravo"]
    assert found["fleetsNotFound"] == ["nope"]
    assert first["fleets"] == [arns["charlie"], arns["bravo"]]
    assert second["fleets"] == [arns["alpha"]]
    assert "nextToken" not in second
    assert by_creation["fleets"] == [arns["bravo"], arns["alpha"], arns["charlie"]]
    assert bad_token[0] == "InvalidInputException"


def test_projects_name_existing_fleets_and_hold_them(server: Server) -> None:
    codebuild = server.client("codebuild")
    fleet = make_fleet(server, "pool")

    project = create(server, "on-pool", environment={**ENVIRONMENT, "fleet": {"fleetArn": "pool"}})
    unknown = refused(
        codebuild.create_project,
        name="elsewhere",
        source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={**ENVIRONMENT, "fleet": {"fleetArn": "missing"}},
        serviceRole=project["serviceRole"],
    )
    update_unknown = refused(
        codebuild.update_project,
        name="on-pool",
        environment={**ENVIRONMENT, "fleet": {"fleetArn": "missing"}},
    )
    in_use = refused(codebuild.delete_fleet, arn=fleet["arn"])

    assert project["environment"]["fleet"] == {"fleetArn": fleet["arn"]}
    assert unknown == ("InvalidInputException", "Invalid fleet: fleet missing does not exist")
    assert update_unknown == unknown
    assert in_use[0] == "InvalidInputException"
    assert "on-pool" in in_use[1]
    assert codebuild.batch_get_fleets(names=["pool"])["fleets"][0]["arn"] == fleet["arn"]

    codebuild.update_project(name="on-pool", environment=ENVIRONMENT)
    codebuild.delete_fleet(arn=fleet["arn"])
    codebuild.delete_fleet(arn=fleet["arn"])  # a missing fleet answers nothing

    assert codebuild.batch_get_fleets(names=["pool"])["fleetsNotFound"] == ["pool"]
    assert "fleet" not in codebuild.batch_get_projects(names=["on-pool"])["projects"][0]["environment"]


def test_a_build_carries_its_fleet_to_the_queue(server: Server) -> None:
    codebuild = server.client("codebuild")
    fleet = make_fleet(server, "pool")
    other = make_fleet(server, "other")
    create(server, "on-pool", environment={**ENVIRONMENT, "fleet": {"fleetArn": fleet["arn"]}})

    build = codebuild.start_build(projectName="on-pool")["build"]
    overridden = codebuild.start_build(projectName="on-pool", fleetOverride={"fleetArn": "other"})["build"]
    unknown = refused(codebuild.start_build, projectName="on-pool", fleetOverride={"fleetArn": "missing"})
    shown = codebuild.batch_get_builds(ids=[build["id"], overridden["id"]])["builds"]
    jobs = dict(stored_rows(server, "SELECT id, fleet FROM work_jobs"))
    for queued in (build, overridden):  # no runner of either fleet: they wait; stop them
        codebuild.stop_build(id=queued["id"])

    assert [b["environment"]["fleet"] for b in shown] == [
        {"fleetArn": fleet["arn"]},
        {"fleetArn": other["arn"]},
    ]
    assert jobs == {build["id"]: fleet["arn"], overridden["id"]: other["arn"]}
    assert unknown == ("InvalidInputException", "Invalid fleet: fleet missing does not exist")


def test_a_runner_cannot_register_into_an_unknown_fleet(server: Server) -> None:
    token = (server.data_dir / "runner-registration-token").read_text().strip()
    make_fleet(server, "pool")
    url = f"{server.endpoint}/_codeyard/v1/work/register"
    headers = {"authorization": f"Bearer {token}"}

    unknown = httpx.post(url, json={"name": "r", "fleet": "missing"}, headers=headers)
    garbled = httpx.post(url, content=b'{"name": "r", "fleet": ', headers=headers)
    joined = httpx.post(url, json={"name": "r", "fleet": "pool"}, headers=headers)
    wrong_token = httpx.post(
        url, json={"name": "r", "fleet": "pool"}, headers={"authorization": "Bearer nope"}
    )

    assert unknown.status_code == 400
    assert unknown.json() == {"__type": "InvalidInputException", "message": "Fleet missing does not exist"}
    assert joined.status_code == 200
    assert FLEET_ARN.fullmatch(joined.json()["fleet"])
    assert wrong_token.status_code == 401
    assert garbled.status_code == 400
    assert garbled.json()["__type"] == "BadRequest"
    fleet = server.client("codebuild").batch_get_fleets(names=["pool"])["fleets"][0]
    assert fleet["status"]["message"] == "1 runner(s) serve this fleet, 1 idle"
    assert "context" not in fleet["status"]


def test_through_the_aws_cli(server: Server) -> None:
    created = server.aws(
        "codebuild",
        "create-fleet",
        "--name",
        "cli-pool",
        "--base-capacity",
        "1",
        "--environment-type",
        "LINUX_CONTAINER",
        "--compute-type",
        "BUILD_GENERAL1_SMALL",
        "--overflow-behavior",
        "ON_DEMAND",
    )
    arn = json.loads(created.stdout)["fleet"]["arn"]
    listed = json.loads(server.aws("codebuild", "list-fleets").stdout)
    got = json.loads(server.aws("codebuild", "batch-get-fleets", "--names", "cli-pool").stdout)
    server.aws("codebuild", "delete-fleet", "--arn", arn)
    missing = server.aws("codebuild", "update-fleet", "--arn", arn, "--base-capacity", "2", check=False)

    assert listed["fleets"] == [arn]
    assert got["fleets"][0]["overflowBehavior"] == "ON_DEMAND"
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr
