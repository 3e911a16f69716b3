"""Secrets Manager through boto3: random passwords and resource policies."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.server import Server

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
        }
    ],
}
PUBLIC = {**POLICY, "Statement": [{**POLICY["Statement"][0], "Principal": "*"}]}


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def sm(server: Server) -> Any:
    return server.client("secretsmanager")


def test_random_password_defaults_to_32_characters_of_every_type(sm: Any) -> None:
    password = sm.get_random_password()["RandomPassword"]
    assert len(password) == 32
    for kind in (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation):
        assert any(c in kind for c in password)
    assert " " not in password


def test_random_password_honours_every_option(sm: Any) -> None:
    only_digits = sm.get_random_password(
        PasswordLength=64, ExcludeLowercase=True, ExcludeUppercase=True, ExcludePunctuation=True
    )["RandomPassword"]
    assert len(only_digits) == 64
    assert set(only_digits) <= set(string.digits)
    letters = sm.get_random_password(
        PasswordLength=200, ExcludeNumbers=True, ExcludePunctuation=True, ExcludeCharacters="aeiouAEIOU"
    )["RandomPassword"]
    assert set(letters) <= set(string.ascii_letters) - set("aeiouAEIOU")
    spaced = sm.get_random_password(PasswordLength=4096, IncludeSpace=True)["RandomPassword"]
    assert " " in spaced
    assert len(spaced) == 4096
    short = sm.get_random_password(PasswordLength=2, RequireEachIncludedType=False)["RandomPassword"]
    assert len(short) == 2


@pytest.mark.parametrize(
    "arguments",
    [
        {"PasswordLength": 3},  # four types are required
        {
            "ExcludeLowercase": True,
            "ExcludeUppercase": True,
            "ExcludeNumbers": True,
            "ExcludePunctuation": True,
        },
    ],
)
def test_random_password_refuses_impossible_rules(sm: Any, arguments: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        sm.get_random_password(**arguments)
    assert _error(raised)[0] == "InvalidParameterException"


def test_random_password_length_is_validated_by_the_model(sm: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sm.get_random_password(PasswordLength=4097)
    assert _error(raised)[0] == "ValidationException"


def test_resource_policy_put_get_delete(sm: Any) -> None:
    created = sm.create_secret(Name="pol", SecretString="v")
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="pol")
    put = sm.put_resource_policy(SecretId="pol", ResourcePolicy=json.dumps(POLICY))
    assert (put["ARN"], put["Name"]) == (created["ARN"], "pol")
    got = sm.get_resource_policy(SecretId=created["ARN"])
    assert json.loads(got["ResourcePolicy"]) == POLICY
    deleted = sm.delete_resource_policy(SecretId="pol")
    assert deleted["ARN"] == created["ARN"]
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="pol")


def test_resource_policy_errors(sm: Any) -> None:
    sm.create_secret(Name="pol", SecretString="v")
    with pytest.raises(ClientError) as raised:
        sm.put_resource_policy(SecretId="pol", ResourcePolicy="{not json")
    assert _error(raised)[0] == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as raised:
        sm.put_resource_policy(
            SecretId="pol", ResourcePolicy=json.dumps({"Statement": [{"Effect": "Allow"}]})
        )
    assert _error(raised)[0] == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as raised:
        sm.put_resource_policy(SecretId="pol", ResourcePolicy=json.dumps(PUBLIC), BlockPublicPolicy=True)
    assert _error(raised)[0] == "PublicPolicyException"
    sm.put_resource_policy(SecretId="pol", ResourcePolicy=json.dumps(PUBLIC))
    with pytest.raises(ClientError) as raised:
        sm.get_resource_policy(SecretId="nope")
    assert _error(raised)[0] == "ResourceNotFoundException"
    sm.delete_secret(SecretId="pol")
    with pytest.raises(ClientError) as raised:
        sm.get_resource_policy(SecretId="pol")
    assert _error(raised)[0] == "InvalidRequestException"


def test_validate_resource_policy(sm: Any) -> None:
    passed = sm.validate_resource_policy(ResourcePolicy=json.dumps(POLICY))
    assert (passed["PolicyValidationPassed"], passed["ValidationErrors"]) == (True, [])
    public = sm.validate_resource_policy(ResourcePolicy=json.dumps(PUBLIC))
    assert public["PolicyValidationPassed"] is False
    assert [e["CheckName"] for e in public["ValidationErrors"]] == ["PUBLIC_ACCESS_CHECK"]
    broken = sm.validate_resource_policy(ResourcePolicy=json.dumps({"Statement": [{"Effect": "Maybe"}]}))
    assert broken["PolicyValidationPassed"] is False
    assert {e["CheckName"] for e in broken["ValidationErrors"]} == {"SYNTAX_CHECK"}
    with pytest.raises(ClientError) as raised:
        sm.validate_resource_policy(ResourcePolicy="[")
    assert _error(raised)[0] == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as raised:
        sm.validate_resource_policy(SecretId="nope", ResourcePolicy=json.dumps(POLICY))
    assert _error(raised)[0] == "ResourceNotFoundException"
