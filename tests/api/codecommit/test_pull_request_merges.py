"""Merging CodeCommit pull requests through boto3: fast-forward, squash and three-way, approval
rules enforced (or overridden), the source tip checked, the pull request closed and its events."""

from __future__ import annotations

from pathlib import Path

from tests.api.codecommit.pr_support import Repo, make_repo, open_pr, pr_events, raises, rule
from tests.support.git import bare_path, git
from tests.support.iam import Identity, allow, make_user
from tests.support.server import Server


def users(server: Server) -> tuple[Identity, Identity]:
    return make_user(server, "alice", allow("codecommit:*")), make_user(server, "bob", allow("codecommit:*"))


def diverged(repo: Repo) -> str:
    """A `develop` branch with a commit that `feature` does not have; returns its tip."""
    repo.server.client("codecommit").create_branch(
        repositoryName=repo.name, branchName="develop", commitId=repo.base
    )
    return repo.advance("develop", {"develop.txt": "develop\n"})


def in_bare(server: Server, *args: str) -> str:
    return git(bare_path(server, "repo"), *args).stdout.strip()


def test_fast_forward_needs_approval(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    alice, bob = users(server)
    pull = open_pr(alice.client("codecommit"))
    number = pull["pullRequestId"]
    twin = open_pr(alice.client("codecommit"), title="Same branches")["pullRequestId"]
    author = alice.client("codecommit")
    author.create_pull_request_approval_rule(
        pullRequestId=number, approvalRuleName="one", approvalRuleContent=rule(1)
    )
    message = raises(
        "PullRequestApprovalRulesNotSatisfiedException",
        author.merge_pull_request_by_fast_forward,
        pullRequestId=number,
        repositoryName="repo",
    )
    assert number in message
    bob.client("codecommit").update_pull_request_approval_state(
        pullRequestId=number, revisionId=pull["revisionId"], approvalState="APPROVE"
    )
    merged = author.merge_pull_request_by_fast_forward(
        pullRequestId=number, repositoryName="repo", sourceCommitId=repo.feature
    )["pullRequest"]
    assert merged["pullRequestStatus"] == "CLOSED"
    target = merged["pullRequestTargets"][0]
    assert target["mergeMetadata"] == {
        "isMerged": True,
        "mergedBy": alice.arn,
        "mergeCommitId": repo.feature,
        "mergeOption": "FAST_FORWARD_MERGE",
    }
    assert target["destinationCommit"] == repo.base  # the destination the merge was made on
    assert in_bare(server, "rev-parse", "refs/heads/main") == repo.feature
    assert server.client("codecommit").get_pull_request(pullRequestId=number)["pullRequest"] == merged
    # The other pull request of the same branches was merged by it, as by a push.
    other = server.client("codecommit").get_pull_request(pullRequestId=twin)["pullRequest"]
    assert other["pullRequestStatus"] == "CLOSED"
    assert other["pullRequestTargets"][0]["mergeMetadata"] == {
        "isMerged": True,
        "mergedBy": alice.arn,
        "mergeCommitId": repo.feature,
    }
    (event,) = author.describe_pull_request_events(
        pullRequestId=number, pullRequestEventType="PULL_REQUEST_MERGE_STATE_CHANGED"
    )["pullRequestEvents"]
    assert event["actorArn"] == alice.arn
    assert event["pullRequestMergedStateChangedEventMetadata"] == {
        "repositoryName": "repo",
        "destinationReference": "refs/heads/main",
        "mergeMetadata": target["mergeMetadata"],
    }
    raises(
        "PullRequestAlreadyClosedException",
        author.merge_pull_request_by_fast_forward,
        pullRequestId=number,
        repositoryName="repo",
    )
    events = [e for e in server.events("aws.codecommit") if e["detail"]["event"] != "referenceCreated"]
    tail = [(e["detail"]["event"], e["detail"].get("pullRequestId")) for e in events[-3:]]
    assert tail == [
        ("referenceUpdated", None),
        ("pullRequestMergeStatusUpdated", twin),
        ("pullRequestMergeStatusUpdated", number),
    ]
    updated = events[-3]["detail"]
    assert (updated["referenceFullName"], updated["oldCommitId"], updated["commitId"]) == (
        "refs/heads/main",
        repo.base,
        repo.feature,
    )
    assert updated["mergeOption"] == "FAST_FORWARD_MERGE"
    assert events[-1]["detail"]["mergeOption"] == "FAST_FORWARD_MERGE"
    assert events[-1]["detail"]["isMerged"] == "True"
    assert "mergeOption" not in events[-2]["detail"]


def test_squash(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    develop = diverged(repo)
    cc = server.client("codecommit")
    number = open_pr(cc, destination="develop")["pullRequestId"]
    raises(
        "ManualMergeRequiredException",
        cc.merge_pull_request_by_fast_forward,
        pullRequestId=number,
        repositoryName="repo",
    )
    merged = cc.merge_pull_request_by_squash(
        pullRequestId=number,
        repositoryName="repo",
        commitMessage="Squashed feature",
        authorName="Ann",
        email="ann@example.com",
    )["pullRequest"]
    metadata = merged["pullRequestTargets"][0]["mergeMetadata"]
    assert metadata["mergeOption"] == "SQUASH_MERGE"
    commit = metadata["mergeCommitId"]
    assert in_bare(server, "rev-parse", "refs/heads/develop") == commit
    assert in_bare(server, "rev-list", "--parents", "-n1", commit).split() == [commit, develop]
    assert (
        in_bare(server, "log", "-1", "--format=%an <%ae>%n%s", commit)
        == "Ann <ann@example.com>\nSquashed feature"
    )
    assert sorted(in_bare(server, "ls-tree", "--name-only", commit).split()) == [
        "README.md",
        "develop.txt",
        "feature.txt",
    ]


def test_three_way(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    develop = diverged(repo)
    alice, _ = users(server)
    client = alice.client("codecommit")
    number = open_pr(client, destination="develop")["pullRequestId"]
    merged = client.merge_pull_request_by_three_way(
        pullRequestId=number,
        repositoryName="repo",
        sourceCommitId=repo.feature,
        commitMessage="Merge feature",
    )["pullRequest"]
    metadata = merged["pullRequestTargets"][0]["mergeMetadata"]
    commit = metadata["mergeCommitId"]
    assert (metadata["mergeOption"], metadata["mergedBy"]) == ("THREE_WAY_MERGE", alice.arn)
    assert in_bare(server, "rev-list", "--parents", "-n1", commit).split() == [commit, develop, repo.feature]
    assert in_bare(server, "rev-parse", "refs/heads/develop") == commit
    outbox = pr_events(server)
    assert [e["event"] for e in outbox] == ["pullRequestCreated", "pullRequestMergeStatusUpdated"]
    assert outbox[-1]["mergeOption"] == "THREE_WAY_MERGE"
    assert outbox[-1]["pullRequestStatus"] == "Closed"


def test_conflicts_need_a_manual_merge(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    server.client("codecommit").create_branch(repositoryName="repo", branchName="develop", commitId=repo.base)
    repo.advance("develop", {"feature.txt": "something else\n"})
    cc = server.client("codecommit")
    number = open_pr(cc, destination="develop")["pullRequestId"]
    for merge in (cc.merge_pull_request_by_three_way, cc.merge_pull_request_by_squash):
        raises("ManualMergeRequiredException", merge, pullRequestId=number, repositoryName="repo")
    pull = cc.get_pull_request(pullRequestId=number)["pullRequest"]
    assert pull["pullRequestStatus"] == "OPEN"  # a failed merge changes nothing
    merged = cc.merge_pull_request_by_three_way(
        pullRequestId=number, repositoryName="repo", conflictResolutionStrategy="ACCEPT_SOURCE"
    )["pullRequest"]
    commit = merged["pullRequestTargets"][0]["mergeMetadata"]["mergeCommitId"]
    assert in_bare(server, "show", f"{commit}:feature.txt") == "feature"


def test_override_lets_it_merge(server: Server, tmp_path: Path) -> None:
    make_repo(server, tmp_path)
    cc = server.client("codecommit")
    pull = open_pr(cc)
    number = pull["pullRequestId"]
    cc.create_pull_request_approval_rule(
        pullRequestId=number, approvalRuleName="two", approvalRuleContent=rule(2)
    )
    raises(
        "PullRequestApprovalRulesNotSatisfiedException",
        cc.merge_pull_request_by_three_way,
        pullRequestId=number,
        repositoryName="repo",
    )
    cc.override_pull_request_approval_rules(
        pullRequestId=number, revisionId=pull["revisionId"], overrideStatus="OVERRIDE"
    )
    merged = cc.merge_pull_request_by_three_way(pullRequestId=number, repositoryName="repo")["pullRequest"]
    assert merged["pullRequestTargets"][0]["mergeMetadata"]["isMerged"] is True


def test_merge_errors(server: Server, tmp_path: Path) -> None:
    repo = make_repo(server, tmp_path)
    make_repo(server, tmp_path, "other")
    cc = server.client("codecommit")
    number = open_pr(cc)["pullRequestId"]
    merge = cc.merge_pull_request_by_fast_forward
    raises(
        "TipOfSourceReferenceIsDifferentException",
        merge,
        pullRequestId=number,
        repositoryName="repo",
        sourceCommitId=repo.base,
    )
    raises(
        "InvalidCommitIdException", merge, pullRequestId=number, repositoryName="repo", sourceCommitId="xyz"
    )
    raises(
        "RepositoryNotAssociatedWithPullRequestException", merge, pullRequestId=number, repositoryName="other"
    )
    raises("RepositoryDoesNotExistException", merge, pullRequestId=number, repositoryName="nope")
    raises("InvalidRepositoryNameException", merge, pullRequestId=number, repositoryName="x.git")
    raises("PullRequestDoesNotExistException", merge, pullRequestId="999999", repositoryName="repo")
    raises("InvalidPullRequestIdException", merge, pullRequestId="abc", repositoryName="repo")
    raises("PullRequestIdRequiredException", merge, pullRequestId="", repositoryName="repo")
    raises(
        "InvalidEmailException",
        cc.merge_pull_request_by_squash,
        pullRequestId=number,
        repositoryName="repo",
        email="not-an-email",
    )
    tip = repo.advance("feature", {"late.txt": "late\n"})
    raises(
        "TipOfSourceReferenceIsDifferentException",
        merge,
        pullRequestId=number,
        repositoryName="repo",
        sourceCommitId=repo.feature,
    )
    cc.delete_branch(repositoryName="repo", branchName="feature")
    raises(
        "ReferenceDoesNotExistException",
        merge,
        pullRequestId=number,
        repositoryName="repo",
        sourceCommitId=tip,
    )
    assert cc.get_pull_request(pullRequestId=number)["pullRequest"]["pullRequestStatus"] == "OPEN"
