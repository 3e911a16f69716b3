"""IAM policies deciding real API calls: query (IAM) and JSON (SSM) protocols, users, groups,
roles, boundaries, and signatures."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import allow, client, deny, document, make_user, trust
from tests.support.server import Server

ACCOUNT = "000000000000"


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


def test_user_without_policies_is_denied_on_both_protocols(server: Server) -> None:
    bob = make_user(server, "bob")
    with pytest.raises(ClientError) as caught:
        bob.client("iam").list_users()
    assert _code(caught) == "AccessDenied"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert caught.value.response["Error"]["Message"] == (
        f"User: {bob.arn} is not authorized to perform: iam:ListUsers on resource: * "
        "because no identity-based policy allows the iam:ListUsers action"
    )
    with pytest.raises(ClientError) as caught:
        bob.client("ssm").describe_parameters()
    assert _code(caught) == "AccessDeniedException"
    assert "ssm:DescribeParameters" in caught.value.response["Error"]["Message"]


def test_attach_allows_then_group_deny_wins_then_detach_denies(server: Server) -> None:
    iam = client(server, "iam")
    bob = make_user(server, "bob")
    bob_iam = bob.client("iam")
    iam.attach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert [u["UserName"] for u in bob_iam.list_users()["Users"]] == ["bob"]
    iam.create_group(GroupName="locked")
    iam.put_group_policy(
        GroupName="locked", PolicyName="no-list", PolicyDocument=document(deny("iam:ListUsers"))
    )
    iam.add_user_to_group(GroupName="locked", UserName="bob")
    with pytest.raises(ClientError) as caught:
        bob_iam.list_users()
    assert _code(caught) == "AccessDenied"
    assert caught.value.response["Error"]["Message"].endswith(
        "on resource: * with an explicit deny in an identity-based policy"
    )
    assert bob_iam.list_groups()["Groups"]  # the rest of the managed policy still applies
    iam.remove_user_from_group(GroupName="locked", UserName="bob")
    assert bob_iam.list_users()["Users"]
    iam.detach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    with pytest.raises(ClientError):
        bob_iam.list_users()


def test_customer_managed_policy_versions_take_effect_at_once(server: Server) -> None:
    iam = client(server, "iam")
    arn = iam.create_policy(PolicyName="p", PolicyDocument=document(allow("iam:ListUsers")))["Policy"]["Arn"]
    bob = make_user(server, "bob")
    iam.attach_user_policy(UserName="bob", PolicyArn=arn)
    bob_iam = bob.client("iam")
    assert bob_iam.list_users()["Users"]
    iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=document(allow("iam:ListGroups")), SetAsDefault=True
    )
    with pytest.raises(ClientError):
        bob_iam.list_users()
    assert bob_iam.list_groups()["Groups"] == []
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    assert bob_iam.list_users()["Users"]


def test_not_action(server: Server) -> None:
    bob = make_user(server, "bob", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert bob.client("ssm").describe_parameters()["Parameters"] == []
    assert bob.client("sts").get_caller_identity()["Arn"] == bob.arn
    with pytest.raises(ClientError) as caught:
        bob.client("iam").list_users()
    assert _code(caught) == "AccessDenied"


def test_resource_wildcards_on_user_arns_and_policy_variables(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="dana", Path="/dev/")
    iam.create_user(UserName="olga", Path="/ops/")
    bob = make_user(
        server,
        "bob",
        allow("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/dev/*"),
        allow(["iam:ListAccessKeys", "iam:GetUser"], f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"),
    )
    bob_iam = bob.client("iam")
    assert bob_iam.get_user(UserName="dana")["User"]["Path"] == "/dev/"
    with pytest.raises(ClientError) as caught:
        bob_iam.get_user(UserName="olga")
    assert _code(caught) == "AccessDenied"
    assert f"on resource: arn:aws:iam::{ACCOUNT}:user/ops/olga" in caught.value.response["Error"]["Message"]
    assert bob_iam.get_user()["User"]["UserName"] == "bob"
    assert bob_iam.list_access_keys()["AccessKeyMetadata"][0]["AccessKeyId"] == bob.key
    with pytest.raises(ClientError):
        bob_iam.list_access_keys(UserName="dana")


def test_conditions_on_the_request(server: Server) -> None:
    bob = make_user(
        server,
        "bob",
        allow("iam:ListUsers", Condition={"StringEquals": {"aws:username": "bob"}}),
        allow("iam:ListGroups", Condition={"StringEquals": {"aws:PrincipalType": "AssumedRole"}}),
    )
    assert bob.client("iam").list_users()["Users"]
    with pytest.raises(ClientError):
        bob.client("iam").list_groups()


def test_permissions_boundary_caps_what_policies_allow(server: Server) -> None:
    iam = client(server, "iam")
    bob = make_user(server, "bob")
    iam.attach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    bob_iam = bob.client("iam")
    bob_iam.create_user(UserName="made-by-bob")
    iam.put_user_permissions_boundary(
        UserName="bob", PermissionsBoundary="arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    )
    assert len(bob_iam.list_users()["Users"]) == 2
    with pytest.raises(ClientError) as caught:
        bob_iam.create_user(UserName="another")
    assert _code(caught) == "AccessDenied"
    with pytest.raises(ClientError):
        bob.client("ssm").describe_parameters()
    iam.delete_user_permissions_boundary(UserName="bob")
    bob_iam.create_user(UserName="another")


def test_assumed_role_acts_with_the_roles_policies(server: Server) -> None:
    iam = client(server, "iam")
    role_arn = iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trust(ACCOUNT))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="reader", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess")
    bob = make_user(server, "bob", allow("sts:AssumeRole", role_arn))
    with pytest.raises(ClientError):
        bob.client("ssm").describe_parameters()
    credentials = bob.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="reading")["Credentials"]
    as_role = client(
        server, "ssm", credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
    )
    assert as_role.describe_parameters()["Parameters"] == []
    with pytest.raises(ClientError) as caught:
        as_role.put_parameter(Name="/x", Value="y", Type="String")
    assert _code(caught) == "AccessDeniedException"
    assert "assumed-role/reader/reading" in caught.value.response["Error"]["Message"]
    iam.detach_role_policy(RoleName="reader", PolicyArn="arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess")
    with pytest.raises(ClientError):
        as_role.describe_parameters()


def test_wrong_secret_key_does_not_match(server: Server) -> None:
    bob = make_user(server, "bob", allow("*"))
    with pytest.raises(ClientError) as caught:
        client(server, "iam", bob.key, "x" * 40).list_users()
    assert _code(caught) == "SignatureDoesNotMatch"
    with pytest.raises(ClientError) as caught:
        client(server, "ssm", bob.key, "x" * 40).describe_parameters()
    assert _code(caught) == "InvalidSignatureException"


def test_cli_denied_and_allowed(server: Server) -> None:
    bob = make_user(server, "bob")
    denied = server.aws("iam", "list-users", key=bob.key, secret=bob.secret, check=False)
    assert denied.returncode != 0
    assert "AccessDenied" in denied.stderr
    client(server, "iam").put_user_policy(
        UserName="bob", PolicyName="p", PolicyDocument=document(allow("iam:List*"))
    )
    listed = json.loads(server.aws("iam", "list-users", key=bob.key, secret=bob.secret).stdout)
    assert [u["UserName"] for u in listed["Users"]] == ["bob"]


def test_strict_server_refuses_inactive_and_deleted_keys(strict_live_server: Server) -> None:
    server = strict_live_server
    name = "u" + uuid.uuid4().hex[:8]
    bob = make_user(server, name, allow("iam:GetUser"))
    assert bob.client("iam").get_user()["User"]["UserName"] == name
    iam = client(server, "iam")
    iam.update_access_key(UserName=name, AccessKeyId=bob.key, Status="Inactive")
    with pytest.raises(ClientError) as caught:
        bob.client("iam").get_user()
    assert _code(caught) == "InvalidClientTokenId"
    iam.update_access_key(UserName=name, AccessKeyId=bob.key, Status="Active")
    assert bob.client("iam").get_user()["User"]["UserName"] == name
    iam.delete_access_key(UserName=name, AccessKeyId=bob.key)
    with pytest.raises(ClientError) as caught:
        bob.client("sts").get_caller_identity()
    assert _code(caught) == "InvalidClientTokenId"


def test_requested_region_and_source_ip_reach_conditions(server: Server) -> None:
    iam = client(server, "iam")
    bob = make_user(server, "bob")
    iam.put_user_policy(
        UserName="bob",
        PolicyName="west-only-from-loopback",
        PolicyDocument=document(
            allow(
                "ssm:DescribeParameters",
                Condition={
                    "StringEquals": {"aws:RequestedRegion": "eu-west-1"},
                    "IpAddress": {"aws:SourceIp": "127.0.0.0/8"},
                },
            )
        ),
    )
    assert "Parameters" in bob.client("ssm", region="eu-west-1").describe_parameters()
    with pytest.raises(ClientError) as caught:
        bob.client("ssm", region="us-east-1").describe_parameters()
    assert _code(caught) == "AccessDeniedException"
