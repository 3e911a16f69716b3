"""STS on a real store: who a trust policy lets in, sessions, and caller identities."""

from __future__ import annotations

import json
from typing import Any

import pytest

from codeyard.accounts import Principal
from codeyard.errors import AccessDeniedException
from codeyard.services.iam.arns import root_principal
from tests.unit.services.iam.conftest import ACCOUNT, World

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/target"


def _trust(world: World, principal: Any, **statement: Any) -> None:
    key = statement.pop("key", "Principal")
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", key: principal, "Action": "sts:AssumeRole", **statement}],
        }
    )
    with world.store.reader() as uow:
        exists = uow.roles.get(role_name="target") is not None
    if exists:
        world.iam.update_assume_role_policy(world.ctx(), role_name="target", policy_document=document)
    else:
        world.iam.create_role(world.ctx(), role_name="target", assume_role_policy_document=document)


def _assumes(world: World, principal: Principal, **kwargs: Any) -> bool:
    try:
        world.sts.assume_role(world.ctx(principal), role_arn=ROLE_ARN, role_session_name="s1", **kwargs)
    except AccessDeniedException:
        return False
    return True


def _session_principal(world: World, answer: dict[str, Any]) -> Principal:
    credential = world.credentials.resolve(answer["Credentials"]["AccessKeyId"])
    assert credential is not None
    return credential.principal


@pytest.mark.parametrize(
    ("principal", "ann", "bob"),
    [
        ({"AWS": ACCOUNT}, True, True),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, True, True),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:user/ann"}, True, False),
        ({"AWS": [f"arn:aws:iam::{ACCOUNT}:user/ann", f"arn:aws:iam::{ACCOUNT}:user/bob"]}, True, True),
        ("*", True, True),
        ({"AWS": "123456789012"}, False, False),
        ({"Service": "codebuild.amazonaws.com"}, False, False),
    ],
)
def test_trust_principals(world: World, principal: Any, ann: bool, bob: bool) -> None:
    people = {name: world.user(name) for name in ("ann", "bob")}
    _trust(world, principal)
    assert _assumes(world, people["ann"]) is ann
    assert _assumes(world, people["bob"]) is bob


def test_not_principal(world: World) -> None:
    ann, bob = world.user("ann"), world.user("bob")
    _trust(world, {"AWS": f"arn:aws:iam::{ACCOUNT}:user/ann"}, key="NotPrincipal")
    assert not _assumes(world, ann)
    assert _assumes(world, bob)


@pytest.mark.parametrize(
    ("condition", "kwargs", "allowed"),
    [
        ({"StringEquals": {"aws:username": "ann"}}, {}, True),
        ({"StringEquals": {"aws:username": "bob"}}, {}, False),
        ({"StringLike": {"sts:RoleSessionName": "s*"}}, {}, True),
        ({"StringEquals": {"sts:ExternalId": "abc"}}, {"external_id": "abc"}, True),
        ({"StringEquals": {"sts:ExternalId": "abc"}}, {}, False),
        ({"StringEquals": {"aws:RequestTag/team": "red"}}, {"tags": [{"Key": "team", "Value": "red"}]}, True),
        (
            {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
            {"tags": [{"Key": "cost", "Value": "1"}]},
            False,
        ),
        ({"StringEquals": {"aws:PrincipalType": "User"}}, {}, True),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/a*"}}, {}, True),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {}, False),
    ],
)
def test_trust_conditions(
    world: World, condition: dict[str, Any], kwargs: dict[str, Any], allowed: bool
) -> None:
    ann = world.user("ann")
    _trust(world, {"AWS": ACCOUNT}, Condition=condition)
    assert _assumes(world, ann, **kwargs) is allowed


def test_caller_identity_of_the_three_kinds(world: World) -> None:
    root = world.sts.get_caller_identity(world.ctx())
    assert root == {"UserId": ACCOUNT, "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"}
    ann = world.user("ann")
    assert world.sts.get_caller_identity(world.ctx(ann))["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/ann"
    _trust(world, {"AWS": ACCOUNT})
    answer = world.sts.assume_role(world.ctx(ann), role_arn=ROLE_ARN, role_session_name="deploy")
    session = _session_principal(world, answer)
    identity = world.sts.get_caller_identity(world.ctx(session))
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/target/deploy"
    assert identity["UserId"] == answer["AssumedRoleUser"]["AssumedRoleId"]
    assert identity["UserId"].startswith("AROA")
    assert identity["UserId"].endswith(":deploy")


def test_role_chaining_names_the_role(world: World) -> None:
    world.iam.create_role(
        world.ctx(),
        role_name="first",
        assume_role_policy_document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}],
            }
        ),
    )
    _trust(world, {"AWS": f"arn:aws:iam::{ACCOUNT}:role/first"})
    first = world.sts.assume_role(
        world.ctx(), role_arn=f"arn:aws:iam::{ACCOUNT}:role/first", role_session_name="one"
    )
    as_first = _session_principal(world, first)
    assert _assumes(world, as_first)
    assert not _assumes(world, root_principal(ACCOUNT))  # the trust policy names only the role
    assert not _assumes(world, world.user("ann"))


def test_sessions_cannot_make_sessions(world: World) -> None:
    ann = world.user("ann")
    answer = world.sts.get_session_token(world.ctx(ann))
    session = _session_principal(world, answer)
    assert session.arn == ann.arn
    with pytest.raises(AccessDeniedException):
        world.sts.get_session_token(world.ctx(session))
    with world.store.reader() as uow:
        stored = uow.session_credentials.get(access_key_id=answer["Credentials"]["AccessKeyId"])
    assert stored is not None
    assert answer["Credentials"]["SecretAccessKey"].encode() not in stored.secret_sealed
    assert answer["Credentials"]["SessionToken"].encode() not in stored.session_token_sealed
