"""Managed policies, their versions and attachments through boto3."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import allow, client, deny, document
from tests.support.server import Server

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _policy(server: Server, name: str = "deploy", path: str = "/") -> str:
    created = client(server, "iam").create_policy(
        PolicyName=name, Path=path, PolicyDocument=document(allow("s3:*")), Description="ship it"
    )
    return str(created["Policy"]["Arn"])


def test_create_and_get_policy(server: Server) -> None:
    iam = client(server, "iam")
    created = iam.create_policy(
        PolicyName="deploy",
        Path="/ci/",
        PolicyDocument=document(allow("codebuild:StartBuild")),
        Description="ship it",
        Tags=[{"Key": "team", "Value": "ci"}],
    )["Policy"]
    assert created["Arn"] == "arn:aws:iam::000000000000:policy/ci/deploy"
    assert created["PolicyId"].startswith("ANPA")
    assert created["DefaultVersionId"] == "v1"
    assert created["AttachmentCount"] == 0
    assert created["IsAttachable"] is True
    fetched = iam.get_policy(PolicyArn=created["Arn"])["Policy"]
    assert fetched["Description"] == "ship it"
    assert fetched["Tags"] == [{"Key": "team", "Value": "ci"}]
    version = iam.get_policy_version(PolicyArn=created["Arn"], VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(document(allow("codebuild:StartBuild")))
    assert version["IsDefaultVersion"] is True


def test_policy_document_travels_url_encoded(server: Server) -> None:
    """AWS URL-encodes policy documents in responses; botocore decodes them. Check the raw XML."""
    arn = _policy(server)
    fresh = server.client("iam")  # a client of its own: the hook below must not outlive the test
    raw: dict[str, bytes] = {}
    fresh.meta.events.register(
        "after-call.iam.GetPolicyVersion", lambda http_response, **_: raw.update(body=http_response.content)
    )
    fresh.get_policy_version(PolicyArn=arn, VersionId="v1")
    assert b"<Document>%7B%22Version%22%3A%20%222012-10-17%22" in raw["body"]


def test_create_policy_errors(server: Server) -> None:
    iam = client(server, "iam")
    _policy(server)
    with pytest.raises(ClientError) as caught:
        iam.create_policy(PolicyName="deploy", Path="/other/", PolicyDocument=document(allow("s3:*")))
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert caught.value.response["Error"]["Message"] == (
        "A policy called deploy already exists. Duplicate names are not allowed."
    )
    with pytest.raises(ClientError) as caught:
        iam.create_policy(PolicyName="bad", PolicyDocument='{"Version": "2012-10-17", "Statement": [}')
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"
    assert caught.value.response["Error"]["Message"] == "Syntax errors in policy."
    with pytest.raises(ClientError) as caught:
        iam.create_policy(
            PolicyName="bad",
            PolicyDocument=json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}),
        )
    assert caught.value.response["Error"]["Message"] == "Policy statement must contain resources."
    huge = document(*(allow(f"s3:GetObject{i:04d}", f"arn:aws:s3:::bucket-{i}/*") for i in range(200)))
    with pytest.raises(ClientError) as caught:
        iam.create_policy(PolicyName="huge", PolicyDocument=huge)
    assert caught.value.response["Error"]["Code"] == "LimitExceeded"
    with pytest.raises(ClientError) as caught:
        iam.get_policy(PolicyArn="arn:aws:iam::000000000000:policy/missing")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    assert (
        caught.value.response["Error"]["Message"]
        == "Policy arn:aws:iam::000000000000:policy/missing was not found."
    )


def test_policy_versions(server: Server) -> None:
    iam = client(server, "iam")
    arn = _policy(server)
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=document(allow("s3:GetObject")))[
        "PolicyVersion"
    ]
    assert v2["VersionId"] == "v2"
    assert v2["IsDefaultVersion"] is False
    v3 = iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=document(allow("s3:PutObject")), SetAsDefault=True
    )
    assert v3["PolicyVersion"]["IsDefaultVersion"] is True
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    listed = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in listed] == [
        ("v3", True),
        ("v2", False),
        ("v1", False),
    ]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=document(allow("s3:A")))
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=document(allow("s3:B")))
    with pytest.raises(ClientError) as caught:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=document(allow("s3:C")))
    assert caught.value.response["Error"]["Code"] == "LimitExceeded"
    with pytest.raises(ClientError) as caught:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert caught.value.response["Error"]["Message"] == "Cannot delete the default version of a policy."
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == [
        "v5",
        "v4",
        "v2",
        "v1",
    ]
    created = iam.create_policy_version(PolicyArn=arn, PolicyDocument=document(allow("s3:D")))
    assert created["PolicyVersion"]["VersionId"] == "v6"
    for call, kwargs in (
        (iam.get_policy_version, {"VersionId": "v3"}),
        (iam.delete_policy_version, {"VersionId": "v3"}),
        (iam.set_default_policy_version, {"VersionId": "v3"}),
    ):
        with pytest.raises(ClientError) as caught:
            call(PolicyArn=arn, **kwargs)
        assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_delete_policy(server: Server) -> None:
    iam = client(server, "iam")
    arn = _policy(server)
    iam.create_user(UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    with pytest.raises(ClientError) as caught:
        iam.delete_policy(PolicyArn=arn)
    assert caught.value.response["Error"]["Message"] == "Cannot delete a policy attached to entities."
    iam.detach_user_policy(UserName="alice", PolicyArn=arn)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=document(allow("s3:GetObject")))
    with pytest.raises(ClientError) as caught:
        iam.delete_policy(PolicyArn=arn)
    assert caught.value.response["Error"]["Code"] == "DeleteConflict"
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as caught:
        iam.get_policy(PolicyArn=arn)
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_aws_managed_policies(server: Server) -> None:
    iam = client(server, "iam")
    policy = iam.get_policy(PolicyArn=ADMIN)["Policy"]
    assert policy["PolicyName"] == "AdministratorAccess"
    assert policy["PolicyId"].startswith("ANPA")
    version = iam.get_policy_version(PolicyArn=ADMIN, VersionId="v1")["PolicyVersion"]
    assert version["Document"]["Statement"][0]["Action"] == ["*"]
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=ADMIN)["Versions"]] == ["v1"]
    with pytest.raises(ClientError) as caught:
        iam.create_policy_version(PolicyArn=ADMIN, PolicyDocument=document(allow("s3:*")))
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as caught:
        iam.delete_policy(PolicyArn=ADMIN)
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_list_policies_scope_only_attached_and_path(server: Server) -> None:
    iam = client(server, "iam")
    deploy = _policy(server, "deploy", "/ci/")
    _policy(server, "audit")
    local = iam.list_policies(Scope="Local")["Policies"]
    assert [p["PolicyName"] for p in local] == ["audit", "deploy"]
    aws = iam.list_policies(Scope="AWS")["Policies"]
    assert "AdministratorAccess" in [p["PolicyName"] for p in aws]
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws)
    assert len(iam.list_policies()["Policies"]) == len(local) + len(aws)
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local", PathPrefix="/ci/")["Policies"]] == [
        "deploy"
    ]
    assert iam.list_policies(OnlyAttached=True)["Policies"] == []
    iam.create_user(UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn=deploy)
    iam.attach_user_policy(UserName="alice", PolicyArn=READ_ONLY)
    attached = iam.list_policies(OnlyAttached=True)["Policies"]
    assert [(p["PolicyName"], p["AttachmentCount"]) for p in attached] == [
        ("ReadOnlyAccess", 1),
        ("deploy", 1),
    ]
    iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=ADMIN)
    bounds = iam.list_policies(PolicyUsageFilter="PermissionsBoundary")["Policies"]
    assert [p["PolicyName"] for p in bounds] == ["AdministratorAccess"]
    first = iam.list_policies(Scope="Local", MaxItems=1)
    second = iam.list_policies(Scope="Local", MaxItems=1, Marker=first["Marker"])
    assert [p["PolicyName"] for p in first["Policies"] + second["Policies"]] == ["audit", "deploy"]


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_attach_list_detach(server: Server, kind: str) -> None:
    from tests.support.iam import trust

    iam = client(server, "iam")
    arn = _policy(server, "deploy", "/ci/")
    name_key = {"user": "UserName", "group": "GroupName", "role": "RoleName"}[kind]
    title = kind.capitalize()
    if kind == "user":
        iam.create_user(UserName="x")
    elif kind == "group":
        iam.create_group(GroupName="x")
    else:
        iam.create_role(RoleName="x", AssumeRolePolicyDocument=trust("000000000000"))
    attach = getattr(iam, f"attach_{kind}_policy")
    detach = getattr(iam, f"detach_{kind}_policy")
    listed = getattr(iam, f"list_attached_{kind}_policies")
    attach(**{name_key: "x"}, PolicyArn=arn)
    attach(**{name_key: "x"}, PolicyArn=arn)  # attaching twice changes nothing
    attach(**{name_key: "x"}, PolicyArn=READ_ONLY)
    assert listed(**{name_key: "x"})["AttachedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY},
        {"PolicyName": "deploy", "PolicyArn": arn},
    ]
    assert [p["PolicyName"] for p in listed(**{name_key: "x"}, PathPrefix="/ci/")["AttachedPolicies"]] == [
        "deploy"
    ]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    detach(**{name_key: "x"}, PolicyArn=arn)
    assert listed(**{name_key: "x"})["AttachedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}
    ]
    with pytest.raises(ClientError) as caught:
        detach(**{name_key: "x"}, PolicyArn=arn)
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as caught:
        attach(**{name_key: "x"}, PolicyArn="arn:aws:iam::000000000000:policy/missing")
    assert caught.value.response["Error"]["Message"] == (
        "Policy arn:aws:iam::000000000000:policy/missing does not exist or is not attachable."
    )
    with pytest.raises(ClientError) as caught:
        attach(**{name_key: "ghost"}, PolicyArn=arn)
    assert caught.value.response["Error"]["Message"] == f"The {kind} with name ghost cannot be found."
    assert title in ("User", "Group", "Role")


def test_attached_policies_limit(server: Server) -> None:
    iam = client(server, "iam")
    iam.create_user(UserName="alice")
    for i in range(10):
        arn = _policy(server, f"p{i}")
        iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    with pytest.raises(ClientError) as caught:
        iam.attach_user_policy(UserName="alice", PolicyArn=READ_ONLY)
    assert caught.value.response["Error"]["Code"] == "LimitExceeded"


def test_list_entities_for_policy(server: Server) -> None:
    from tests.support.iam import trust

    iam = client(server, "iam")
    arn = _policy(server)
    iam.create_user(UserName="alice", Path="/eng/")
    iam.create_user(UserName="bob")
    iam.create_group(GroupName="devs")
    iam.create_role(RoleName="builder", AssumeRolePolicyDocument=trust("000000000000"))
    for call, key, name in (
        (iam.attach_user_policy, "UserName", "alice"),
        (iam.attach_group_policy, "GroupName", "devs"),
        (iam.attach_role_policy, "RoleName", "builder"),
    ):
        call(**{key: name}, PolicyArn=arn)
    iam.put_user_permissions_boundary(UserName="bob", PermissionsBoundary=arn)
    everything = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in everything["PolicyUsers"]] == ["alice", "bob"]
    assert [g["GroupName"] for g in everything["PolicyGroups"]] == ["devs"]
    assert [r["RoleName"] for r in everything["PolicyRoles"]] == ["builder"]
    assert everything["PolicyUsers"][0]["UserId"].startswith("AIDA")
    users = iam.list_entities_for_policy(
        PolicyArn=arn, EntityFilter="User", PolicyUsageFilter="PermissionsPolicy"
    )
    assert [u["UserName"] for u in users["PolicyUsers"]] == ["alice"]
    assert users["PolicyGroups"] == []
    assert users["PolicyRoles"] == []
    bounded = iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary")
    assert [u["UserName"] for u in bounded["PolicyUsers"]] == ["bob"]
    under = iam.list_entities_for_policy(PolicyArn=arn, PathPrefix="/eng/")
    assert [u["UserName"] for u in under["PolicyUsers"]] == ["alice"]
    assert iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="AWSManagedPolicy")["PolicyUsers"] == []
    with pytest.raises(ClientError) as caught:
        iam.list_entities_for_policy(PolicyArn="arn:aws:iam::000000000000:policy/missing")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_policy_tags(server: Server) -> None:
    iam = client(server, "iam")
    arn = _policy(server)
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_policy(PolicyArn=arn, TagKeys=["a"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_deny_statement_in_managed_policy_round_trips(server: Server) -> None:
    iam = client(server, "iam")
    text = document(allow("s3:*"), deny("s3:DeleteBucket", "arn:aws:s3:::prod"))
    arn = iam.create_policy(PolicyName="mixed", PolicyDocument=text)["Policy"]["Arn"]
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"] == json.loads(
        text
    )
