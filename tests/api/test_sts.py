"""STS through boto3 and the aws CLI: caller identity, session tokens, assumed roles."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from tests.support.iam import Identity, allow, client, deny, document, make_user, trust
from tests.support.server import ROOT_KEY, Server

ACCOUNT = "000000000000"


def _session_client(server: Server, service: str, credentials: dict[str, object]) -> object:
    return client(
        server,
        service,
        key=str(credentials["AccessKeyId"]),
        secret=str(credentials["SecretAccessKey"]),
        token=str(credentials["SessionToken"]),
    )


def _role(
    server: Server, name: str = "deployer", principal: str | list[str] = ACCOUNT, **extra: object
) -> str:
    iam = client(server, "iam")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(principal, **extra), **{})["Role"]
    iam.put_role_policy(
        RoleName=name, PolicyName="list-roles", PolicyDocument=document(allow("iam:ListRoles"))
    )
    return str(role["Arn"])


def _assumer(server: Server, name: str = "alice") -> Identity:
    return make_user(server, name, allow("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/*"))


def test_get_caller_identity_as_root(server: Server) -> None:
    identity = client(server, "sts").get_caller_identity()
    assert identity["Account"] == ACCOUNT
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["UserId"] == ACCOUNT


def test_cli_get_caller_identity(server: Server) -> None:
    result = server.aws("sts", "get-caller-identity", key=ROOT_KEY)
    assert json.loads(result.stdout)["Arn"].endswith(":root")


def test_get_session_token_for_a_user_acts_as_the_user(server: Server) -> None:
    alice = make_user(server, "alice", allow("iam:ListUsers"))
    answer = alice.client("sts").get_session_token(DurationSeconds=900)
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert len(credentials["SecretAccessKey"]) == 40
    assert len(credentials["SessionToken"]) > 100
    assert credentials["Expiration"] <= datetime.now(UTC) + timedelta(seconds=905)
    sts = _session_client(server, "sts", credentials)
    identity = sts.get_caller_identity()  # type: ignore[attr-defined]
    assert identity["Arn"] == alice.arn
    assert identity["UserId"].startswith("AIDA")
    iam = _session_client(server, "iam", credentials)
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]  # type: ignore[attr-defined]
    with pytest.raises(ClientError) as caught:
        iam.list_roles()  # type: ignore[attr-defined]
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as caught:
        sts.get_session_token()  # type: ignore[attr-defined]
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert caught.value.response["Error"]["Message"] == "Cannot call GetSessionToken with session credentials"


def test_root_sessions_last_an_hour_at_most(server: Server) -> None:
    credentials = client(server, "sts").get_session_token(DurationSeconds=36000)["Credentials"]
    assert credentials["Expiration"] <= datetime.now(UTC) + timedelta(seconds=3605)
    sts = _session_client(server, "sts", credentials)
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"  # type: ignore[attr-defined]


def test_session_credentials_need_their_token(server: Server) -> None:
    alice = make_user(server, "alice")
    credentials = alice.client("sts").get_session_token()["Credentials"]
    wrong = dict(credentials, SessionToken="not-the-token")
    with pytest.raises(ClientError) as caught:
        _session_client(server, "sts", wrong).get_caller_identity()  # type: ignore[attr-defined]
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"
    without = client(server, "sts", key=credentials["AccessKeyId"], secret=credentials["SecretAccessKey"])
    with pytest.raises(ClientError) as caught:
        without.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_assume_role(server: Server) -> None:
    role_arn = _role(server)
    alice = _assumer(server)
    answer = alice.client("sts").assume_role(
        RoleArn=role_arn, RoleSessionName="build-42", DurationSeconds=1800
    )
    user = answer["AssumedRoleUser"]
    assert user["Arn"] == "arn:aws:sts::000000000000:assumed-role/deployer/build-42"
    role_id = client(server, "iam").get_role(RoleName="deployer")["Role"]["RoleId"]
    assert user["AssumedRoleId"] == f"{role_id}:build-42"
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert answer["Credentials"]["Expiration"] <= datetime.now(UTC) + timedelta(seconds=1805)
    identity = _session_client(server, "sts", answer["Credentials"]).get_caller_identity()  # type: ignore[attr-defined]
    assert identity == {**identity, "Arn": user["Arn"], "UserId": user["AssumedRoleId"], "Account": ACCOUNT}
    iam = _session_client(server, "iam", answer["Credentials"])
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["deployer"]  # type: ignore[attr-defined]
    with pytest.raises(ClientError) as caught:
        iam.list_users()  # type: ignore[attr-defined]
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert "assumed-role/deployer/build-42" in caught.value.response["Error"]["Message"]


def test_assume_role_needs_identity_permission(server: Server) -> None:
    role_arn = _role(server)
    bob = make_user(server, "bob")
    with pytest.raises(ClientError) as caught:
        bob.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert (
        f"is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        in (caught.value.response["Error"]["Message"])
    )


def test_assume_role_needs_the_trust_policy(server: Server) -> None:
    client(server, "iam").create_user(UserName="carol")
    role_arn = _role(server, principal=f"arn:aws:iam::{ACCOUNT}:user/carol")
    alice = _assumer(server)
    with pytest.raises(ClientError) as caught:
        alice.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert caught.value.response["Error"]["Message"] == (
        f"User: {alice.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )
    carol_key = client(server, "iam").create_access_key(UserName="carol")["AccessKey"]
    client(server, "iam").put_user_policy(
        UserName="carol", PolicyName="p", PolicyDocument=document(allow("sts:AssumeRole"))
    )
    carol = client(server, "sts", key=carol_key["AccessKeyId"], secret=carol_key["SecretAccessKey"])
    assert carol.assume_role(RoleArn=role_arn, RoleSessionName="s1")["AssumedRoleUser"]["Arn"].endswith("/s1")


def test_trust_policy_conditions_and_denies(server: Server) -> None:
    role_arn = _role(server, Condition={"StringEquals": {"sts:ExternalId": "secret-handshake"}})
    alice = _assumer(server)
    sts = alice.client("sts")
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", ExternalId="wrong-handshake")
    assert sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", ExternalId="secret-handshake")[
        "Credentials"
    ]
    denying = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
                {"Effect": "Deny", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"},
            ],
        }
    )
    client(server, "iam").update_assume_role_policy(RoleName="deployer", PolicyDocument=denying)
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_assume_missing_role_is_denied_not_revealed(server: Server) -> None:
    alice = _assumer(server)
    missing = f"arn:aws:iam::{ACCOUNT}:role/ghost"
    with pytest.raises(ClientError) as caught:
        alice.client("sts").assume_role(RoleArn=missing, RoleSessionName="s1")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as caught:
        client(server, "sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/x", RoleSessionName="s1")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_assume_role_duration_limits(server: Server) -> None:
    role_arn = _role(server)
    alice = _assumer(server)
    with pytest.raises(ClientError) as caught:
        alice.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=7200)
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    assert caught.value.response["Error"]["Message"] == (
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    )
    client(server, "iam").update_role(RoleName="deployer", MaxSessionDuration=7200)
    assert alice.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=7200)


def test_role_chaining(server: Server) -> None:
    first_arn = _role(server, "first")
    client(server, "iam").put_role_policy(
        RoleName="first", PolicyName="chain", PolicyDocument=document(allow("sts:AssumeRole"))
    )
    second_arn = _role(server, "second", principal=first_arn)
    client(server, "iam").update_role(RoleName="second", MaxSessionDuration=7200)
    alice = _assumer(server)
    first = alice.client("sts").assume_role(RoleArn=first_arn, RoleSessionName="one")["Credentials"]
    chained_sts = _session_client(server, "sts", first)
    with pytest.raises(ClientError) as caught:
        chained_sts.assume_role(RoleArn=second_arn, RoleSessionName="two", DurationSeconds=7200)  # type: ignore[attr-defined]
    assert "role chaining" in caught.value.response["Error"]["Message"]
    second = chained_sts.assume_role(RoleArn=second_arn, RoleSessionName="two")  # type: ignore[attr-defined]
    assert second["AssumedRoleUser"]["Arn"] == "arn:aws:sts::000000000000:assumed-role/second/two"
    with pytest.raises(ClientError) as caught:
        alice.client("sts").assume_role(RoleArn=second_arn, RoleSessionName="direct")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_session_policy_narrows_the_role(server: Server) -> None:
    role_arn = _role(server)
    client(server, "iam").put_role_policy(
        RoleName="deployer",
        PolicyName="more",
        PolicyDocument=document(allow(["iam:ListRoles", "iam:ListUsers"])),
    )
    alice = _assumer(server)
    answer = alice.client("sts").assume_role(
        RoleArn=role_arn, RoleSessionName="narrow", Policy=document(allow("iam:ListUsers"))
    )
    assert 1 <= answer["PackedPolicySize"] <= 100
    iam = _session_client(server, "iam", answer["Credentials"])
    assert iam.list_users()["Users"]  # type: ignore[attr-defined]
    with pytest.raises(ClientError) as caught:
        iam.list_roles()  # type: ignore[attr-defined]
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    by_arn = alice.client("sts").assume_role(
        RoleArn=role_arn,
        RoleSessionName="managed",
        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}],
    )
    assert _session_client(server, "iam", by_arn["Credentials"]).list_roles()["Roles"]  # type: ignore[attr-defined]
    with pytest.raises(ClientError) as caught:
        alice.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="bad", Policy='{"Statement": 1}')
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"


def test_root_may_assume_roles(server: Server) -> None:
    role_arn = _role(server)
    answer = client(server, "sts").assume_role(RoleArn=role_arn, RoleSessionName="admin")
    assert answer["AssumedRoleUser"]["Arn"].endswith("assumed-role/deployer/admin")


def test_cli_assume_role(server: Server) -> None:
    role_arn = _role(server)
    alice = _assumer(server)
    result = server.aws(
        "sts",
        "assume-role",
        "--role-arn",
        role_arn,
        "--role-session-name",
        "cli",
        key=alice.key,
        secret=alice.secret,
    )
    credentials = json.loads(result.stdout)["Credentials"]
    identity = server.aws(
        "sts",
        "get-caller-identity",
        key=credentials["AccessKeyId"],
        secret=credentials["SecretAccessKey"],
        token=credentials["SessionToken"],
    )
    assert json.loads(identity.stdout)["Arn"] == "arn:aws:sts::000000000000:assumed-role/deployer/cli"
    denied = server.aws(
        "iam",
        "list-users",
        key=credentials["AccessKeyId"],
        secret=credentials["SecretAccessKey"],
        token=credentials["SessionToken"],
        check=False,
    )
    assert denied.returncode != 0
    assert "AccessDenied" in denied.stderr


def test_deny_in_identity_policy_blocks_assume_role(server: Server) -> None:
    role_arn = _role(server)
    alice = make_user(server, "alice", allow("sts:AssumeRole"), deny("sts:AssumeRole", role_arn))
    with pytest.raises(ClientError) as caught:
        alice.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
