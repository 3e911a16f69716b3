"""Inline policies of users, groups and roles through boto3."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import allow, client, document, trust
from tests.support.server import Server

KINDS = ["user", "group", "role"]


def _owner(server: Server, kind: str) -> dict[str, str]:
    iam = client(server, "iam")
    if kind == "user":
        iam.create_user(UserName="x")
    elif kind == "group":
        iam.create_group(GroupName="x")
    else:
        iam.create_role(RoleName="x", AssumeRolePolicyDocument=trust("000000000000"))
    return {f"{kind.capitalize()}Name": "x"}


@pytest.mark.parametrize("kind", KINDS)
def test_put_get_list_delete(server: Server, kind: str) -> None:
    iam = client(server, "iam")
    owner = _owner(server, kind)
    put, get = getattr(iam, f"put_{kind}_policy"), getattr(iam, f"get_{kind}_policy")
    listed, delete = getattr(iam, f"list_{kind}_policies"), getattr(iam, f"delete_{kind}_policy")
    put(**owner, PolicyName="b", PolicyDocument=document(allow("s3:*")))
    put(**owner, PolicyName="a", PolicyDocument=document(allow("sqs:*")))
    put(**owner, PolicyName="b", PolicyDocument=document(allow("sns:*")))  # replaces
    got = get(**owner, PolicyName="b")
    assert got["PolicyName"] == "b"
    assert got[f"{kind.capitalize()}Name"] == "x"
    assert got["PolicyDocument"] == json.loads(document(allow("sns:*")))
    assert listed(**owner)["PolicyNames"] == ["a", "b"]
    first = listed(**owner, MaxItems=1)
    assert first["PolicyNames"] == ["a"]
    assert listed(**owner, Marker=first["Marker"])["PolicyNames"] == ["b"]
    delete(**owner, PolicyName="a")
    assert listed(**owner)["PolicyNames"] == ["b"]
    with pytest.raises(ClientError) as caught:
        get(**owner, PolicyName="a")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    assert caught.value.response["Error"]["Message"] == f"The {kind} policy with name a cannot be found."
    with pytest.raises(ClientError) as caught:
        delete(**owner, PolicyName="a")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


@pytest.mark.parametrize("kind", KINDS)
def test_malformed_documents_are_refused(server: Server, kind: str) -> None:
    iam = client(server, "iam")
    owner = _owner(server, kind)
    put = getattr(iam, f"put_{kind}_policy")
    cases = {
        "not json": "Syntax errors in policy.",
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}): (
            "Policy statement must contain actions."
        ),
        document({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}): (
            "Policy document should not specify a principal."
        ),
        document(
            allow("GetObject")
        ): "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        document(allow("s3:*", "bucket")): 'Resource bucket must be in ARN format or "*".',
    }
    for text, message in cases.items():
        with pytest.raises(ClientError) as caught:
            put(**owner, PolicyName="p", PolicyDocument=text)
        assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"
        assert caught.value.response["Error"]["Message"] == message


@pytest.mark.parametrize("kind", KINDS)
def test_missing_owner(server: Server, kind: str) -> None:
    iam = client(server, "iam")
    with pytest.raises(ClientError) as caught:
        getattr(iam, f"put_{kind}_policy")(
            **{f"{kind.capitalize()}Name": "ghost"}, PolicyName="p", PolicyDocument=document(allow("s3:*"))
        )
    assert caught.value.response["Error"]["Message"] == f"The {kind} with name ghost cannot be found."
    with pytest.raises(ClientError) as caught:
        getattr(iam, f"list_{kind}_policies")(**{f"{kind.capitalize()}Name": "ghost"})
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_inline_user_policy_size_quota(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="x")
    big = document(*(allow(f"s3:GetObject{i:03d}", f"arn:aws:s3:::bucket-{i}/*") for i in range(60)))
    with pytest.raises(ClientError) as caught:
        iam.put_user_policy(UserName="x", PolicyName="p", PolicyDocument=big)
    assert caught.value.response["Error"]["Code"] == "LimitExceeded"
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust("000000000000"))
    iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=big)  # roles allow 10240
