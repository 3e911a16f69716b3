"""CodeCommit pull request approval rules, approvals, evaluation and overrides through boto3,
with several IAM users; approvals and overrides count only for the revision they were given on."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from tests.api.codecommit.pr_support import make_repo, open_pr, pr_events, raises, rule
from tests.support.iam import Identity, allow, make_user
from tests.support.server import Server

OTHER_REVISION = "0" * 64


def users(server: Server) -> tuple[Identity, Identity, Identity]:
    return tuple(make_user(server, name, allow("codecommit:*")) for name in ("alice", "bob", "carol"))  # type: ignore[return-value]


def test_rule_lifecycle(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    alice, bob, _ = users(server)
    number = open_pr(alice.client("codecommit"))["pullRequestId"]
    cc = bob.client("codecommit")
    content = rule(2, ["CodeCommitApprovers:000000000000:carol"])
    created = cc.create_pull_request_approval_rule(
        pullRequestId=number, approvalRuleName="Two reviewers", approvalRuleContent=content
    )["approvalRule"]
    assert re.fullmatch(r"[0-9a-f-]{36}", created["approvalRuleId"])
    assert created["approvalRuleName"] == "Two reviewers"
    assert created["approvalRuleContent"] == content
    assert created["ruleContentSha256"] == hashlib.sha256(content.encode()).hexdigest()
    assert created["lastModifiedUser"] == bob.arn
    assert created["creationDate"] == created["lastModifiedDate"]
    assert "originApprovalRuleTemplate" not in created
    assert cc.get_pull_request(pullRequestId=number)["pullRequest"]["approvalRules"] == [created]
    raises(
        "InvalidRuleContentSha256Exception",
        cc.update_pull_request_approval_rule_content,
        pullRequestId=number,
        approvalRuleName="Two reviewers",
        existingRuleContentSha256="f" * 64,
        newRuleContent=rule(1),
    )
    updated = alice.client("codecommit").update_pull_request_approval_rule_content(
        pullRequestId=number,
        approvalRuleName="Two reviewers",
        existingRuleContentSha256=created["ruleContentSha256"],
        newRuleContent=rule(1),
    )["approvalRule"]
    assert updated["approvalRuleId"] == created["approvalRuleId"]
    assert updated["approvalRuleContent"] == rule(1)
    assert updated["ruleContentSha256"] == hashlib.sha256(rule(1).encode()).hexdigest()
    assert updated["lastModifiedUser"] == alice.arn
    assert updated["creationDate"] == created["creationDate"]
    deleted = cc.delete_pull_request_approval_rule(pullRequestId=number, approvalRuleName="Two reviewers")
    assert deleted["approvalRuleId"] == created["approvalRuleId"]
    # Deleted already: AWS answers an empty id.
    assert (
        cc.delete_pull_request_approval_rule(pullRequestId=number, approvalRuleName="Two reviewers")[
            "approvalRuleId"
        ]
        == ""
    )
    assert cc.get_pull_request(pullRequestId=number)["pullRequest"]["approvalRules"] == []
    events = cc.describe_pull_request_events(pullRequestId=number)["pullRequestEvents"]
    assert [(e["pullRequestEventType"], e["actorArn"]) for e in events] == [
        ("PULL_REQUEST_CREATED", alice.arn),
        ("PULL_REQUEST_APPROVAL_RULE_CREATED", bob.arn),
        ("PULL_REQUEST_APPROVAL_RULE_UPDATED", alice.arn),
        ("PULL_REQUEST_APPROVAL_RULE_DELETED", bob.arn),
    ]
    assert events[1]["approvalRuleEventMetadata"] == {
        "approvalRuleName": "Two reviewers",
        "approvalRuleId": created["approvalRuleId"],
        "approvalRuleContent": content,
    }
    assert events[2]["approvalRuleEventMetadata"]["approvalRuleContent"] == rule(1)
    outbox = pr_events(server)
    assert [e["event"] for e in outbox] == [
        "pullRequestCreated",
        "pullRequestApprovalRuleCreated",
        "pullRequestApprovalRuleUpdated",
        "pullRequestApprovalRuleDeleted",
    ]
    assert {k: outbox[1][k] for k in ("approvalRuleId", "approvalRuleName", "approvalRuleContentSha256")} == {
        "approvalRuleId": created["approvalRuleId"],
        "approvalRuleName": "Two reviewers",
        "approvalRuleContentSha256": created["ruleContentSha256"],
    }
    assert outbox[2]["approvalRuleContentSha256"] == updated["ruleContentSha256"]
    assert outbox[1]["callerUserArn"] == bob.arn


def test_rule_errors(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    cc = server.client("codecommit")
    number = open_pr(cc)["pullRequestId"]

    def create(name: str = "r", content: str = rule(1), pull: str = number) -> object:
        return cc.create_pull_request_approval_rule(
            pullRequestId=pull, approvalRuleName=name, approvalRuleContent=content
        )

    raises("InvalidApprovalRuleNameException", create, name="no/slashes")
    message = raises("InvalidApprovalRuleContentException", create, content="{not json")
    assert "not valid JSON" in message
    message = raises(
        "InvalidApprovalRuleContentException", create, content=json.dumps({"Version": "2018-11-08"})
    )
    assert "Statements" in message
    message = raises("InvalidApprovalRuleContentException", create, content=rule(0))
    assert "NumberOfApprovalsNeeded" in message
    raises("PullRequestDoesNotExistException", create, pull="999999")
    raises("InvalidPullRequestIdException", create, pull="one")
    raises("PullRequestIdRequiredException", create, pull="")
    create(name="r0")
    raises("ApprovalRuleNameAlreadyExistsException", create, name="r0")
    for i in range(1, 30):
        create(name=f"r{i}")
    raises("NumberOfRulesExceededException", create, name="r30")
    raises(
        "ApprovalRuleDoesNotExistException",
        cc.update_pull_request_approval_rule_content,
        pullRequestId=number,
        approvalRuleName="missing",
        newRuleContent=rule(1),
    )
    raises(
        "InvalidApprovalRuleContentException",
        cc.update_pull_request_approval_rule_content,
        pullRequestId=number,
        approvalRuleName="r0",
        newRuleContent="[]",
    )
    raises(
        "InvalidApprovalRuleNameException",
        cc.delete_pull_request_approval_rule,
        pullRequestId=number,
        approvalRuleName="a\tb",
    )
    cc.update_pull_request_status(pullRequestId=number, pullRequestStatus="CLOSED")
    raises("PullRequestAlreadyClosedException", create, name="late")
    raises(
        "PullRequestAlreadyClosedException",
        cc.update_pull_request_approval_rule_content,
        pullRequestId=number,
        approvalRuleName="r0",
        newRuleContent=rule(2),
    )
    raises(
        "PullRequestAlreadyClosedException",
        cc.delete_pull_request_approval_rule,
        pullRequestId=number,
        approvalRuleName="r0",
    )


def test_approvals_and_evaluation(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    alice, bob, carol = users(server)
    pull = open_pr(alice.client("codecommit"))
    number, revision = pull["pullRequestId"], pull["revisionId"]
    cc = alice.client("codecommit")
    # No rules: approved.
    assert cc.evaluate_pull_request_approval_rules(pullRequestId=number, revisionId=revision)[
        "evaluation"
    ] == {
        "approved": True,
        "overridden": False,
        "approvalRulesSatisfied": [],
        "approvalRulesNotSatisfied": [],
    }
    cc.create_pull_request_approval_rule(
        pullRequestId=number,
        approvalRuleName="bob",
        approvalRuleContent=rule(1, ["CodeCommitApprovers:000000000000:bob"]),
    )
    cc.create_pull_request_approval_rule(
        pullRequestId=number, approvalRuleName="anyone", approvalRuleContent=rule(1)
    )

    def evaluation() -> dict[str, object]:
        result: dict[str, object] = cc.evaluate_pull_request_approval_rules(
            pullRequestId=number, revisionId=revision
        )["evaluation"]
        return result

    assert evaluation() == {
        "approved": False,
        "overridden": False,
        "approvalRulesSatisfied": [],
        "approvalRulesNotSatisfied": ["bob", "anyone"],
    }
    message = raises(
        "PullRequestCannotBeApprovedByAuthorException",
        cc.update_pull_request_approval_state,
        pullRequestId=number,
        revisionId=revision,
        approvalState="APPROVE",
    )
    assert "author" in message
    carol.client("codecommit").update_pull_request_approval_state(
        pullRequestId=number, revisionId=revision, approvalState="APPROVE"
    )
    assert evaluation()["approvalRulesSatisfied"] == ["anyone"]
    assert evaluation()["approved"] is False
    for _ in range(2):  # approving twice changes nothing
        bob.client("codecommit").update_pull_request_approval_state(
            pullRequestId=number, revisionId=revision, approvalState="APPROVE"
        )
    assert evaluation() == {
        "approved": True,
        "overridden": False,
        "approvalRulesSatisfied": ["bob", "anyone"],
        "approvalRulesNotSatisfied": [],
    }
    states = cc.get_pull_request_approval_states(pullRequestId=number, revisionId=revision)["approvals"]
    assert states == [
        {"userArn": carol.arn, "approvalState": "APPROVE"},
        {"userArn": bob.arn, "approvalState": "APPROVE"},
    ]
    bob.client("codecommit").update_pull_request_approval_state(
        pullRequestId=number, revisionId=revision, approvalState="REVOKE"
    )
    assert evaluation()["approvalRulesNotSatisfied"] == ["bob"]
    assert cc.get_pull_request_approval_states(pullRequestId=number, revisionId=revision)["approvals"] == [
        {"userArn": carol.arn, "approvalState": "APPROVE"}
    ]
    events = cc.describe_pull_request_events(
        pullRequestId=number, pullRequestEventType="PULL_REQUEST_APPROVAL_STATE_CHANGED"
    )["pullRequestEvents"]
    assert [(e["actorArn"], e["approvalStateChangedEventMetadata"]) for e in events] == [
        (carol.arn, {"revisionId": revision, "approvalStatus": "APPROVE"}),
        (bob.arn, {"revisionId": revision, "approvalStatus": "APPROVE"}),
        (bob.arn, {"revisionId": revision, "approvalStatus": "REVOKE"}),
    ]
    outbox = [e for e in pr_events(server) if e["event"] == "pullRequestApprovalStateChanged"]
    assert [(e["callerUserArn"], e["approvalStatus"]) for e in outbox] == [
        (carol.arn, "APPROVE"),
        (bob.arn, "APPROVE"),
        (bob.arn, "REVOKE"),
    ]


def test_approval_errors(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    cc = server.client("codecommit")
    pull = open_pr(cc)
    number, revision = pull["pullRequestId"], pull["revisionId"]
    approve = cc.update_pull_request_approval_state
    raises(
        "RevisionNotCurrentException",
        approve,
        pullRequestId=number,
        revisionId=OTHER_REVISION,
        approvalState="APPROVE",
    )
    raises(
        "InvalidRevisionIdException", approve, pullRequestId=number, revisionId="abc", approvalState="APPROVE"
    )
    raises(
        "RevisionIdRequiredException", approve, pullRequestId=number, revisionId="", approvalState="APPROVE"
    )
    raises(
        "PullRequestDoesNotExistException",
        approve,
        pullRequestId="999999",
        revisionId=revision,
        approvalState="APPROVE",
    )
    raises(
        "InvalidPullRequestIdException",
        approve,
        pullRequestId="1.5",
        revisionId=revision,
        approvalState="APPROVE",
    )
    evaluate = cc.evaluate_pull_request_approval_rules
    raises("RevisionNotCurrentException", evaluate, pullRequestId=number, revisionId=OTHER_REVISION)
    raises("InvalidRevisionIdException", evaluate, pullRequestId=number, revisionId="XYZ")
    raises("RevisionIdRequiredException", evaluate, pullRequestId=number, revisionId="")
    raises(
        "InvalidRevisionIdException",
        cc.get_pull_request_approval_states,
        pullRequestId=number,
        revisionId="1",
    )
    raises(
        "RevisionIdRequiredException",
        cc.get_pull_request_approval_states,
        pullRequestId=number,
        revisionId="",
    )
    raises(
        "PullRequestDoesNotExistException",
        cc.get_pull_request_approval_states,
        pullRequestId="999999",
        revisionId=revision,
    )
    assert (
        cc.get_pull_request_approval_states(pullRequestId=number, revisionId=OTHER_REVISION)["approvals"]
        == []
    )
    cc.update_pull_request_status(pullRequestId=number, pullRequestStatus="CLOSED")
    raises(
        "PullRequestAlreadyClosedException",
        approve,
        pullRequestId=number,
        revisionId=revision,
        approvalState="APPROVE",
    )
    raises(
        "PullRequestAlreadyClosedException",
        cc.override_pull_request_approval_rules,
        pullRequestId=number,
        revisionId=revision,
        overrideStatus="OVERRIDE",
    )


def test_approvals_count_for_their_revision(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    alice, bob, _ = users(server)
    pull = open_pr(alice.client("codecommit"))
    number, first = pull["pullRequestId"], pull["revisionId"]
    cc = bob.client("codecommit")
    cc.create_pull_request_approval_rule(
        pullRequestId=number, approvalRuleName="one", approvalRuleContent=rule(1)
    )
    cc.update_pull_request_approval_state(pullRequestId=number, revisionId=first, approvalState="APPROVE")
    assert cc.evaluate_pull_request_approval_rules(pullRequestId=number, revisionId=first)["evaluation"][
        "approved"
    ]
    repo.advance("feature", {"fix.txt": "fix\n"})
    second = cc.get_pull_request(pullRequestId=number)["pullRequest"]["revisionId"]
    assert second != first
    evaluation = cc.evaluate_pull_request_approval_rules(pullRequestId=number, revisionId=second)[
        "evaluation"
    ]
    assert evaluation["approved"] is False
    assert evaluation["approvalRulesNotSatisfied"] == ["one"]
    raises(
        "RevisionNotCurrentException",
        cc.evaluate_pull_request_approval_rules,
        pullRequestId=number,
        revisionId=first,
    )
    raises(
        "RevisionNotCurrentException",
        cc.update_pull_request_approval_state,
        pullRequestId=number,
        revisionId=first,
        approvalState="APPROVE",
    )
    # The approval given on the first revision is still listed for it, and only for it.
    assert cc.get_pull_request_approval_states(pullRequestId=number, revisionId=first)["approvals"] == [
        {"userArn": bob.arn, "approvalState": "APPROVE"}
    ]
    assert cc.get_pull_request_approval_states(pullRequestId=number, revisionId=second)["approvals"] == []
    cc.update_pull_request_approval_state(pullRequestId=number, revisionId=second, approvalState="APPROVE")
    assert cc.evaluate_pull_request_approval_rules(pullRequestId=number, revisionId=second)["evaluation"][
        "approved"
    ]


def test_overrides(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    alice, _, carol = users(server)
    pull = open_pr(alice.client("codecommit"))
    number, revision = pull["pullRequestId"], pull["revisionId"]
    cc = carol.client("codecommit")
    cc.create_pull_request_approval_rule(
        pullRequestId=number, approvalRuleName="one", approvalRuleContent=rule(1)
    )
    state = cc.get_pull_request_override_state(pullRequestId=number, revisionId=revision)
    assert state["overridden"] is False
    assert "overrider" not in state
    cc.override_pull_request_approval_rules(
        pullRequestId=number, revisionId=revision, overrideStatus="OVERRIDE"
    )
    state = cc.get_pull_request_override_state(pullRequestId=number, revisionId=revision)
    assert (state["overridden"], state["overrider"]) == (True, carol.arn)
    assert cc.evaluate_pull_request_approval_rules(pullRequestId=number, revisionId=revision)[
        "evaluation"
    ] == {
        "approved": True,
        "overridden": True,
        "approvalRulesSatisfied": [],
        "approvalRulesNotSatisfied": ["one"],
    }
    override = cc.override_pull_request_approval_rules
    raises(
        "OverrideAlreadySetException",
        override,
        pullRequestId=number,
        revisionId=revision,
        overrideStatus="OVERRIDE",
    )
    override(pullRequestId=number, revisionId=revision, overrideStatus="REVOKE")
    assert (
        cc.get_pull_request_override_state(pullRequestId=number, revisionId=revision)["overridden"] is False
    )
    raises(
        "OverrideAlreadySetException",
        override,
        pullRequestId=number,
        revisionId=revision,
        overrideStatus="REVOKE",
    )
    raises(
        "RevisionNotCurrentException",
        override,
        pullRequestId=number,
        revisionId=OTHER_REVISION,
        overrideStatus="OVERRIDE",
    )
    raises(
        "InvalidRevisionIdException",
        override,
        pullRequestId=number,
        revisionId="nope",
        overrideStatus="OVERRIDE",
    )
    raises(
        "RevisionIdRequiredException",
        override,
        pullRequestId=number,
        revisionId="",
        overrideStatus="OVERRIDE",
    )
    raises(
        "PullRequestDoesNotExistException",
        override,
        pullRequestId="999999",
        revisionId=revision,
        overrideStatus="OVERRIDE",
    )
    raises(
        "InvalidRevisionIdException", cc.get_pull_request_override_state, pullRequestId=number, revisionId="x"
    )
    raises(
        "RevisionIdRequiredException", cc.get_pull_request_override_state, pullRequestId=number, revisionId=""
    )
    # An override holds for its revision only.
    override(pullRequestId=number, revisionId=revision, overrideStatus="OVERRIDE")
    repo.advance("feature", {"fix.txt": "fix\n"})
    second = cc.get_pull_request(pullRequestId=number)["pullRequest"]["revisionId"]
    assert cc.get_pull_request_override_state(pullRequestId=number, revisionId=second)["overridden"] is False
    assert cc.get_pull_request_override_state(pullRequestId=number, revisionId=revision)["overridden"] is True
    assert (
        cc.evaluate_pull_request_approval_rules(pullRequestId=number, revisionId=second)["evaluation"][
            "approved"
        ]
        is False
    )
    events = cc.describe_pull_request_events(
        pullRequestId=number, pullRequestEventType="PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN"
    )["pullRequestEvents"]
    assert [e["approvalRuleOverriddenEventMetadata"] for e in events] == [
        {"revisionId": revision, "overrideStatus": "OVERRIDE"},
        {"revisionId": revision, "overrideStatus": "REVOKE"},
        {"revisionId": revision, "overrideStatus": "OVERRIDE"},
    ]
    outbox = [e for e in pr_events(server) if e["event"] == "pullRequestApprovalRuleOverridden"]
    assert [(e["overrideStatus"], e["callerUserArn"]) for e in outbox] == [
        ("OVERRIDE", carol.arn),
        ("REVOKE", carol.arn),
        ("OVERRIDE", carol.arn),
    ]


def test_approval_needs_permission_on_the_repository(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    pull = open_pr(server.client("codecommit"))
    reader = make_user(server, "reader", allow(["codecommit:Get*", "codecommit:Evaluate*"]))
    client = reader.client("codecommit")
    number, revision = pull["pullRequestId"], pull["revisionId"]
    assert (
        client.get_pull_request_approval_states(pullRequestId=number, revisionId=revision)["approvals"] == []
    )
    message = raises(
        "AccessDeniedException",
        client.update_pull_request_approval_state,
        pullRequestId=number,
        revisionId=revision,
        approvalState="APPROVE",
    )
    assert "codecommit:UpdatePullRequestApprovalState" in message
    assert "arn:aws:codecommit:us-east-1:000000000000:repo" in message


def test_template_rules_are_added_on_creation(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    make_repo(server, tmp_path, "other")
    cc = server.client("codecommit")
    cc.create_branch(repositoryName="repo", branchName="develop", commitId=repo.base)
    templates = {
        "all": rule(2),
        "main only": rule(1, references=["refs/heads/main"]),
        "develop only": rule(1, ["CodeCommitApprovers:000000000000:bob"], references=["refs/heads/develop"]),
    }
    ids = {}
    for name, content in templates.items():
        template = cc.create_approval_rule_template(
            approvalRuleTemplateName=name, approvalRuleTemplateContent=content
        )
        ids[name] = template["approvalRuleTemplate"]["approvalRuleTemplateId"]
        cc.associate_approval_rule_template_with_repository(
            approvalRuleTemplateName=name, repositoryName="repo"
        )
    into_main = open_pr(cc)
    into_develop = open_pr(cc, destination="develop")
    elsewhere = open_pr(cc, repo="other")
    assert elsewhere["approvalRules"] == []

    def origins(pull: dict[str, object]) -> list[tuple[str, str, dict[str, str]]]:
        return [
            (r["approvalRuleName"], r["approvalRuleContent"], r["originApprovalRuleTemplate"])
            for r in pull["approvalRules"]  # type: ignore[attr-defined]
        ]

    assert origins(into_main) == [
        ("all", templates["all"], {"approvalRuleTemplateId": ids["all"], "approvalRuleTemplateName": "all"}),
        (
            "main only",
            templates["main only"],
            {"approvalRuleTemplateId": ids["main only"], "approvalRuleTemplateName": "main only"},
        ),
    ]
    assert [name for name, _, _ in origins(into_develop)] == ["all", "develop only"]
    number = into_main["pullRequestId"]
    raises(
        "CannotModifyApprovalRuleFromTemplateException",
        cc.update_pull_request_approval_rule_content,
        pullRequestId=number,
        approvalRuleName="all",
        newRuleContent=rule(1),
    )
    raises(
        "CannotDeleteApprovalRuleFromTemplateException",
        cc.delete_pull_request_approval_rule,
        pullRequestId=number,
        approvalRuleName="main only",
    )
    # Later template edits leave existing pull requests alone.
    cc.update_approval_rule_template_content(approvalRuleTemplateName="all", newRuleContent=rule(5))
    assert origins(cc.get_pull_request(pullRequestId=number)["pullRequest"])[0][1] == templates["all"]
    assert cc.evaluate_pull_request_approval_rules(pullRequestId=number, revisionId=into_main["revisionId"])[
        "evaluation"
    ]["approvalRulesNotSatisfied"] == ["all", "main only"]
