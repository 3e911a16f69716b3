"""IAM groups and their members through boto3."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import allow, client, document
from tests.support.server import Server


def test_group_lifecycle(server: Server) -> None:
    iam = client(server, "iam")
    group = iam.create_group(GroupName="devs", Path="/eng/")["Group"]
    assert group["Arn"] == "arn:aws:iam::000000000000:group/eng/devs"
    assert group["GroupId"].startswith("AGPA")
    iam.create_user(UserName="bob")
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="devs", UserName="bob")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.add_user_to_group(GroupName="devs", UserName="alice")  # adding twice changes nothing
    got = iam.get_group(GroupName="devs")
    assert got["Group"]["GroupId"] == group["GroupId"]
    assert [u["UserName"] for u in got["Users"]] == ["alice", "bob"]
    page = iam.get_group(GroupName="devs", MaxItems=1)
    assert [u["UserName"] for u in page["Users"]] == ["alice"]
    assert page["IsTruncated"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="bob")["Groups"]] == ["devs"]
    iam.remove_user_from_group(GroupName="devs", UserName="bob")
    assert iam.list_groups_for_user(UserName="bob")["Groups"] == []
    with pytest.raises(ClientError) as caught:
        iam.remove_user_from_group(GroupName="devs", UserName="bob")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_list_groups(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_group(GroupName="ops", Path="/ops/")
    iam.create_group(GroupName="devs")
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["devs", "ops"]
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/ops/")["Groups"]] == ["ops"]


def test_group_errors(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_group(GroupName="devs")
    with pytest.raises(ClientError) as caught:
        iam.create_group(GroupName="devs")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"
    with pytest.raises(ClientError) as caught:
        iam.get_group(GroupName="nope")
    assert caught.value.response["Error"]["Message"] == "The group with name nope cannot be found."
    with pytest.raises(ClientError) as caught:
        iam.add_user_to_group(GroupName="devs", UserName="ghost")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as caught:
        iam.list_groups_for_user(UserName="ghost")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_update_group_renames_members_and_policies(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_group(GroupName="devs")
    iam.create_user(UserName="bob")
    iam.add_user_to_group(GroupName="devs", UserName="bob")
    iam.put_group_policy(GroupName="devs", PolicyName="p", PolicyDocument=document(allow("s3:*")))
    iam.attach_group_policy(GroupName="devs", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.update_group(GroupName="devs", NewGroupName="builders", NewPath="/b/")
    group = iam.get_group(GroupName="builders")
    assert group["Group"]["Arn"] == "arn:aws:iam::000000000000:group/b/builders"
    assert [u["UserName"] for u in group["Users"]] == ["bob"]
    assert iam.list_group_policies(GroupName="builders")["PolicyNames"] == ["p"]
    assert len(iam.list_attached_group_policies(GroupName="builders")["AttachedPolicies"]) == 1
    iam.create_group(GroupName="other")
    with pytest.raises(ClientError) as caught:
        iam.update_group(GroupName="other", NewGroupName="builders")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"


def test_delete_group_conflicts_then_succeeds(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_group(GroupName="devs")
    iam.create_user(UserName="bob")
    iam.add_user_to_group(GroupName="devs", UserName="bob")
    with pytest.raises(ClientError) as caught:
        iam.delete_group(GroupName="devs")
    assert (
        caught.value.response["Error"]["Message"]
        == "Cannot delete entity, must remove users from group first."
    )
    iam.remove_user_from_group(GroupName="devs", UserName="bob")
    iam.put_group_policy(GroupName="devs", PolicyName="p", PolicyDocument=document(allow("s3:*")))
    with pytest.raises(ClientError) as caught:
        iam.delete_group(GroupName="devs")
    assert caught.value.response["Error"]["Message"] == "Cannot delete entity, must delete policies first."
    iam.delete_group_policy(GroupName="devs", PolicyName="p")
    iam.attach_group_policy(GroupName="devs", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    with pytest.raises(ClientError) as caught:
        iam.delete_group(GroupName="devs")
    assert (
        caught.value.response["Error"]["Message"] == "Cannot delete entity, must detach all policies first."
    )
    iam.detach_group_policy(GroupName="devs", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.delete_group(GroupName="devs")
    assert iam.list_groups()["Groups"] == []


def test_groups_per_user_limit(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="bob")
    for i in range(10):
        iam.create_group(GroupName=f"g{i}")
        iam.add_user_to_group(GroupName=f"g{i}", UserName="bob")
    iam.create_group(GroupName="g10")
    with pytest.raises(ClientError) as caught:
        iam.add_user_to_group(GroupName="g10", UserName="bob")
    assert caught.value.response["Error"]["Code"] == "LimitExceeded"
