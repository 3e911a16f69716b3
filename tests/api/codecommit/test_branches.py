"""CodeCommit branches through boto3: create, get, list, delete, default branch, ref events."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.support.git import bare_path, git, seed
from tests.support.server import Server


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def test_branch_lifecycle(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    first = seed(server, tmp_path / "w", "repo", {"README.md": "hello\n"})
    cc.create_branch(repositoryName="repo", branchName="feature", commitId=first)
    # The first branch created in a repository without a default becomes the default.
    assert cc.get_repository(repositoryName="repo")["repositoryMetadata"]["defaultBranch"] == "feature"
    assert cc.get_branch(repositoryName="repo", branchName="feature")["branch"] == {
        "branchName": "feature",
        "commitId": first,
    }
    assert sorted(cc.list_branches(repositoryName="repo")["branches"]) == ["feature", "main"]
    with pytest.raises(ClientError) as excinfo:
        cc.create_branch(repositoryName="repo", branchName="feature", commitId=first)
    assert code_of(excinfo) == "BranchNameExistsException"
    with pytest.raises(ClientError) as excinfo:
        cc.delete_branch(repositoryName="repo", branchName="feature")
    assert code_of(excinfo) == "DefaultBranchCannotBeDeletedException"
    cc.update_default_branch(repositoryName="repo", defaultBranchName="main")
    assert git(bare_path(server, "repo"), "symbolic-ref", "HEAD").stdout.strip() == "refs/heads/main"
    deleted = cc.delete_branch(repositoryName="repo", branchName="feature")["deletedBranch"]
    assert deleted == {"branchName": "feature", "commitId": first}
    assert "deletedBranch" not in cc.delete_branch(repositoryName="repo", branchName="feature")
    with pytest.raises(ClientError) as excinfo:
        cc.get_branch(repositoryName="repo", branchName="feature")
    assert code_of(excinfo) == "BranchDoesNotExistException"


def test_branch_errors(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    first = seed(server, tmp_path / "w", "repo", {"a.txt": "a"})
    for bad in ("a..b", "ends/", "-lead", "x.lock", "sp ace"):
        with pytest.raises(ClientError) as excinfo:
            cc.create_branch(repositoryName="repo", branchName=bad, commitId=first)
        assert code_of(excinfo) == "InvalidBranchNameException", bad
    with pytest.raises(ClientError) as excinfo:
        cc.create_branch(repositoryName="repo", branchName="x", commitId="abc")
    assert code_of(excinfo) == "InvalidCommitIdException"
    with pytest.raises(ClientError) as excinfo:
        cc.create_branch(repositoryName="repo", branchName="x", commitId="0" * 40)
    assert code_of(excinfo) == "CommitDoesNotExistException"
    with pytest.raises(ClientError) as excinfo:
        cc.update_default_branch(repositoryName="repo", defaultBranchName="nope")
    assert code_of(excinfo) == "BranchDoesNotExistException"
    with pytest.raises(ClientError) as excinfo:
        cc.list_branches(repositoryName="nope")
    assert code_of(excinfo) == "RepositoryDoesNotExistException"


def test_list_branches_pages(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    first = seed(server, tmp_path / "w", "repo", {"a.txt": "a"})
    for i in range(105):
        cc.create_branch(repositoryName="repo", branchName=f"b{i:03}", commitId=first)
    page = cc.list_branches(repositoryName="repo")
    assert len(page["branches"]) == 100
    rest = cc.list_branches(repositoryName="repo", nextToken=page["nextToken"])
    assert len(rest["branches"]) == 6
    assert "nextToken" not in rest


def test_branch_changes_are_events(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repository_id = cc.create_repository(repositoryName="repo")["repositoryMetadata"]["repositoryId"]
    first = seed(server, tmp_path / "w", "repo", {"a.txt": "a"})
    cc.create_branch(repositoryName="repo", branchName="feature", commitId=first)
    cc.create_branch(repositoryName="repo", branchName="other", commitId=first)
    cc.delete_branch(repositoryName="repo", branchName="other")
    events = server.events("aws.codecommit")
    assert [e["detail"]["event"] for e in events] == [
        "referenceCreated",
        "referenceCreated",
        "referenceDeleted",
    ]
    created, _, deleted = events
    assert created["detail-type"] == "CodeCommit Repository State Change"
    assert created["resources"] == ["arn:aws:codecommit:us-east-1:000000000000:repo"]
    assert created["detail"] == {
        "callerUserArn": "arn:aws:iam::000000000000:root",
        "event": "referenceCreated",
        "referenceFullName": "refs/heads/feature",
        "referenceName": "feature",
        "referenceType": "branch",
        "repositoryId": repository_id,
        "repositoryName": "repo",
        "commitId": first,
    }
    assert deleted["detail"]["oldCommitId"] == first
    assert "commitId" not in deleted["detail"]
