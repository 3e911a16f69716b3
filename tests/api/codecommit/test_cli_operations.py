"""Every implemented CodeCommit operation through the real `aws codecommit` CLI, a story per group
(repositories and tags, branches, files and commits, merges, pull requests, approval rule
templates, comments), asserting on the JSON the CLI prints; the last test proves the coverage from
this file's own source. Set-up the story does not look at goes through boto3, which is faster."""

from __future__ import annotations

import ast
import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import botocore.session
from botocore import xform_name

from codeyard.services.codecommit.api import CodeCommitApi
from tests.support.cli_models import installed_models
from tests.support.iam import Identity, allow, make_user
from tests.support.server import ROOT_KEY, ROOT_SECRET, Server

ACCOUNT = "000000000000"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
THUMBSUP = {"emoji": "\U0001f44d", "shortCode": ":thumbsup:", "unicode": "U+1F44D"}


def _cli(
    server: Server, command: str, *args: str, who: Identity | None = None, data_path: Path | None = None
) -> dict[str, Any]:
    """`aws codecommit <command> <args>` signed as `who` (the root user when None): its JSON output,
    {} for an operation that answers nothing. The coverage test reads the commands of these calls."""
    key, secret = (who.key, who.secret) if who else (ROOT_KEY, ROOT_SECRET)
    out = server.aws("codecommit", command, *args, key=key, secret=secret, data_path=data_path).stdout
    return json.loads(out) if out.strip() else {}


def _cli_fails(server: Server, command: str, code: str, *args: str, who: Identity | None = None) -> str:
    """`aws codecommit <command>` that must fail with the error `code`; the CLI's message."""
    key, secret = (who.key, who.secret) if who else (ROOT_KEY, ROOT_SECRET)
    result = server.aws("codecommit", command, *args, key=key, secret=secret, check=False)
    assert result.returncode != 0, result.stderr
    assert f"An error occurred ({code}) when calling the " in result.stderr, result.stderr
    return result.stderr


def _git_blob_id(content: bytes) -> str:
    """The object id git gives a blob of `content`."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def _rule(needed: int, members: list[str] | None = None) -> str:
    statement: dict[str, Any] = {"Type": "Approvers", "NumberOfApprovalsNeeded": needed}
    if members is not None:
        statement["ApprovalPoolMembers"] = members
    return json.dumps({"Version": "2018-11-08", "Statements": [statement]})


def _user(server: Server, name: str) -> Identity:
    return make_user(server, name, allow("codecommit:*"))


def _repository_with_feature(cc: Any, name: str) -> tuple[str, str]:
    """`name` with main (README.md) and feature (one commit more, feature.txt): both commits."""
    cc.create_repository(repositoryName=name)
    base = cc.put_file(repositoryName=name, branchName="main", filePath="README.md", fileContent=b"hello\n")[
        "commitId"
    ]
    cc.create_branch(repositoryName=name, branchName="feature", commitId=base)
    tip = cc.put_file(
        repositoryName=name,
        branchName="feature",
        filePath="feature.txt",
        fileContent=b"feature\n",
        parentCommitId=base,
    )["commitId"]
    return base, tip


def test_repositories_and_tags(server: Server) -> None:
    cc = server.client("codecommit")
    arn = f"arn:aws:codecommit:us-east-1:{ACCOUNT}:shop"
    created = _cli(
        server,
        "create-repository",
        "--repository-name",
        "shop",
        "--repository-description",
        "The shop",
        "--tags",
        "team=web,tier=1",
    )["repositoryMetadata"]
    assert (created["repositoryName"], created["repositoryDescription"], created["Arn"]) == (
        "shop",
        "The shop",
        arn,
    )
    assert created["accountId"] == ACCOUNT
    assert created["cloneUrlHttp"].endswith("/v1/repos/shop")
    assert "defaultBranch" not in created
    other = cc.create_repository(repositoryName="other")["repositoryMetadata"]

    got = _cli(server, "get-repository", "--repository-name", "shop")["repositoryMetadata"]
    assert got == created
    batch = _cli(server, "batch-get-repositories", "--repository-names", "shop", "other", "missing")
    assert [r["repositoryName"] for r in batch["repositories"]] == ["shop", "other"]
    assert batch["repositoriesNotFound"] == ["missing"]
    listed = _cli(server, "list-repositories", "--sort-by", "repositoryName", "--order", "descending")
    assert listed["repositories"] == [
        {"repositoryName": "shop", "repositoryId": created["repositoryId"]},
        {"repositoryName": "other", "repositoryId": other["repositoryId"]},
    ]

    assert _cli(server, "list-tags-for-resource", "--resource-arn", arn)["tags"] == {
        "team": "web",
        "tier": "1",
    }
    assert _cli(server, "tag-resource", "--resource-arn", arn, "--tags", "owner=alice,tier=2") == {}
    assert _cli(server, "untag-resource", "--resource-arn", arn, "--tag-keys", "team") == {}
    assert cc.list_tags_for_resource(resourceArn=arn)["tags"] == {"owner": "alice", "tier": "2"}

    assert (
        _cli(
            server,
            "update-repository-description",
            "--repository-name",
            "shop",
            "--repository-description",
            "The web shop",
        )
        == {}
    )
    key = _cli(
        server, "update-repository-encryption-key", "--repository-name", "shop", "--kms-key-id", "alias/mine"
    )
    assert key == {
        "repositoryId": created["repositoryId"],
        "kmsKeyId": "alias/mine",
        "originalKmsKeyId": "alias/aws/codecommit",
    }
    assert _cli(server, "update-repository-name", "--old-name", "shop", "--new-name", "store") == {}
    renamed = cc.get_repository(repositoryName="store")["repositoryMetadata"]
    assert (renamed["repositoryId"], renamed["repositoryDescription"], renamed["kmsKeyId"]) == (
        created["repositoryId"],
        "The web shop",
        "alias/mine",
    )
    assert renamed["Arn"] == f"arn:aws:codecommit:us-east-1:{ACCOUNT}:store"
    assert cc.list_tags_for_resource(resourceArn=renamed["Arn"])["tags"] == {"owner": "alice", "tier": "2"}

    deleted = _cli(server, "delete-repository", "--repository-name", "store")
    assert deleted == {"repositoryId": created["repositoryId"]}
    assert [r["repositoryName"] for r in cc.list_repositories()["repositories"]] == ["other"]


def test_branches(server: Server) -> None:
    cc = server.client("codecommit")
    base, _ = _repository_with_feature(cc, "repo")
    assert (
        _cli(
            server, "create-branch", "--repository-name", "repo", "--branch-name", "dev", "--commit-id", base
        )
        == {}
    )
    got = _cli(server, "get-branch", "--repository-name", "repo", "--branch-name", "dev")
    assert got == {"branch": {"branchName": "dev", "commitId": base}}
    listed = _cli(server, "list-branches", "--repository-name", "repo")
    assert sorted(listed["branches"]) == ["dev", "feature", "main"]
    assert (
        _cli(server, "update-default-branch", "--repository-name", "repo", "--default-branch-name", "dev")
        == {}
    )
    assert cc.get_repository(repositoryName="repo")["repositoryMetadata"]["defaultBranch"] == "dev"
    _cli_fails(
        server,
        "delete-branch",
        "DefaultBranchCannotBeDeletedException",
        "--repository-name",
        "repo",
        "--branch-name",
        "dev",
    )
    deleted = _cli(server, "delete-branch", "--repository-name", "repo", "--branch-name", "main")
    assert deleted == {"deletedBranch": {"branchName": "main", "commitId": base}}
    assert sorted(cc.list_branches(repositoryName="repo")["branches"]) == ["dev", "feature"]


def test_files_commits_and_differences(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    first = _cli(
        server,
        "create-commit",
        "--repository-name",
        "repo",
        "--branch-name",
        "main",
        "--author-name",
        "Ann",
        "--email",
        "ann@example.com",
        "--commit-message",
        "first",
        "--put-files",
        json.dumps(
            [
                {"filePath": "src/app.py", "fileContent": "print(1)\n"},
                {"filePath": "docs/readme.md", "fileContent": "hello\n", "fileMode": "EXECUTABLE"},
            ]
        ),
    )
    assert sorted(first["filesAdded"], key=lambda f: str(f["absolutePath"])) == [
        {"absolutePath": "docs/readme.md", "blobId": _git_blob_id(b"hello\n"), "fileMode": "EXECUTABLE"},
        {"absolutePath": "src/app.py", "blobId": _git_blob_id(b"print(1)\n"), "fileMode": "NORMAL"},
    ]
    assert (first["filesUpdated"], first["filesDeleted"]) == ([], [])
    old_blob = _git_blob_id(b"print(1)\n")

    source = tmp_path / "app.py"
    source.write_bytes(b"print(2)\n")
    put = _cli(
        server,
        "put-file",
        "--repository-name",
        "repo",
        "--branch-name",
        "main",
        "--file-path",
        "src/app.py",
        "--file-content",
        f"fileb://{source}",
        "--parent-commit-id",
        first["commitId"],
        "--commit-message",
        "two",
    )
    assert put["blobId"] == _git_blob_id(b"print(2)\n")
    assert put["commitId"] != first["commitId"]

    third = _cli(
        server,
        "create-commit",
        "--repository-name",
        "repo",
        "--branch-name",
        "main",
        "--parent-commit-id",
        put["commitId"],
        "--commit-message",
        "copy, delete, chmod",
        "--put-files",
        json.dumps([{"filePath": "src/copy.py", "sourceFile": {"filePath": "src/app.py"}}]),
        "--delete-files",
        "filePath=docs/readme.md",
        "--set-file-modes",
        "filePath=src/app.py,fileMode=EXECUTABLE",
    )
    assert third["filesAdded"] == [
        {"absolutePath": "src/copy.py", "blobId": put["blobId"], "fileMode": "NORMAL"}
    ]
    assert third["filesUpdated"] == [
        {"absolutePath": "src/app.py", "blobId": put["blobId"], "fileMode": "EXECUTABLE"}
    ]
    assert third["filesDeleted"] == [
        {
            "absolutePath": "docs/readme.md",
            "blobId": _git_blob_id(b"hello\n"),
            "fileMode": "EXECUTABLE",
        }
    ]

    got = _cli(server, "get-file", "--repository-name", "repo", "--file-path", "src/app.py")
    assert base64.b64decode(got["fileContent"]) == b"print(2)\n"
    assert (got["commitId"], got["blobId"], got["fileMode"], got["fileSize"]) == (
        third["commitId"],
        put["blobId"],
        "EXECUTABLE",
        9,
    )
    folder = _cli(
        server,
        "get-folder",
        "--repository-name",
        "repo",
        "--folder-path",
        "src",
        "--commit-specifier",
        third["commitId"],
    )
    assert folder["commitId"] == third["commitId"]
    assert folder["files"] == [
        {
            "absolutePath": "src/app.py",
            "relativePath": "app.py",
            "blobId": put["blobId"],
            "fileMode": "EXECUTABLE",
        },
        {
            "absolutePath": "src/copy.py",
            "relativePath": "copy.py",
            "blobId": put["blobId"],
            "fileMode": "NORMAL",
        },
    ]
    assert (folder["subFolders"], folder["symbolicLinks"], folder["subModules"]) == ([], [], [])
    blob = _cli(server, "get-blob", "--repository-name", "repo", "--blob-id", old_blob)
    assert base64.b64decode(blob["content"]) == b"print(1)\n"

    commit = _cli(server, "get-commit", "--repository-name", "repo", "--commit-id", put["commitId"])["commit"]
    assert commit["commitId"] == put["commitId"]
    assert commit["parents"] == [first["commitId"]]
    assert commit["message"].strip() == "two"
    assert commit["treeId"] == put["treeId"]
    missing = "0" * 40
    batch = _cli(
        server,
        "batch-get-commits",
        "--repository-name",
        "repo",
        "--commit-ids",
        first["commitId"],
        third["commitId"],
        missing,
    )
    assert sorted(c["commitId"] for c in batch["commits"]) == sorted([first["commitId"], third["commitId"]])
    assert {c["commitId"]: c["author"]["name"] for c in batch["commits"]}[first["commitId"]] == "Ann"
    assert [(e["commitId"], e["errorCode"]) for e in batch["errors"]] == [
        (missing, "CommitIdDoesNotExistException")
    ]

    differences = _cli(
        server,
        "get-differences",
        "--repository-name",
        "repo",
        "--before-commit-specifier",
        first["commitId"],
        "--after-commit-specifier",
        "main",
    )["differences"]
    by_path = {(d.get("afterBlob") or d["beforeBlob"])["path"]: d for d in differences}
    assert {path: d["changeType"] for path, d in by_path.items()} == {
        "docs/readme.md": "D",
        "src/app.py": "M",
        "src/copy.py": "A",
    }
    assert by_path["src/app.py"]["beforeBlob"]["blobId"] == old_blob
    assert by_path["src/app.py"]["afterBlob"] == {
        "blobId": put["blobId"],
        "path": "src/app.py",
        "mode": "100755",
    }

    blob_diff = _cli(
        server,
        "get-blob-differences",
        "--repository-name",
        "repo",
        "--before-blob-id",
        old_blob,
        "--after-blob-id",
        put["blobId"],
        data_path=installed_models(tmp_path / "models"),
    )
    assert blob_diff["hunks"] == [
        {
            "beforeStartLine": 1,
            "beforeLineCount": 1,
            "afterStartLine": 1,
            "afterLineCount": 1,
            "changes": [
                {"type": "DELETE", "beforeLineNumber": 1, "content": "print(1)"},
                {"type": "ADD", "afterLineNumber": 1, "content": "print(2)"},
            ],
        }
    ]
    assert (blob_diff["isBinary"], blob_diff["beforeBlobSize"], blob_diff["afterBlobSize"]) == (False, 9, 9)

    history = _cli(
        server, "list-file-commit-history", "--repository-name", "repo", "--file-path", "src/app.py"
    )["revisionDag"]
    # Newest first: the mode change, the new content, the first version; each with its children.
    assert [(e["commit"]["commitId"], e["blobId"], e["path"], e["revisionChildren"]) for e in history] == [
        (third["commitId"], put["blobId"], "src/app.py", []),
        (put["commitId"], put["blobId"], "src/app.py", [third["commitId"]]),
        (first["commitId"], old_blob, "src/app.py", [put["commitId"]]),
    ]
    assert (history[2]["commit"]["parents"], history[2]["commit"]["author"]["email"]) == (
        [],
        "ann@example.com",
    )

    deleted = _cli(
        server,
        "delete-file",
        "--repository-name",
        "repo",
        "--branch-name",
        "main",
        "--file-path",
        "src/copy.py",
        "--parent-commit-id",
        third["commitId"],
    )
    assert (deleted["filePath"], deleted["blobId"]) == ("src/copy.py", put["blobId"])
    assert (
        cc.get_branch(repositoryName="repo", branchName="main")["branch"]["commitId"] == deleted["commitId"]
    )


def _commit(cc: Any, branch: str, parent: str, files: dict[str, str], message: str) -> str:
    put_files = [{"filePath": path, "fileContent": text.encode()} for path, text in files.items()]
    return str(
        cc.create_commit(
            repositoryName="repo",
            branchName=branch,
            parentCommitId=parent,
            putFiles=put_files,
            commitMessage=message,
        )["commitId"]
    )


def test_merges_and_conflicts(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    base = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        putFiles=[{"filePath": "notes.txt", "fileContent": b"one\ntwo\nthree\n"}],
    )["commitId"]
    for branch in ("ahead", "left", "right", "squashed", "joined"):
        cc.create_branch(repositoryName="repo", branchName=branch, commitId=base)
    ahead = _commit(cc, "ahead", base, {"ahead.txt": "ahead\n"}, "ahead")
    left = _commit(cc, "left", base, {"notes.txt": "one\nLEFT\nthree\n"}, "left")
    right = _commit(cc, "right", base, {"notes.txt": "one\nRIGHT\nthree\n"}, "right")
    first_of_two = _commit(cc, "squashed", base, {"a.txt": "a\n"}, "a")
    _commit(cc, "squashed", first_of_two, {"b.txt": "b\n"}, "b")
    joined = _commit(cc, "joined", base, {"c.txt": "c\n"}, "c")
    pair = (
        "--repository-name",
        "repo",
        "--source-commit-specifier",
        "left",
        "--destination-commit-specifier",
        "right",
    )

    line_level = ("--conflict-detail-level", "LINE_LEVEL")
    options = _cli(server, "get-merge-options", *pair)
    assert options == {
        "mergeOptions": [],  # conflicting: no merge would go through without a resolution
        "sourceCommitId": left,
        "destinationCommitId": right,
        "baseCommitId": base,
    }
    conflicts = _cli(server, "get-merge-conflicts", *pair, *line_level, "--merge-option", "THREE_WAY_MERGE")
    assert (conflicts["mergeable"], conflicts["baseCommitId"]) == (False, base)
    [metadata] = conflicts["conflictMetadataList"]
    assert (metadata["filePath"], metadata["contentConflict"], metadata["numberOfConflicts"]) == (
        "notes.txt",
        True,
        1,
    )
    described = _cli(
        server,
        "describe-merge-conflicts",
        *pair,
        *line_level,
        "--merge-option",
        "THREE_WAY_MERGE",
        "--file-path",
        "notes.txt",
    )
    assert described["conflictMetadata"] == metadata
    [hunk] = described["mergeHunks"]
    assert hunk["isConflict"] is True
    sides = ("source", "destination", "base")
    assert [
        (hunk[side]["startLine"], hunk[side]["endLine"], hunk[side]["hunkContent"]) for side in sides
    ] == [
        (1, 2, base64.b64encode(b"LEFT\n").decode()),
        (1, 2, base64.b64encode(b"RIGHT\n").decode()),
        (1, 2, base64.b64encode(b"two\n").decode()),
    ]
    batch = _cli(
        server, "batch-describe-merge-conflicts", *pair, *line_level, "--merge-option", "THREE_WAY_MERGE"
    )
    assert batch["conflicts"] == [{"conflictMetadata": metadata, "mergeHunks": [hunk]}]
    assert batch["errors"] == []

    resolution = {
        "replaceContents": [
            {"filePath": "notes.txt", "replacementType": "USE_NEW_CONTENT", "content": "one\nBOTH\nthree\n"}
        ]
    }
    unreferenced = _cli(
        server,
        "create-unreferenced-merge-commit",
        *pair,
        "--merge-option",
        "THREE_WAY_MERGE",
        "--conflict-resolution",
        json.dumps(resolution),
        "--commit-message",
        "resolved",
    )
    resolved = cc.get_file(
        repositoryName="repo", commitSpecifier=unreferenced["commitId"], filePath="notes.txt"
    )
    assert resolved["fileContent"] == b"one\nBOTH\nthree\n"
    assert cc.get_commit(repositoryName="repo", commitId=unreferenced["commitId"])["commit"]["parents"] == [
        right,
        left,
    ]
    # Unreferenced: no branch moved.
    assert cc.get_branch(repositoryName="repo", branchName="right")["branch"]["commitId"] == right

    _cli_fails(
        server,
        "merge-branches-by-fast-forward",
        "ManualMergeRequiredException",
        *pair,
        "--target-branch",
        "right",
    )
    fast = _cli(
        server,
        "merge-branches-by-fast-forward",
        "--repository-name",
        "repo",
        "--source-commit-specifier",
        "ahead",
        "--destination-commit-specifier",
        "main",
        "--target-branch",
        "main",
    )
    assert fast["commitId"] == ahead
    squash = _cli(
        server,
        "merge-branches-by-squash",
        "--repository-name",
        "repo",
        "--source-commit-specifier",
        "squashed",
        "--destination-commit-specifier",
        "main",
        "--target-branch",
        "main",
        "--commit-message",
        "squash a and b",
        "--author-name",
        "Ann",
        "--email",
        "ann@example.com",
    )
    squash_commit = cc.get_commit(repositoryName="repo", commitId=squash["commitId"])["commit"]
    assert (squash_commit["parents"], squash_commit["author"]["name"]) == ([ahead], "Ann")
    assert squash_commit["message"].strip() == "squash a and b"
    three_way = _cli(
        server,
        "merge-branches-by-three-way",
        "--repository-name",
        "repo",
        "--source-commit-specifier",
        "joined",
        "--destination-commit-specifier",
        "main",
        "--target-branch",
        "main",
    )
    assert cc.get_commit(repositoryName="repo", commitId=three_way["commitId"])["commit"]["parents"] == [
        squash["commitId"],
        joined,
    ]
    folder = cc.get_folder(repositoryName="repo", folderPath="/")
    assert sorted(f["absolutePath"] for f in folder["files"]) == [
        "a.txt",
        "ahead.txt",
        "b.txt",
        "c.txt",
        "notes.txt",
    ]
    assert (
        cc.get_branch(repositoryName="repo", branchName="main")["branch"]["commitId"] == three_way["commitId"]
    )
    merge = _cli(
        server,
        "get-merge-commit",
        "--repository-name",
        "repo",
        "--source-commit-specifier",
        "joined",
        "--destination-commit-specifier",
        "main",
    )
    assert merge == {
        "sourceCommitId": joined,
        "destinationCommitId": three_way["commitId"],
        "baseCommitId": joined,
        "mergedCommitId": three_way["commitId"],
    }


def test_pull_request_reviews(server: Server) -> None:
    cc = server.client("codecommit")
    base, tip = _repository_with_feature(cc, "repo")
    alice, bob = _user(server, "alice"), _user(server, "bob")
    pull = _cli(
        server,
        "create-pull-request",
        "--title",
        "Add feature",
        "--description",
        "First try",
        "--targets",
        "repositoryName=repo,sourceReference=feature,destinationReference=main",
        "--client-request-token",
        "pr-1",
        who=alice,
    )["pullRequest"]
    pull_id = pull["pullRequestId"]
    assert (pull["title"], pull["description"], pull["pullRequestStatus"], pull["authorArn"]) == (
        "Add feature",
        "First try",
        "OPEN",
        alice.arn,
    )
    assert pull["clientRequestToken"] == "pr-1"
    [target] = pull["pullRequestTargets"]
    assert (target["sourceReference"], target["destinationReference"]) == (
        "refs/heads/feature",
        "refs/heads/main",
    )
    assert (target["sourceCommit"], target["destinationCommit"], target["mergeBase"]) == (tip, base, base)
    assert target["mergeMetadata"] == {"isMerged": False}
    pr = ("--pull-request-id", pull_id)

    assert _cli(server, "get-pull-request", *pr)["pullRequest"] == pull
    listed = _cli(
        server,
        "list-pull-requests",
        "--repository-name",
        "repo",
        "--author-arn",
        alice.arn,
        "--pull-request-status",
        "OPEN",
    )
    assert listed["pullRequestIds"] == [pull_id]
    titled = _cli(server, "update-pull-request-title", *pr, "--title", "Add the feature", who=alice)[
        "pullRequest"
    ]
    assert titled["title"] == "Add the feature"
    described = _cli(server, "update-pull-request-description", *pr, "--description", "Ready", who=alice)
    assert (described["pullRequest"]["title"], described["pullRequest"]["description"]) == (
        "Add the feature",
        "Ready",
    )

    rule = _cli(
        server,
        "create-pull-request-approval-rule",
        *pr,
        "--approval-rule-name",
        "Two reviewers",
        "--approval-rule-content",
        _rule(2),
        who=alice,
    )["approvalRule"]
    assert (rule["approvalRuleName"], rule["lastModifiedUser"]) == ("Two reviewers", alice.arn)
    assert json.loads(rule["approvalRuleContent"])["Statements"][0]["NumberOfApprovalsNeeded"] == 2
    updated = _cli(
        server,
        "update-pull-request-approval-rule-content",
        *pr,
        "--approval-rule-name",
        "Two reviewers",
        "--existing-rule-content-sha256",
        rule["ruleContentSha256"],
        "--new-rule-content",
        _rule(1, [bob.arn]),
    )["approvalRule"]
    assert (updated["approvalRuleId"], updated["lastModifiedUser"]) == (rule["approvalRuleId"], ROOT)
    assert json.loads(updated["approvalRuleContent"]) == json.loads(_rule(1, [bob.arn]))
    assert updated["ruleContentSha256"] != rule["ruleContentSha256"]

    revision = pull["revisionId"]
    _cli_fails(
        server,
        "update-pull-request-approval-state",
        "PullRequestCannotBeApprovedByAuthorException",
        *pr,
        "--revision-id",
        revision,
        "--approval-state",
        "APPROVE",
        who=alice,
    )
    approved = _cli(
        server,
        "update-pull-request-approval-state",
        *pr,
        "--revision-id",
        revision,
        "--approval-state",
        "APPROVE",
        who=bob,
    )
    assert approved == {}
    states = _cli(server, "get-pull-request-approval-states", *pr, "--revision-id", revision)
    assert states == {"approvals": [{"userArn": bob.arn, "approvalState": "APPROVE"}]}
    carol = cc.create_pull_request_approval_rule(
        pullRequestId=pull_id,
        approvalRuleName="Carol",
        approvalRuleContent=_rule(1, [f"arn:aws:iam::{ACCOUNT}:user/carol"]),
    )["approvalRule"]
    evaluation = _cli(server, "evaluate-pull-request-approval-rules", *pr, "--revision-id", revision)[
        "evaluation"
    ]
    assert evaluation == {
        "approved": False,
        "overridden": False,
        "approvalRulesSatisfied": ["Two reviewers"],
        "approvalRulesNotSatisfied": ["Carol"],
    }
    override = _cli(
        server,
        "override-pull-request-approval-rules",
        *pr,
        "--revision-id",
        revision,
        "--override-status",
        "OVERRIDE",
        who=bob,
    )
    assert override == {}
    state = _cli(server, "get-pull-request-override-state", *pr, "--revision-id", revision)
    assert state == {"overridden": True, "overrider": bob.arn}
    removed = _cli(server, "delete-pull-request-approval-rule", *pr, "--approval-rule-name", "Carol")
    assert removed == {"approvalRuleId": carol["approvalRuleId"]}
    assert [
        r["approvalRuleName"]
        for r in cc.get_pull_request(pullRequestId=pull_id)["pullRequest"]["approvalRules"]
    ] == ["Two reviewers"]

    merged = _cli(
        server,
        "merge-pull-request-by-fast-forward",
        *pr,
        "--repository-name",
        "repo",
        "--source-commit-id",
        tip,
    )["pullRequest"]
    assert merged["pullRequestStatus"] == "CLOSED"
    metadata = merged["pullRequestTargets"][0]["mergeMetadata"]
    assert (metadata["isMerged"], metadata["mergedBy"], metadata["mergeOption"]) == (
        True,
        ROOT,
        "FAST_FORWARD_MERGE",
    )
    assert cc.get_branch(repositoryName="repo", branchName="main")["branch"]["commitId"] == tip

    events = _cli(server, "describe-pull-request-events", *pr)["pullRequestEvents"]
    assert [(e["pullRequestEventType"], e["actorArn"]) for e in events] == [
        ("PULL_REQUEST_CREATED", alice.arn),
        ("PULL_REQUEST_APPROVAL_RULE_CREATED", alice.arn),
        ("PULL_REQUEST_APPROVAL_RULE_UPDATED", ROOT),
        ("PULL_REQUEST_APPROVAL_STATE_CHANGED", bob.arn),
        ("PULL_REQUEST_APPROVAL_RULE_CREATED", ROOT),
        ("PULL_REQUEST_APPROVAL_RULE_OVERRIDDEN", bob.arn),
        ("PULL_REQUEST_APPROVAL_RULE_DELETED", ROOT),
        ("PULL_REQUEST_MERGE_STATE_CHANGED", ROOT),
    ]
    assert {e["pullRequestId"] for e in events} == {pull_id}
    assert events[0]["pullRequestCreatedEventMetadata"] == {
        "repositoryName": "repo",
        "sourceCommitId": tip,
        "destinationCommitId": base,
        "mergeBase": base,
    }
    assert events[3]["approvalStateChangedEventMetadata"] == {
        "revisionId": revision,
        "approvalStatus": "APPROVE",
    }
    assert events[5]["approvalRuleOverriddenEventMetadata"] == {
        "revisionId": revision,
        "overrideStatus": "OVERRIDE",
    }
    assert events[6]["approvalRuleEventMetadata"]["approvalRuleName"] == "Carol"
    assert events[7]["pullRequestMergedStateChangedEventMetadata"] == {
        "repositoryName": "repo",
        "destinationReference": "refs/heads/main",
        "mergeMetadata": metadata,
    }


def test_pull_request_merges_and_status(server: Server) -> None:
    cc = server.client("codecommit")
    base, _ = _repository_with_feature(cc, "repo")
    for branch in ("squashed", "joined", "dropped"):
        cc.create_branch(repositoryName="repo", branchName=branch, commitId=base)
    squashed = _commit(cc, "squashed", base, {"a.txt": "a\n"}, "a")
    squashed = _commit(cc, "squashed", squashed, {"b.txt": "b\n"}, "b")
    joined = _commit(cc, "joined", base, {"c.txt": "c\n"}, "c")
    _commit(cc, "dropped", base, {"d.txt": "d\n"}, "d")
    pulls = {
        branch: cc.create_pull_request(
            title=branch,
            targets=[{"repositoryName": "repo", "sourceReference": branch, "destinationReference": "main"}],
        )["pullRequest"]["pullRequestId"]
        for branch in ("squashed", "joined", "dropped")
    }

    squash = _cli(
        server,
        "merge-pull-request-by-squash",
        "--pull-request-id",
        pulls["squashed"],
        "--repository-name",
        "repo",
        "--source-commit-id",
        squashed,
        "--commit-message",
        "a and b",
        "--author-name",
        "Ann",
        "--email",
        "ann@example.com",
    )["pullRequest"]
    squash_metadata = squash["pullRequestTargets"][0]["mergeMetadata"]
    assert (squash["pullRequestStatus"], squash_metadata["isMerged"], squash_metadata["mergeOption"]) == (
        "CLOSED",
        True,
        "SQUASH_MERGE",
    )
    squash_commit = cc.get_commit(repositoryName="repo", commitId=squash_metadata["mergeCommitId"])["commit"]
    assert (squash_commit["parents"], squash_commit["message"].strip()) == ([base], "a and b")
    assert squash_commit["author"]["name"] == "Ann"

    three_way = _cli(
        server,
        "merge-pull-request-by-three-way",
        "--pull-request-id",
        pulls["joined"],
        "--repository-name",
        "repo",
        "--source-commit-id",
        joined,
    )["pullRequest"]
    joined_metadata = three_way["pullRequestTargets"][0]["mergeMetadata"]
    assert (joined_metadata["isMerged"], joined_metadata["mergeOption"]) == (True, "THREE_WAY_MERGE")
    merge_commit = cc.get_commit(repositoryName="repo", commitId=joined_metadata["mergeCommitId"])["commit"]
    assert merge_commit["parents"] == [squash_metadata["mergeCommitId"], joined]
    assert (
        cc.get_branch(repositoryName="repo", branchName="main")["branch"]["commitId"]
        == merge_commit["commitId"]
    )

    closed = _cli(
        server,
        "update-pull-request-status",
        "--pull-request-id",
        pulls["dropped"],
        "--pull-request-status",
        "CLOSED",
    )["pullRequest"]
    assert (closed["pullRequestStatus"], closed["pullRequestTargets"][0]["mergeMetadata"]) == (
        "CLOSED",
        {"isMerged": False},
    )
    assert cc.list_pull_requests(repositoryName="repo", pullRequestStatus="OPEN")["pullRequestIds"] == []


def test_approval_rule_templates_and_associations(server: Server) -> None:
    cc = server.client("codecommit")
    for name in ("alpha", "gamma"):
        cc.create_repository(repositoryName=name)
    _repository_with_feature(cc, "beta")
    created = _cli(
        server,
        "create-approval-rule-template",
        "--approval-rule-template-name",
        "two-reviewers",
        "--approval-rule-template-description",
        "Two people look",
        "--approval-rule-template-content",
        _rule(2),
    )["approvalRuleTemplate"]
    assert (created["approvalRuleTemplateName"], created["approvalRuleTemplateDescription"]) == (
        "two-reviewers",
        "Two people look",
    )
    assert created["lastModifiedUser"] == ROOT
    template_id = created["approvalRuleTemplateId"]
    got = _cli(server, "get-approval-rule-template", "--approval-rule-template-name", "two-reviewers")
    assert got["approvalRuleTemplate"] == created
    assert _cli(server, "list-approval-rule-templates")["approvalRuleTemplateNames"] == ["two-reviewers"]

    renamed = _cli(
        server,
        "update-approval-rule-template-name",
        "--old-approval-rule-template-name",
        "two-reviewers",
        "--new-approval-rule-template-name",
        "one-reviewer",
    )["approvalRuleTemplate"]
    assert (renamed["approvalRuleTemplateId"], renamed["approvalRuleTemplateName"]) == (
        template_id,
        "one-reviewer",
    )
    described = _cli(
        server,
        "update-approval-rule-template-description",
        "--approval-rule-template-name",
        "one-reviewer",
        "--approval-rule-template-description",
        "One person looks",
    )["approvalRuleTemplate"]
    assert described["approvalRuleTemplateDescription"] == "One person looks"
    content = _cli(
        server,
        "update-approval-rule-template-content",
        "--approval-rule-template-name",
        "one-reviewer",
        "--new-rule-content",
        _rule(1),
        "--existing-rule-content-sha256",
        created["ruleContentSha256"],
    )["approvalRuleTemplate"]
    assert json.loads(content["approvalRuleTemplateContent"]) == json.loads(_rule(1))
    assert content["ruleContentSha256"] != created["ruleContentSha256"]

    template = ("--approval-rule-template-name", "one-reviewer")
    assert (
        _cli(
            server,
            "associate-approval-rule-template-with-repository",
            *template,
            "--repository-name",
            "alpha",
        )
        == {}
    )
    batch = _cli(
        server,
        "batch-associate-approval-rule-template-with-repositories",
        *template,
        "--repository-names",
        "beta",
        "gamma",
        "missing",
    )
    assert batch["associatedRepositoryNames"] == ["beta", "gamma"]
    assert [(e["repositoryName"], e["errorCode"]) for e in batch["errors"]] == [
        ("missing", "RepositoryDoesNotExistException")
    ]
    repositories = _cli(server, "list-repositories-for-approval-rule-template", *template)
    assert sorted(repositories["repositoryNames"]) == ["alpha", "beta", "gamma"]
    associated = _cli(
        server, "list-associated-approval-rule-templates-for-repository", "--repository-name", "alpha"
    )
    assert associated["approvalRuleTemplateNames"] == ["one-reviewer"]

    # A pull request opened in an associated repository gets the template's rule.
    pull = cc.create_pull_request(
        title="t",
        targets=[{"repositoryName": "beta", "sourceReference": "feature", "destinationReference": "main"}],
    )["pullRequest"]
    [rule] = pull["approvalRules"]
    assert json.loads(rule["approvalRuleContent"]) == json.loads(_rule(1))
    assert rule["originApprovalRuleTemplate"] == {
        "approvalRuleTemplateId": template_id,
        "approvalRuleTemplateName": "one-reviewer",
    }

    assert (
        _cli(
            server,
            "disassociate-approval-rule-template-from-repository",
            *template,
            "--repository-name",
            "alpha",
        )
        == {}
    )
    unbatched = _cli(
        server,
        "batch-disassociate-approval-rule-template-from-repositories",
        *template,
        "--repository-names",
        "beta",
        "gamma",
    )
    assert unbatched == {"disassociatedRepositoryNames": ["beta", "gamma"], "errors": []}
    assert (
        cc.list_repositories_for_approval_rule_template(approvalRuleTemplateName="one-reviewer")[
            "repositoryNames"
        ]
        == []
    )
    deleted = _cli(server, "delete-approval-rule-template", *template)
    assert deleted == {"approvalRuleTemplateId": template_id}
    assert cc.list_approval_rule_templates()["approvalRuleTemplateNames"] == []


def test_comments_and_reactions(server: Server) -> None:
    cc = server.client("codecommit")
    base, tip = _repository_with_feature(cc, "repo")
    alice = _user(server, "alice")
    pull_id = cc.create_pull_request(
        title="t",
        targets=[{"repositoryName": "repo", "sourceReference": "feature", "destinationReference": "main"}],
    )["pullRequest"]["pullRequestId"]
    commits = ("--repository-name", "repo", "--before-commit-id", base, "--after-commit-id", tip)

    on_commits = _cli(
        server,
        "post-comment-for-compared-commit",
        *commits,
        "--content",
        "Why a new file?",
        "--location",
        "filePath=feature.txt,filePosition=1,relativeFileVersion=AFTER",
        who=alice,
    )
    assert (on_commits["beforeCommitId"], on_commits["afterCommitId"], on_commits["repositoryName"]) == (
        base,
        tip,
        "repo",
    )
    assert on_commits["location"] == {
        "filePath": "feature.txt",
        "filePosition": 1,
        "relativeFileVersion": "AFTER",
    }
    assert "beforeBlobId" not in on_commits
    commit_comment = on_commits["comment"]
    assert (commit_comment["authorArn"], commit_comment["content"], commit_comment["deleted"]) == (
        alice.arn,
        "Why a new file?",
        False,
    )

    on_pull = _cli(
        server,
        "post-comment-for-pull-request",
        "--pull-request-id",
        pull_id,
        *commits,
        "--content",
        "Looks good",
    )
    assert on_pull["pullRequestId"] == pull_id
    pull_comment = on_pull["comment"]
    reply = _cli(
        server,
        "post-comment-reply",
        "--in-reply-to",
        pull_comment["commentId"],
        "--content",
        "Thanks",
        who=alice,
    )
    assert (reply["comment"]["inReplyTo"], reply["comment"]["authorArn"]) == (
        pull_comment["commentId"],
        alice.arn,
    )

    comment_id = commit_comment["commentId"]
    _cli_fails(
        server,
        "update-comment",
        "CommentNotCreatedByCallerException",
        "--comment-id",
        comment_id,
        "--content",
        "x",
    )
    edited = _cli(
        server, "update-comment", "--comment-id", comment_id, "--content", "Why feature.txt?", who=alice
    )
    assert (edited["comment"]["commentId"], edited["comment"]["content"]) == (comment_id, "Why feature.txt?")

    assert (
        _cli(server, "put-comment-reaction", "--comment-id", comment_id, "--reaction-value", ":thumbsup:")
        == {}
    )
    alice.client("codecommit").put_comment_reaction(commentId=comment_id, reactionValue=":+1:")
    reactions = _cli(server, "get-comment-reactions", "--comment-id", comment_id)["reactionsForComment"]
    assert len(reactions) == 1
    assert reactions[0]["reaction"] == THUMBSUP
    assert sorted(reactions[0]["reactionUsers"]) == sorted([ROOT, alice.arn])
    assert reactions[0]["reactionsFromDeletedUsersCount"] == 0
    got = _cli(server, "get-comment", "--comment-id", comment_id)["comment"]
    assert (got["content"], got["reactionCounts"], got["callerReactions"]) == (
        "Why feature.txt?",
        {"THUMBSUP": 2},
        ["THUMBSUP"],
    )

    compared = _cli(server, "get-comments-for-compared-commit", *commits)["commentsForComparedCommitData"]
    assert [[c["commentId"] for c in data["comments"]] for data in compared] == [[comment_id]]
    assert compared[0]["location"] == on_commits["location"]
    for_pull = _cli(server, "get-comments-for-pull-request", "--pull-request-id", pull_id)[
        "commentsForPullRequestData"
    ]
    assert [[c["commentId"] for c in data["comments"]] for data in for_pull] == [
        [pull_comment["commentId"], reply["comment"]["commentId"]]
    ]
    assert for_pull[0]["pullRequestId"] == pull_id

    deleted = _cli(
        server, "delete-comment-content", "--comment-id", reply["comment"]["commentId"], who=alice
    )["comment"]
    assert (deleted["deleted"], deleted.get("content")) == (True, None)


def _called_commands() -> set[str]:
    """The commands of every `_cli(server, "<command>", ...)` call in this file."""
    tree = ast.parse(Path(__file__).read_text())
    return {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_cli"
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    }


def test_every_implemented_operation_is_called_through_the_cli() -> None:
    model = botocore.session.get_session().get_service_model("codecommit")
    implemented = [
        op for op in model.operation_names if callable(getattr(CodeCommitApi, xform_name(op), None))
    ]
    expected = {xform_name(op).replace("_", "-") for op in implemented}
    called = _called_commands()
    assert "create-repository" in expected
    assert "put-repository-triggers" not in expected  # repository triggers are not implemented
    assert sorted(expected - called) == [], "implemented operations this file never calls through the CLI"
    assert sorted(called - expected) == [], "commands of operations CodeCommit does not implement"
