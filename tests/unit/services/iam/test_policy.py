"""The policy parser: what it accepts, and AWS's MalformedPolicyDocument messages for the rest."""

from __future__ import annotations

import json
from typing import Any

import pytest

from codeyard.services.iam.errors import MalformedPolicyDocument
from codeyard.services.iam.policy import Effect, parse_policy, substitute
from codeyard.services.iam.trust import aws_principals, parse_trust_policy

SYNTAX = "Syntax errors in policy."


def doc(*statements: Any, version: str | None = "2012-10-17") -> str:
    body: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        body["Version"] = version
    return json.dumps(body)


GOOD = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", SYNTAX),
        ("[" * 100_000 + "]" * 100_000, SYNTAX),
        ("[]", SYNTAX),
        (json.dumps({"Version": "2012-10-17"}), SYNTAX),
        (json.dumps({"Version": "2012-10-17", "Statement": []}), SYNTAX),
        (json.dumps({"Version": "2012-10-17", "Statement": [GOOD], "Extra": 1}), SYNTAX),
        (doc(GOOD, version="2020-01-01"), "The policy failed legacy parsing"),
        (doc({**GOOD, "Effect": "Maybe"}), SYNTAX),
        (doc({"Action": "s3:*", "Resource": "*"}), SYNTAX),
        (doc({**GOOD, "Colour": "red"}), SYNTAX),
        (doc({"Effect": "Allow", "Resource": "*"}), "Policy statement must contain actions."),
        (doc({**GOOD, "NotAction": "s3:*"}), SYNTAX),
        (doc({"Effect": "Allow", "Action": "s3:*"}), "Policy statement must contain resources."),
        (doc({**GOOD, "NotResource": "*"}), SYNTAX),
        (
            doc({**GOOD, "Action": "GetObject"}),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (doc({**GOOD, "Action": "s3:Get:Object"}), "Actions/Condition can contain only one colon."),
        (doc({**GOOD, "Action": "s 3:GetObject"}), "Vendor s 3 is not valid"),
        (doc({**GOOD, "Resource": "bucket"}), 'Resource bucket must be in ARN format or "*".'),
        (doc({**GOOD, "Action": []}), SYNTAX),
        (doc({**GOOD, "Action": 7}), SYNTAX),
        (doc({**GOOD, "Principal": "*"}), "Policy document should not specify a principal."),
        (
            doc({**GOOD, "Condition": {"StringEqualz": {"aws:username": "a"}}}),
            "Invalid Condition type : StringEqualz",
        ),
        (doc({**GOOD, "Condition": {"StringEquals": "a"}}), SYNTAX),
        (doc({**GOOD, "Condition": {"StringEquals": {"k": {"nested": 1}}}}), SYNTAX),
        (
            doc({**GOOD, "Sid": "same"}, {**GOOD, "Sid": "same"}),
            "Statement IDs (SID) in a single policy must be unique.",
        ),
    ],
)
def test_malformed_documents(text: str, message: str) -> None:
    with pytest.raises(MalformedPolicyDocument) as caught:
        parse_policy(text)
    assert caught.value.message == message
    assert caught.value.code == "MalformedPolicyDocumentException"


def test_accepted_forms() -> None:
    policy = parse_policy(
        json.dumps(
            {
                "Version": "2008-10-17",
                "Id": "x",
                "Statement": {
                    "Sid": "One",
                    "Effect": "Deny",
                    "NotAction": ["iam:*", "sts:*"],
                    "NotResource": "arn:aws:s3:::b/*",
                    "Condition": {
                        "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*"]},
                        "Bool": {"aws:SecureTransport": True},
                        "NumericLessThan": {"s3:max-keys": 10},
                    },
                },
            }
        )
    )
    (statement,) = policy.statements
    assert policy.version == "2008-10-17"
    assert statement.effect is Effect.DENY
    assert statement.not_actions
    assert statement.not_resources
    assert statement.sid == "One"
    assert {c.values for c in statement.conditions} == {("a*",), ("true",), ("10",)}


def test_a_document_is_parsed_once() -> None:
    text = doc(GOOD)
    assert parse_policy(text) is parse_policy(text)


def test_resource_policies_take_principals() -> None:
    policy = parse_policy(
        doc({"Effect": "Allow", "NotPrincipal": {"AWS": ["123456789012"]}, "Action": "sts:AssumeRole"}),
        resource_policy=True,
    )
    assert policy.statements[0].not_principals
    assert policy.statements[0].principals == {"AWS": ("123456789012",)}
    star = parse_policy(doc({"Effect": "Allow", "Principal": "*", "Action": "s3:*"}), resource_policy=True)
    assert star.statements[0].principals == {"AWS": ("*",)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Resource": "*"}),
            "Has prohibited field Resource.",
        ),
        (doc({"Effect": "Allow", "Action": "sts:AssumeRole"}), "Missing required field Principal."),
        (
            doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*"}),
            "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and "
            "sts:AssumeRoleWithWebIdentity",
        ),
    ],
)
def test_trust_policy_messages(text: str, message: str) -> None:
    with pytest.raises(MalformedPolicyDocument) as caught:
        parse_trust_policy(text)
    assert caught.value.message == message


def test_trust_policy_principals() -> None:
    good = doc(
        {
            "Effect": "Allow",
            "Principal": {
                "AWS": [
                    "123456789012",
                    "arn:aws:iam::123456789012:root",
                    "arn:aws:iam::123456789012:user/a/b",
                    "arn:aws:sts::123456789012:assumed-role/r/s",
                ],
                "Service": "codebuild.amazonaws.com",
            },
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }
    )
    assert len(aws_principals(parse_trust_policy(good))) == 4
    bad = doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:s3:::b"}, "Action": "sts:AssumeRole"})
    with pytest.raises(MalformedPolicyDocument) as caught:
        aws_principals(parse_trust_policy(bad))
    assert caught.value.message == 'Invalid principal in policy: "AWS":"arn:aws:s3:::b"'


def test_policy_variables() -> None:
    context = {"aws:username": "ann"}
    assert substitute("home/${aws:username}/*", context) == "home/ann/*"
    assert substitute("home/${AWS:UserName}", context) == "home/ann"
    assert substitute("home/${aws:userid}", context) == "home/${aws:userid}"
    assert substitute("home/${aws:userid, 'none'}", context) == "home/none"
    assert substitute("${$}{x}", context) == "${x}"
    assert substitute("a${*}b", context) == "a*b"
