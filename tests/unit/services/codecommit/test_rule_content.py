"""Approval rule content: parsing, the messages of bad content, branches and pool members."""

from __future__ import annotations

import json

import pytest

from codeyard.services.codecommit.errors import (
    InvalidApprovalRuleContentException,
    InvalidApprovalRuleTemplateContentException,
)
from codeyard.services.codecommit.rule_content import content_sha256, member_matches, parse


def rule(**extra: object) -> str:
    statement: dict[str, object] = {"Type": "Approvers", "NumberOfApprovalsNeeded": 1}
    statement.update(
        {k: v for k, v in extra.items() if k in ("NumberOfApprovalsNeeded", "ApprovalPoolMembers")}
    )
    document: dict[str, object] = {"Version": "2018-11-08", "Statements": [statement]}
    document.update({k: v for k, v in extra.items() if k == "DestinationReferences"})
    return json.dumps(document)


def test_parse_full_content() -> None:
    content = parse(
        rule(
            NumberOfApprovalsNeeded=2,
            ApprovalPoolMembers=["arn:aws:iam::111122223333:user/*", "CodeCommitApprovers:111122223333:Mary"],
            DestinationReferences=["refs/heads/main", "release"],
        )
    )
    assert content.destination_references == ("refs/heads/main", "refs/heads/release")
    assert content.applies_to("refs/heads/release")
    assert not content.applies_to("refs/heads/dev")
    (statement,) = content.statements
    assert statement.approvals_needed == 2
    assert statement.pool_members == (
        "arn:aws:iam::111122223333:user/*",
        "CodeCommitApprovers:111122223333:Mary",
    )


def test_without_references_applies_everywhere_and_without_pool_anyone_counts() -> None:
    content = parse(rule(NumberOfApprovalsNeeded=2))
    assert content.applies_to("refs/heads/anything")
    assert not content.satisfied_by(["arn:aws:iam::1:user/a"])
    assert content.satisfied_by(["arn:aws:iam::1:user/a", "arn:aws:iam::1:user/b"])
    assert not content.satisfied_by(["arn:aws:iam::1:user/a", "arn:aws:iam::1:user/a"])


def test_satisfied_counts_pool_members_only() -> None:
    content = parse(
        rule(NumberOfApprovalsNeeded=1, ApprovalPoolMembers=["arn:aws:iam::111122223333:user/bob"])
    )
    assert not content.satisfied_by(["arn:aws:iam::111122223333:user/alice"])
    assert content.satisfied_by(
        ["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob"]
    )


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "JSON object"),
        (json.dumps({"Statements": []}), '"Version": "2018-11-08"'),
        (json.dumps({"Version": "2018-11-08"}), "Statements"),
        (json.dumps({"Version": "2018-11-08", "Statements": [], "Extra": 1}), 'Unknown key "Extra"'),
        (json.dumps({"Version": "2018-11-08", "Statements": [{"Type": "Reviewers"}]}), "Statements[0].Type"),
        (rule(NumberOfApprovalsNeeded=0), "at least 1"),
        (rule(NumberOfApprovalsNeeded=True), "at least 1"),
        (rule(NumberOfApprovalsNeeded="2"), "at least 1"),
        (rule(ApprovalPoolMembers="arn:aws:iam::1:user/a"), "list of strings"),
        (rule(ApprovalPoolMembers=["bob"]), "neither an IAM or STS ARN"),
        (rule(ApprovalPoolMembers=["CodeCommitApprovers:12:bob"]), "12-digit account"),
        (
            rule(ApprovalPoolMembers=[f"arn:aws:iam::111122223333:user/u{i}" for i in range(51)]),
            "maximum is 50",
        ),
        (rule(DestinationReferences="refs/heads/main"), "list of branch references"),
        (rule(DestinationReferences=["refs/tags/v1"]), "not a branch reference"),
        (rule(DestinationReferences=["a..b"]), "not a branch reference"),
        ("x" * 3001, "maximum is 3000"),
    ],
)
def test_bad_content_is_refused_with_a_message(content: str, words: str) -> None:
    with pytest.raises(InvalidApprovalRuleContentException) as excinfo:
        parse(content)
    assert words in excinfo.value.message


def test_templates_choose_their_error() -> None:
    with pytest.raises(InvalidApprovalRuleTemplateContentException):
        parse("{}", InvalidApprovalRuleTemplateContentException)


def test_content_sha256() -> None:
    assert content_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize(
    ("member", "arn", "expected"),
    [
        ("arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:user/bob", True),
        ("arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:user/bobby", False),
        ("arn:aws:iam::111122223333:user/b*", "arn:aws:iam::111122223333:user/bobby", True),
        ("arn:aws:iam::111122223333:user/b?b", "arn:aws:iam::111122223333:user/bob", True),
        (
            "arn:aws:sts::111122223333:assumed-role/Reviewers/*",
            "arn:aws:sts::111122223333:assumed-role/Reviewers/s",
            True,
        ),
        (
            "arn:aws:sts::111122223333:assumed-role/Reviewers/*",
            "arn:aws:sts::111122223333:assumed-role/Other/s",
            False,
        ),
        ("CodeCommitApprovers:111122223333:Mary", "arn:aws:iam::111122223333:user/Mary", True),
        ("CodeCommitApprovers:111122223333:Mary", "arn:aws:iam::111122223333:user/team/Mary", True),
        ("CodeCommitApprovers:111122223333:Mary", "arn:aws:sts::111122223333:federated-user/Mary", True),
        ("CodeCommitApprovers:111122223333:Mary", "arn:aws:iam::444455556666:user/Mary", False),
        ("CodeCommitApprovers:111122223333:Mary", "arn:aws:iam::111122223333:user/Marya", False),
        (
            "CodeCommitApprovers:111122223333:Mary",
            "arn:aws:sts::111122223333:assumed-role/Review/Mary",
            False,
        ),
        (
            "CodeCommitApprovers:111122223333:*Mary",
            "arn:aws:sts::111122223333:assumed-role/Review/Mary",
            True,
        ),
        (
            "CodeCommitApprovers:111122223333:Review/Mary",
            "arn:aws:sts::111122223333:assumed-role/Review/Mary",
            True,
        ),
        ("CodeCommitApprovers:111122223333:root", "arn:aws:iam::111122223333:root", False),
    ],
)
def test_member_matches(member: str, arn: str, expected: bool) -> None:
    assert member_matches(member, arn) is expected
