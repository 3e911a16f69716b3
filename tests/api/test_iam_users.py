"""IAM users through boto3 and the aws CLI: create, read, list, rename, delete, tags, boundaries."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import allow, client, document, make_user, rsa_public_key
from tests.support.server import Server


def test_create_and_get_user(server: Server) -> None:
    iam = client(server, "iam")
    created = iam.create_user(UserName="alice", Path="/team/", Tags=[{"Key": "team", "Value": "red"}])["User"]
    assert created["Arn"] == "arn:aws:iam::000000000000:user/team/alice"
    assert created["UserId"].startswith("AIDA")
    assert len(created["UserId"]) == 21
    assert created["Path"] == "/team/"
    assert created["Tags"] == [{"Key": "team", "Value": "red"}]
    fetched = iam.get_user(UserName="alice")["User"]
    assert fetched["UserId"] == created["UserId"]
    assert fetched["CreateDate"] == created["CreateDate"]


def test_create_user_twice_is_a_conflict(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    with pytest.raises(ClientError) as caught:
        iam.create_user(UserName="alice")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert caught.value.response["Error"]["Message"] == "User with name alice already exists."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_get_missing_user(server: Server) -> None:
    with pytest.raises(ClientError) as caught:
        client(server, "iam").get_user(UserName="nobody")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    assert caught.value.response["Error"]["Message"] == "The user with name nobody cannot be found."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_get_user_without_name_is_the_caller(server: Server) -> None:
    root = client(server, "iam").get_user()["User"]
    assert root["Arn"] == "arn:aws:iam::000000000000:root"
    assert root["UserId"] == "000000000000"
    assert "UserName" not in root
    bob = make_user(server, "bob", allow("iam:GetUser"))
    me = bob.client("iam").get_user()["User"]
    assert me["UserName"] == "bob"
    assert me["Arn"] == bob.arn


def test_list_users_with_path_prefix_and_pages(server: Server) -> None:
    iam = client(server, "iam")
    for name in ("carol", "alice", "dave", "bob"):
        iam.create_user(UserName=name, Path="/eng/" if name in ("alice", "dave") else "/")
    everyone = iam.list_users()
    assert [u["UserName"] for u in everyone["Users"]] == ["alice", "bob", "carol", "dave"]
    assert everyone["IsTruncated"] is False
    assert "Tags" not in everyone["Users"][0]
    engineers = iam.list_users(PathPrefix="/eng/")["Users"]
    assert [u["UserName"] for u in engineers] == ["alice", "dave"]
    first = iam.list_users(MaxItems=3)
    assert [u["UserName"] for u in first["Users"]] == ["alice", "bob", "carol"]
    assert first["IsTruncated"] is True
    rest = iam.list_users(MaxItems=3, Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == ["dave"]
    assert rest["IsTruncated"] is False
    paged = [
        u["UserName"]
        for p in iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 1})
        for u in p["Users"]
    ]
    assert paged == ["alice", "bob", "carol", "dave"]


def test_list_users_bad_marker(server: Server) -> None:
    with pytest.raises(ClientError) as caught:
        client(server, "iam").list_users(Marker="!!!not-a-marker")
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


def test_update_user_renames_and_moves_everything(server: Server) -> None:
    iam = client(server, "iam")
    alice = make_user(server, "alice", allow("iam:GetUser"))
    iam.create_group(GroupName="devs")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.update_user(UserName="alice", NewUserName="alicia", NewPath="/ops/")
    renamed = iam.get_user(UserName="alicia")["User"]
    assert renamed["Arn"] == "arn:aws:iam::000000000000:user/ops/alicia"
    with pytest.raises(ClientError):
        iam.get_user(UserName="alice")
    assert iam.list_user_policies(UserName="alicia")["PolicyNames"] == ["inline"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alicia")["Groups"]] == ["devs"]
    assert iam.list_access_keys(UserName="alicia")["AccessKeyMetadata"][0]["AccessKeyId"] == alice.key
    # The key still signs, now as the renamed user, with the moved policy.
    assert alice.client("iam").get_user()["User"]["UserName"] == "alicia"


def test_update_user_to_a_taken_name(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="a")
    iam.create_user(UserName="b")
    with pytest.raises(ClientError) as caught:
        iam.update_user(UserName="a", NewUserName="b")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"


@pytest.mark.parametrize(
    ("blocker", "message"),
    [
        ("login", "Cannot delete entity, must delete login profile first."),
        ("key", "Cannot delete entity, must delete access keys first."),
        ("inline", "Cannot delete entity, must delete policies first."),
        ("attached", "Cannot delete entity, must detach all policies first."),
        ("group", "Cannot delete entity, must remove users from group first."),
        ("ssh", "Cannot delete entity, must delete SSH public keys first."),
        ("git", "Cannot delete entity, must delete service specific credentials first."),
    ],
)
def test_delete_user_with_dependents_is_refused(server: Server, blocker: str, message: str) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    if blocker == "login":
        iam.create_login_profile(UserName="alice", Password="Corr3ct-Horse")
    elif blocker == "key":
        iam.create_access_key(UserName="alice")
    elif blocker == "inline":
        iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=document(allow("s3:*")))
    elif blocker == "attached":
        iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    elif blocker == "group":
        iam.create_group(GroupName="g")
        iam.add_user_to_group(GroupName="g", UserName="alice")
    elif blocker == "ssh":
        iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=rsa_public_key())
    else:
        iam.create_service_specific_credential(UserName="alice", ServiceName="codecommit.amazonaws.com")
    with pytest.raises(ClientError) as caught:
        iam.delete_user(UserName="alice")
    assert caught.value.response["Error"]["Code"] == "DeleteConflict"
    assert caught.value.response["Error"]["Message"] == message
    assert iam.get_user(UserName="alice")["User"]["UserName"] == "alice"


def test_delete_user(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    iam.delete_user(UserName="alice")
    assert iam.list_users()["Users"] == []
    with pytest.raises(ClientError) as caught:
        iam.delete_user(UserName="alice")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_user_tags(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "red"}])
    iam.tag_user(UserName="alice", Tags=[{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": "42"}])
    assert iam.list_user_tags(UserName="alice")["Tags"] == [
        {"Key": "cost", "Value": "42"},
        {"Key": "team", "Value": "blue"},
    ]
    iam.untag_user(UserName="alice", TagKeys=["team"])
    assert iam.list_user_tags(UserName="alice")["Tags"] == [{"Key": "cost", "Value": "42"}]
    with pytest.raises(ClientError) as caught:
        iam.tag_user(UserName="alice", Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}])
    assert caught.value.response["Error"]["Code"] == "InvalidInput"
    with pytest.raises(ClientError) as caught:
        iam.tag_user(UserName="alice", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert caught.value.response["Error"]["Code"] == "LimitExceeded"
    with pytest.raises(ClientError) as caught:
        iam.tag_user(UserName="nobody", Tags=[{"Key": "a", "Value": "b"}])
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_user_permissions_boundary(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    arn = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=arn)
    assert iam.get_user(UserName="alice")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": arn,
    }
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] == 1
    iam.delete_user_permissions_boundary(UserName="alice")
    assert "PermissionsBoundary" not in iam.get_user(UserName="alice")["User"]
    with pytest.raises(ClientError) as caught:
        iam.put_user_permissions_boundary(
            UserName="alice", PermissionsBoundary="arn:aws:iam::000000000000:policy/nope"
        )
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_model_validation_of_user_names(server: Server) -> None:
    with pytest.raises(ClientError) as caught:
        client(server, "iam").create_user(UserName="bad name!")
    assert caught.value.response["Error"]["Code"] == "ValidationError"


def test_cli_create_and_list_users(server: Server) -> None:
    created = json.loads(
        server.aws("iam", "create-user", "--user-name", "cli-user", "--path", "/cli/").stdout
    )
    assert created["User"]["Arn"] == "arn:aws:iam::000000000000:user/cli/cli-user"
    listed = json.loads(server.aws("iam", "list-users").stdout)
    assert [u["UserName"] for u in listed["Users"]] == ["cli-user"]
    failed = server.aws("iam", "create-user", "--user-name", "cli-user", check=False)
    assert failed.returncode != 0
    assert "EntityAlreadyExists" in failed.stderr


def test_names_are_unique_regardless_of_case(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="John")
    with pytest.raises(ClientError) as caught:
        iam.create_user(UserName="john")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"
    iam.create_user(UserName="mary")
    with pytest.raises(ClientError) as caught:
        iam.update_user(UserName="mary", NewUserName="JOHN")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"
    iam.update_user(UserName="John", NewUserName="john")  # its own name in another case
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["john", "mary"]
    iam.create_group(GroupName="Devs")
    with pytest.raises(ClientError):
        iam.create_group(GroupName="DEVS")
    iam.create_policy(PolicyName="Deploy", PolicyDocument=document(allow("s3:*")))
    with pytest.raises(ClientError):
        iam.create_policy(PolicyName="deploy", PolicyDocument=document(allow("s3:*")))
