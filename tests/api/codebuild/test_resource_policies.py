"""Resource policies of projects and report groups, and the lists of the resources they share."""

from __future__ import annotations

import json

from tests.api.codebuild.support import ACCOUNT, arn, create, refused
from tests.support.server import Server

GROUP_ARN = f"arn:aws:codebuild:us-east-1:{ACCOUNT}:report-group/tests"


def _policy(resource: str, principal: object | None = None) -> str:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Action": ["codebuild:BatchGetProjects", "codebuild:BatchGetBuilds"],
        "Resource": resource,
    }
    if principal is not None:
        statement["Principal"] = principal
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_put_get_and_delete_a_project_policy(server: Server) -> None:
    codebuild = server.client("codebuild")
    create(server, "shared")
    policy = _policy(arn("shared"), {"AWS": "arn:aws:iam::111122223333:root"})

    put = codebuild.put_resource_policy(policy=policy, resourceArn=arn("shared"))
    got = codebuild.get_resource_policy(resourceArn=arn("shared"))
    codebuild.delete_resource_policy(resourceArn=arn("shared"))

    assert put["resourceArn"] == arn("shared")
    assert got["policy"] == policy
    code, _ = refused(codebuild.get_resource_policy, resourceArn=arn("shared"))
    assert code == "ResourceNotFoundException"
    codebuild.delete_resource_policy(resourceArn=arn("shared"))  # nothing left: still no error


def test_the_resource_must_exist_and_the_policy_be_a_policy(server: Server) -> None:
    codebuild = server.client("codebuild")
    create(server, "pp")
    for params in (
        {"policy": _policy(arn("missing")), "resourceArn": arn("missing")},
        {"policy": _policy(GROUP_ARN), "resourceArn": GROUP_ARN},
        {"policy": _policy(arn("pp")), "resourceArn": arn("pp").replace("us-east-1", "eu-west-1")},
    ):
        assert refused(codebuild.put_resource_policy, **params)[0] == "ResourceNotFoundException"
    for bad in ("{not json", "[]", json.dumps({"Statement": [{"Effect": "Maybe", "Action": "x:y"}]})):
        code, message = refused(codebuild.put_resource_policy, policy=bad, resourceArn=arn("pp"))
        assert code == "InvalidInputException"
        assert "policy" in message
    assert refused(codebuild.put_resource_policy, policy=_policy("*"), resourceArn="pp")[0] == (
        "InvalidInputException"
    )
    assert refused(codebuild.get_resource_policy, resourceArn=arn("pp"))[0] == "ResourceNotFoundException"


def test_deleting_a_project_or_report_group_deletes_its_policy(server: Server) -> None:
    codebuild = server.client("codebuild")
    create(server, "again")
    codebuild.put_resource_policy(policy=_policy(arn("again"), "*"), resourceArn=arn("again"))
    codebuild.delete_project(name="again")
    create(server, "again")
    assert refused(codebuild.get_resource_policy, resourceArn=arn("again"))[0] == "ResourceNotFoundException"
    groups = {"type": "TEST", "exportConfig": {"exportConfigType": "NO_EXPORT"}}
    codebuild.create_report_group(name="tests", **groups)
    codebuild.put_resource_policy(policy=_policy(GROUP_ARN, "*"), resourceArn=GROUP_ARN)
    codebuild.delete_report_group(arn=GROUP_ARN)
    codebuild.create_report_group(name="tests", **groups)
    assert refused(codebuild.get_resource_policy, resourceArn=GROUP_ARN)[0] == "ResourceNotFoundException"
    assert codebuild.list_shared_projects()["projects"] == []


def test_shared_lists_hold_the_resources_whose_policy_allows_a_principal(server: Server) -> None:
    codebuild = server.client("codebuild")
    for name in ("b-other", "a-account", "c-private"):
        create(server, name)
    codebuild.create_report_group(name="tests", type="TEST", exportConfig={"exportConfigType": "NO_EXPORT"})
    codebuild.put_resource_policy(
        policy=_policy(arn("b-other"), {"AWS": ["arn:aws:iam::111122223333:root"]}),
        resourceArn=arn("b-other"),
    )
    codebuild.put_resource_policy(
        policy=_policy(arn("a-account"), {"AWS": "*"}), resourceArn=arn("a-account")
    )
    codebuild.put_resource_policy(policy=_policy(arn("c-private")), resourceArn=arn("c-private"))
    codebuild.put_resource_policy(
        policy=_policy(GROUP_ARN, {"AWS": "arn:aws:iam::111122223333:user/reader"}), resourceArn=GROUP_ARN
    )

    by_arn = codebuild.list_shared_projects()["projects"]
    newest_first = codebuild.list_shared_projects(sortBy="MODIFIED_TIME", sortOrder="DESCENDING")["projects"]
    first = codebuild.list_shared_projects(maxResults=1)
    second = codebuild.list_shared_projects(maxResults=1, nextToken=first["nextToken"])
    groups = codebuild.list_shared_report_groups()["reportGroups"]

    assert by_arn == [arn("a-account"), arn("b-other")]  # c-private names no principal: not shared
    assert newest_first == [arn("a-account"), arn("b-other")]
    assert (first["projects"], second["projects"], "nextToken" in second) == (
        [arn("a-account")],
        [arn("b-other")],
        False,
    )
    assert groups == [GROUP_ARN]
    code, _ = refused(codebuild.list_shared_projects, nextToken=first["nextToken"], sortOrder="DESCENDING")
    assert code == "InvalidInputException"


def test_through_the_aws_cli(server: Server) -> None:
    create(server, "cli-shared")
    policy = _policy(arn("cli-shared"), {"AWS": "arn:aws:iam::111122223333:root"})
    put = json.loads(
        server.aws(
            "codebuild", "put-resource-policy", "--resource-arn", arn("cli-shared"), "--policy", policy
        ).stdout
    )
    got = json.loads(
        server.aws("codebuild", "get-resource-policy", "--resource-arn", arn("cli-shared")).stdout
    )
    shared = json.loads(server.aws("codebuild", "list-shared-projects").stdout)
    assert put["resourceArn"] == arn("cli-shared")
    assert json.loads(got["policy"]) == json.loads(policy)
    assert shared["projects"] == [arn("cli-shared")]
    server.aws("codebuild", "delete-resource-policy", "--resource-arn", arn("cli-shared"))
    assert json.loads(server.aws("codebuild", "list-shared-projects").stdout)["projects"] == []


def test_delete_leaves_the_policies_of_other_regions_and_accounts(server: Server) -> None:
    codebuild = server.client("codebuild")
    create(server, "regional")
    policy = _policy(arn("regional"), "*")
    codebuild.put_resource_policy(policy=policy, resourceArn=arn("regional"))

    elsewhere = server.client("codebuild", region_name="eu-west-1")
    elsewhere.delete_resource_policy(resourceArn=arn("regional"))  # an ARN of us-east-1: not this region's
    other_account = arn("regional").replace(ACCOUNT, "111122223333")
    codebuild.delete_resource_policy(resourceArn=other_account)

    assert codebuild.get_resource_policy(resourceArn=arn("regional"))["policy"] == policy
    assert codebuild.list_shared_projects()["projects"] == [arn("regional")]
