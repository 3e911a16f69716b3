"""Access keys through boto3 and the aws CLI: create, list, status, delete, last use."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import allow, client, make_user
from tests.support.server import ROOT_KEY, Server


def test_create_access_key_signs_as_the_user(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA")
    assert len(key["AccessKeyId"]) == 20
    assert len(key["SecretAccessKey"]) == 40
    assert key["Status"] == "Active"
    assert key["UserName"] == "alice"
    identity = client(
        server, "sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"]
    ).get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::000000000000:user/alice"


def test_two_keys_at_most(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    iam.create_access_key(UserName="alice")
    iam.create_access_key(UserName="alice")
    with pytest.raises(ClientError) as caught:
        iam.create_access_key(UserName="alice")
    assert caught.value.response["Error"]["Code"] == "LimitExceeded"
    assert caught.value.response["Error"]["Message"] == "Cannot exceed quota for AccessKeysPerUser: 2"
    assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2


def test_list_access_keys(server: Server) -> None:
    alice = make_user(server, "alice", allow("iam:ListAccessKeys"))
    listed = client(server, "iam").list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert [(k["UserName"], k["AccessKeyId"], k["Status"]) for k in listed] == [
        ("alice", alice.key, "Active")
    ]
    # Without a user name, a user lists its own keys and the root user the root keys.
    own = alice.client("iam").list_access_keys()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in own] == [alice.key]
    roots = client(server, "iam").list_access_keys()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in roots] == [ROOT_KEY]
    with pytest.raises(ClientError) as caught:
        client(server, "iam").list_access_keys(UserName="ghost")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_inactive_key_is_refused_then_works_again(server: Server) -> None:
    alice = make_user(server, "alice")
    iam = client(server, "iam")
    iam.update_access_key(UserName="alice", AccessKeyId=alice.key, Status="Inactive")
    assert iam.list_access_keys(UserName="alice")["AccessKeyMetadata"][0]["Status"] == "Inactive"
    # In test mode an unknown (or inactive) key signs as root: the strict server shows the refusal.
    assert alice.client("sts").get_caller_identity()["Arn"].endswith(":root")
    iam.update_access_key(UserName="alice", AccessKeyId=alice.key, Status="Active")
    assert alice.client("sts").get_caller_identity()["Arn"] == alice.arn


def test_delete_access_key(server: Server) -> None:
    alice = make_user(server, "alice")
    iam = client(server, "iam")
    with pytest.raises(ClientError) as caught:
        iam.delete_access_key(UserName="bob", AccessKeyId=alice.key)
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    iam.delete_access_key(UserName="alice", AccessKeyId=alice.key)
    assert iam.list_access_keys(UserName="alice")["AccessKeyMetadata"] == []
    with pytest.raises(ClientError) as caught:
        iam.delete_access_key(UserName="alice", AccessKeyId=alice.key)
    assert caught.value.response["Error"]["Message"] == f"The Access Key with id {alice.key} cannot be found."
    with pytest.raises(ClientError) as caught:
        iam.update_access_key(UserName="alice", AccessKeyId=alice.key, Status="Active")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_access_key_last_used(server: Server) -> None:
    alice = make_user(server, "alice")
    iam = client(server, "iam")
    unused = iam.get_access_key_last_used(AccessKeyId=alice.key)
    assert unused["UserName"] == "alice"
    assert unused["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}
    alice.client("sts", region="eu-west-1").get_caller_identity()
    used = iam.get_access_key_last_used(AccessKeyId=alice.key)["AccessKeyLastUsed"]
    assert used["ServiceName"] == "sts"
    assert used["Region"] == "eu-west-1"
    assert "LastUsedDate" in used
    with pytest.raises(ClientError) as caught:
        iam.get_access_key_last_used(AccessKeyId="AKIADOESNOTEXIST0000")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_root_can_make_more_root_keys(server: Server) -> None:
    iam = client(server, "iam")
    key = iam.create_access_key()["AccessKey"]
    assert "UserName" not in key
    sts = client(server, "sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"


def test_wrong_secret_is_refused(server: Server) -> None:
    alice = make_user(server, "alice")
    with pytest.raises(ClientError) as caught:
        client(server, "sts", key=alice.key, secret="not-the-secret").get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_cli_create_access_key_and_get_caller_identity(server: Server) -> None:
    server.aws("iam", "create-user", "--user-name", "cli-user")
    created = json.loads(server.aws("iam", "create-access-key", "--user-name", "cli-user").stdout)[
        "AccessKey"
    ]
    assert created["UserName"] == "cli-user"
    identity = json.loads(
        server.aws(
            "sts", "get-caller-identity", key=created["AccessKeyId"], secret=created["SecretAccessKey"]
        ).stdout
    )
    assert identity["Arn"] == "arn:aws:iam::000000000000:user/cli-user"
    assert identity["UserId"].startswith("AIDA")
