"""A CodeCommit day with the real tools: a repository made with the `aws` CLI, pushed to with git,
a pull request reviewed by a second user under an approval rule, merged three-way by its author,
the merge fetched with git, and the outbox telling it all in order."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.integration.git.conftest import GitUser, git_user
from tests.support.git import git
from tests.support.iam import allow
from tests.support.server import Server

RULE = json.dumps(
    {"Version": "2018-11-08", "Statements": [{"Type": "Approvers", "NumberOfApprovalsNeeded": 1}]}
)


def aws(user: GitUser, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return user.server.aws(
        "codecommit", *args, key=user.identity.key, secret=user.identity.secret, check=check
    )


def aws_json(user: GitUser, *args: str) -> Any:
    return json.loads(aws(user, *args).stdout)


def commit(work: Path, files: dict[str, str], message: str) -> str:
    for path, text in files.items():
        (work / path).write_text(text)
        git(work, "add", path)
    git(work, "commit", "-q", "-m", message)
    return git(work, "rev-parse", "HEAD").stdout.strip()


def test_review_and_merge_a_pull_request(server: Server, tmp_path: Path) -> None:
    alice = git_user(server, "alice", allow("codecommit:*"))
    bob = git_user(server, "bob", allow("codecommit:*"))
    created = aws_json(alice, "create-repository", "--repository-name", "shop")["repositoryMetadata"]
    assert created["cloneUrlHttp"].endswith("/v1/repos/shop")

    git(tmp_path, "clone", "-q", alice.url("shop"), "alice")
    work = tmp_path / "alice"
    base = commit(work, {"README.md": "shop\n"}, "first")
    git(work, "push", "-q", "origin", "HEAD:main")
    git(work, "checkout", "-q", "-b", "feature")
    first = commit(work, {"cart.py": "cart = []\n"}, "cart")
    git(work, "push", "-q", "origin", "feature")

    pull = aws_json(
        alice,
        "create-pull-request",
        "--title",
        "Add a cart",
        "--targets",
        "repositoryName=shop,sourceReference=feature",
    )["pullRequest"]
    number = pull["pullRequestId"]
    assert pull["pullRequestTargets"][0]["destinationReference"] == "refs/heads/main"
    assert pull["pullRequestTargets"][0]["sourceCommit"] == first
    aws(
        alice,
        "create-pull-request-approval-rule",
        "--pull-request-id",
        number,
        "--approval-rule-name",
        "one reviewer",
        "--approval-rule-content",
        RULE,
    )
    refused = aws(
        alice,
        "merge-pull-request-by-three-way",
        "--pull-request-id",
        number,
        "--repository-name",
        "shop",
        check=False,
    )
    assert refused.returncode != 0
    assert "PullRequestApprovalRulesNotSatisfiedException" in refused.stderr
    own = aws(
        alice,
        "update-pull-request-approval-state",
        "--pull-request-id",
        number,
        "--revision-id",
        pull["revisionId"],
        "--approval-state",
        "APPROVE",
        check=False,
    )
    assert "PullRequestCannotBeApprovedByAuthorException" in own.stderr

    aws(
        bob,
        "update-pull-request-approval-state",
        "--pull-request-id",
        number,
        "--revision-id",
        pull["revisionId"],
        "--approval-state",
        "APPROVE",
    )
    # A push to the source branch makes a new revision: bob's approval was for the old one.
    second = commit(work, {"cart.py": "cart: list[str] = []\n"}, "typed cart")
    git(work, "push", "-q", "origin", "feature")
    revision = aws_json(alice, "get-pull-request", "--pull-request-id", number)["pullRequest"]["revisionId"]
    assert revision != pull["revisionId"]
    evaluation = aws_json(
        alice, "evaluate-pull-request-approval-rules", "--pull-request-id", number, "--revision-id", revision
    )["evaluation"]
    assert evaluation["approvalRulesNotSatisfied"] == ["one reviewer"]
    aws(
        bob,
        "update-pull-request-approval-state",
        "--pull-request-id",
        number,
        "--revision-id",
        revision,
        "--approval-state",
        "APPROVE",
    )

    merged = aws_json(
        alice,
        "merge-pull-request-by-three-way",
        "--pull-request-id",
        number,
        "--repository-name",
        "shop",
        "--source-commit-id",
        second,
    )["pullRequest"]
    assert merged["pullRequestStatus"] == "CLOSED"
    metadata = merged["pullRequestTargets"][0]["mergeMetadata"]
    assert metadata["isMerged"] is True
    assert metadata["mergedBy"] == alice.identity.arn
    assert metadata["mergeOption"] == "THREE_WAY_MERGE"
    merge_commit = metadata["mergeCommitId"]

    git(tmp_path, "clone", "-q", bob.url("shop"), "bob")
    git(work, "fetch", "-q", "origin")
    assert git(work, "rev-parse", "origin/main").stdout.strip() == merge_commit
    assert git(work, "rev-list", "--parents", "-n1", "origin/main").stdout.split() == [
        merge_commit,
        base,
        second,
    ]
    assert (tmp_path / "bob" / "cart.py").read_text() == "cart: list[str] = []\n"

    events = [
        (e["detail"]["event"], e["detail"].get("callerUserArn")) for e in server.events("aws.codecommit")
    ]
    assert events == [
        ("referenceCreated", alice.identity.arn),  # main, pushed
        ("referenceCreated", alice.identity.arn),  # feature, pushed
        ("pullRequestCreated", alice.identity.arn),
        ("pullRequestApprovalRuleCreated", alice.identity.arn),
        ("pullRequestApprovalStateChanged", bob.identity.arn),
        ("referenceUpdated", alice.identity.arn),  # feature, pushed again
        ("pullRequestSourceBranchUpdated", alice.identity.arn),
        ("pullRequestApprovalStateChanged", bob.identity.arn),
        ("referenceUpdated", alice.identity.arn),  # main, by the merge
        ("pullRequestMergeStatusUpdated", alice.identity.arn),
    ]
    outbox = server.events("aws.codecommit")
    assert outbox[-2]["detail"]["referenceFullName"] == "refs/heads/main"
    assert outbox[-2]["detail"]["mergeOption"] == "THREE_WAY_MERGE"
    assert outbox[-1]["detail"]["isMerged"] == "True"
    assert outbox[-1]["detail"]["pullRequestId"] == number


def test_a_plain_push_merges_a_pull_request(server: Server, tmp_path: Path) -> None:
    alice = git_user(server, "alice", allow("codecommit:*"))
    aws(alice, "create-repository", "--repository-name", "shop")
    git(tmp_path, "clone", "-q", alice.url("shop"), "work")
    work = tmp_path / "work"
    commit(work, {"README.md": "shop\n"}, "first")
    git(work, "push", "-q", "origin", "HEAD:main")
    git(work, "checkout", "-q", "-b", "feature")
    tip = commit(work, {"cart.py": "cart = []\n"}, "cart")
    git(work, "push", "-q", "origin", "feature")
    number = aws_json(
        alice,
        "create-pull-request",
        "--title",
        "Cart",
        "--targets",
        "repositoryName=shop,sourceReference=feature",
    )["pullRequest"]["pullRequestId"]
    aws(
        alice,
        "create-pull-request-approval-rule",
        "--pull-request-id",
        number,
        "--approval-rule-name",
        "r",
        "--approval-rule-content",
        RULE,
    )
    git(work, "push", "-q", "origin", "feature:main")  # approval rules are not enforced on pushes
    pull = aws_json(alice, "get-pull-request", "--pull-request-id", number)["pullRequest"]
    assert pull["pullRequestStatus"] == "CLOSED"
    assert pull["pullRequestTargets"][0]["mergeMetadata"] == {
        "isMerged": True,
        "mergedBy": alice.identity.arn,
        "mergeCommitId": tip,
    }
    assert [e["detail"]["event"] for e in server.events("aws.codecommit")][-2:] == [
        "referenceUpdated",
        "pullRequestMergeStatusUpdated",
    ]
