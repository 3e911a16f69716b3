"""IAM roles through boto3: trust policies, settings, tags, boundaries, deletion."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import allow, client, document, trust
from tests.support.server import Server

ACCOUNT = "000000000000"


def test_create_get_list_roles(server: Server) -> None:
    iam = client(server, "iam")
    created = iam.create_role(
        RoleName="builder",
        Path="/ci/",
        AssumeRolePolicyDocument=trust(ACCOUNT),
        Description="runs builds",
        MaxSessionDuration=7200,
        Tags=[{"Key": "team", "Value": "ci"}],
    )["Role"]
    assert created["Arn"] == "arn:aws:iam::000000000000:role/ci/builder"
    assert created["RoleId"].startswith("AROA")
    assert created["AssumeRolePolicyDocument"] == json.loads(trust(ACCOUNT))
    got = iam.get_role(RoleName="builder")["Role"]
    assert got["Description"] == "runs builds"
    assert got["MaxSessionDuration"] == 7200
    assert got["Tags"] == [{"Key": "team", "Value": "ci"}]
    assert got["RoleLastUsed"] == {}
    iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=trust(ACCOUNT))
    listed = iam.list_roles()["Roles"]
    assert [r["RoleName"] for r in listed] == ["auditor", "builder"]
    assert listed[0]["MaxSessionDuration"] == 3600
    assert "Tags" not in listed[1]
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/ci/")["Roles"]] == ["builder"]


def test_role_errors(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_role(RoleName="builder", AssumeRolePolicyDocument=trust(ACCOUNT))
    with pytest.raises(ClientError) as caught:
        iam.create_role(RoleName="builder", AssumeRolePolicyDocument=trust(ACCOUNT))
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert caught.value.response["Error"]["Message"] == "Role with name builder already exists."
    with pytest.raises(ClientError) as caught:
        iam.get_role(RoleName="ghost")
    assert caught.value.response["Error"]["Message"] == "The role with name ghost cannot be found."


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (document(allow("sts:AssumeRole")), "Has prohibited field Resource."),
        (
            json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
            ),
            "Missing required field Principal.",
        ),
        (
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "s3:GetObject"}
                    ],
                }
            ),
            "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and "
            "sts:AssumeRoleWithWebIdentity",
        ),
        (
            trust("arn:aws:iam::000000000000:user/ghost"),
            'Invalid principal in policy: "AWS":"arn:aws:iam::000000000000:user/ghost"',
        ),
        (trust("not-a-principal"), 'Invalid principal in policy: "AWS":"not-a-principal"'),
        ("{", "Syntax errors in policy."),
    ],
)
def test_bad_trust_policies(server: Server, policy: str, message: str) -> None:
    with pytest.raises(ClientError) as caught:
        client(server, "iam").create_role(RoleName="r", AssumeRolePolicyDocument=policy)
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"
    assert caught.value.response["Error"]["Message"] == message


def test_trust_policy_may_name_existing_users_and_services(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust("arn:aws:iam::000000000000:user/alice"))
    service = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "codebuild.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    iam.create_role(RoleName="service", AssumeRolePolicyDocument=service)
    assert {r["RoleName"] for r in iam.list_roles()["Roles"]} == {"r", "service"}


def test_update_role_and_trust_policy(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ACCOUNT), Description="old")
    iam.update_role(RoleName="r", Description="new", MaxSessionDuration=43200)
    role = iam.get_role(RoleName="r")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("new", 43200)
    described = iam.update_role_description(RoleName="r", Description="newer")["Role"]
    assert described["Description"] == "newer"
    iam.update_assume_role_policy(RoleName="r", PolicyDocument=trust("*"))
    assert iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "AWS": "*"
    }
    with pytest.raises(ClientError) as caught:
        iam.update_assume_role_policy(RoleName="r", PolicyDocument=document(allow("sts:AssumeRole")))
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"
    with pytest.raises(ClientError) as caught:
        iam.update_role(RoleName="ghost", Description="x")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_delete_role(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ACCOUNT))
    iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=document(allow("s3:*")))
    with pytest.raises(ClientError) as caught:
        iam.delete_role(RoleName="r")
    assert caught.value.response["Error"]["Message"] == "Cannot delete entity, must delete policies first."
    iam.delete_role_policy(RoleName="r", PolicyName="p")
    iam.attach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    with pytest.raises(ClientError) as caught:
        iam.delete_role(RoleName="r")
    assert (
        caught.value.response["Error"]["Message"] == "Cannot delete entity, must detach all policies first."
    )
    iam.detach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.delete_role(RoleName="r")
    assert iam.list_roles()["Roles"] == []


def test_role_tags_and_boundary(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ACCOUNT))
    iam.tag_role(RoleName="r", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_role(RoleName="r", TagKeys=["a"])
    assert iam.list_role_tags(RoleName="r")["Tags"] == [{"Key": "b", "Value": "2"}]
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.put_role_permissions_boundary(RoleName="r", PermissionsBoundary=arn)
    assert iam.get_role(RoleName="r")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == arn
    iam.delete_role_permissions_boundary(RoleName="r")
    assert "PermissionsBoundary" not in iam.get_role(RoleName="r")["Role"]
