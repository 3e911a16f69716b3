"""Helpers of the pull request tests: a repository with a main and a feature branch, branches
moved so that the server sees it, and error codes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.git import seed
from tests.support.server import Server

PR_STATE_CHANGE = "CodeCommit Pull Request State Change"


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def raises(code: str, call: Any, **kwargs: Any) -> str:
    """Call and expect the error `code`; returns its message."""
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert code_of(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


@dataclass
class Repo:
    server: Server
    work: Path
    name: str
    base: str  # main's commit
    feature: str  # feature's tip, one commit on top of main

    def advance(self, branch: str, files: dict[str, str]) -> str:
        """A new commit on `branch`, moved through the API (delete and create the branch) so that
        the server records the ref change; returns the commit."""
        cc = self.server.client("codecommit")
        commit = seed(self.server, self.work, self.name, files, branch=branch, message=f"more on {branch}")
        cc.delete_branch(repositoryName=self.name, branchName=branch)
        cc.create_branch(repositoryName=self.name, branchName=branch, commitId=commit)
        return commit

    def point(self, branch: str, commit: str) -> None:
        """Move `branch` (not the default one) to `commit` through the API."""
        cc = self.server.client("codecommit")
        cc.delete_branch(repositoryName=self.name, branchName=branch)
        cc.create_branch(repositoryName=self.name, branchName=branch, commitId=commit)


def make_repo(server: Server, tmp_path: Path, name: str = "repo") -> Repo:
    """`name` with main (one commit, the default branch) and feature (one commit more)."""
    cc = server.client("codecommit")
    cc.create_repository(repositoryName=name)
    work = tmp_path / f"work-{name}"
    base = seed(server, work, name, {"README.md": "hello\n"})
    cc.create_branch(repositoryName=name, branchName="feature", commitId=base)
    cc.update_default_branch(repositoryName=name, defaultBranchName="main")
    feature = seed(server, work, name, {"feature.txt": "feature\n"}, branch="feature", message="feature")
    return Repo(server, work, name, base, feature)


def open_pr(client: Any, repo: str = "repo", source: str = "feature", **extra: Any) -> dict[str, Any]:
    target = {"repositoryName": repo, "sourceReference": source}
    if "destination" in extra:
        target["destinationReference"] = extra.pop("destination")
    pull: dict[str, Any] = client.create_pull_request(
        title=extra.pop("title", "Add feature"), targets=[target], **extra
    )["pullRequest"]
    return pull


def rule(needed: int = 1, members: list[str] | None = None, references: list[str] | None = None) -> str:
    statement: dict[str, Any] = {"Type": "Approvers", "NumberOfApprovalsNeeded": needed}
    if members is not None:
        statement["ApprovalPoolMembers"] = members
    document: dict[str, Any] = {"Version": "2018-11-08", "Statements": [statement]}
    if references is not None:
        document["DestinationReferences"] = references
    return json.dumps(document)


def pr_events(server: Server) -> list[dict[str, Any]]:
    """The detail of every Pull Request State Change in the outbox, oldest first."""
    return [e["detail"] for e in server.events("aws.codecommit") if e["detail-type"] == PR_STATE_CHANGE]
