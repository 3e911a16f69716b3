"""CodeCommit GetDifferences through boto3 and the aws CLI, checked against `git diff` on the bare
repository: whole trees, paths, renamed folders, modes, pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.api.codecommit.objects_support import in_bare, ls_tree, raises
from tests.support.git import seed
from tests.support.server import Server


def _short(differences: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None]]:
    return [
        (d["changeType"], d.get("beforeBlob", {}).get("path"), d.get("afterBlob", {}).get("path"))
        for d in differences
    ]


def _git_diff(server: Server, before: str, after: str, *paths: str) -> list[tuple[str, str]]:
    """`git diff --name-status` (no rename detection), as (status, path) pairs."""
    out = in_bare(server, "repo", "diff", "--no-renames", "--name-status", before, after, "--", *paths)
    return [(line.split("\t")[0], line.split("\t")[1]) for line in out.splitlines()]


def _two_commits(server: Server, cc: Any) -> tuple[str, str]:
    cc.create_repository(repositoryName="repo")
    first = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        putFiles=[
            {"filePath": "keep.txt", "fileContent": b"keep"},
            {"filePath": "change.txt", "fileContent": b"v1"},
            {"filePath": "drop.txt", "fileContent": b"drop"},
            {"filePath": "run.sh", "fileContent": b"#!/bin/sh"},
            {"filePath": "old/a.txt", "fileContent": b"a"},
            {"filePath": "old/b.txt", "fileContent": b"b"},
        ],
    )["commitId"]
    second = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        parentCommitId=first,
        putFiles=[
            {"filePath": "change.txt", "fileContent": b"v2"},
            {"filePath": "new/add.txt", "fileContent": b"add"},
            {"filePath": "link", "fileContent": b"keep.txt", "fileMode": "SYMLINK"},
            {"filePath": "renamed/a.txt", "sourceFile": {"filePath": "old/a.txt", "isMove": True}},
            {"filePath": "renamed/b.txt", "fileContent": b"b2"},
        ],
        deleteFiles=[{"filePath": "drop.txt"}, {"filePath": "old/b.txt"}],
        setFileModes=[{"filePath": "run.sh", "fileMode": "EXECUTABLE"}],
    )["commitId"]
    return first, second


def test_differences_between_two_commits(server: Server) -> None:
    cc = server.client("codecommit")
    first, second = _two_commits(server, cc)
    tree1, tree2 = ls_tree(server, "repo", first), ls_tree(server, "repo", second)
    found = cc.get_differences(
        repositoryName="repo", beforeCommitSpecifier=first, afterCommitSpecifier="main"
    )["differences"]
    assert sorted((c, b or a) for c, b, a in _short(found)) == sorted(_git_diff(server, first, second))
    by_path = {(d.get("afterBlob") or d["beforeBlob"])["path"]: d for d in found}
    assert by_path["change.txt"] == {
        "changeType": "M",
        "beforeBlob": {"blobId": tree1["change.txt"][1], "path": "change.txt", "mode": "100644"},
        "afterBlob": {"blobId": tree2["change.txt"][1], "path": "change.txt", "mode": "100644"},
    }
    assert by_path["run.sh"]["beforeBlob"]["mode"] == "100644"
    assert by_path["run.sh"]["afterBlob"]["mode"] == "100755"
    assert by_path["run.sh"]["changeType"] == "M"
    assert by_path["link"] == {
        "changeType": "A",
        "afterBlob": {"blobId": tree2["link"][1], "path": "link", "mode": "120000"},
    }
    assert by_path["drop.txt"] == {
        "changeType": "D",
        "beforeBlob": {"blobId": tree1["drop.txt"][1], "path": "drop.txt", "mode": "100644"},
    }
    # Without a before commit, everything in the after commit is added.
    everything = cc.get_differences(repositoryName="repo", afterCommitSpecifier=first)["differences"]
    assert sorted(_short(everything)) == sorted(("A", None, path) for path in tree1)
    # The same commit on both sides: nothing.
    assert (
        cc.get_differences(repositoryName="repo", beforeCommitSpecifier="main", afterCommitSpecifier=second)[
            "differences"
        ]
        == []
    )


def test_differences_limited_to_paths(server: Server) -> None:
    cc = server.client("codecommit")
    first, second = _two_commits(server, cc)
    tree1, tree2 = ls_tree(server, "repo", first), ls_tree(server, "repo", second)
    old = cc.get_differences(
        repositoryName="repo", beforeCommitSpecifier=first, afterCommitSpecifier=second, afterPath="old"
    )["differences"]
    assert _short(old) == [("D", "old/a.txt", None), ("D", "old/b.txt", None)]
    assert _short(old) == [("D", b, None) for _, b in _git_diff(server, first, second, "old")]
    one = cc.get_differences(
        repositoryName="repo",
        beforeCommitSpecifier=first,
        afterCommitSpecifier=second,
        beforePath="/change.txt",
    )["differences"]
    assert _short(one) == [("M", "change.txt", "change.txt")]
    added = cc.get_differences(
        repositoryName="repo", beforeCommitSpecifier=first, afterCommitSpecifier=second, afterPath="new"
    )["differences"]
    assert _short(added) == [("A", None, "new/add.txt")]
    # A renamed folder compared with its old name: the same file is unchanged, the other modified.
    renamed = cc.get_differences(
        repositoryName="repo",
        beforeCommitSpecifier=first,
        afterCommitSpecifier=second,
        beforePath="old",
        afterPath="renamed",
    )["differences"]
    assert renamed == [
        {
            "changeType": "M",
            "beforeBlob": {"blobId": tree1["old/b.txt"][1], "path": "old/b.txt", "mode": "100644"},
            "afterBlob": {"blobId": tree2["renamed/b.txt"][1], "path": "renamed/b.txt", "mode": "100644"},
        }
    ]
    raises(
        "PathDoesNotExistException",
        cc.get_differences,
        repositoryName="repo",
        beforeCommitSpecifier=first,
        afterCommitSpecifier=second,
        afterPath="nowhere",
    )
    raises(
        "InvalidPathException",
        cc.get_differences,
        repositoryName="repo",
        afterCommitSpecifier=second,
        afterPath="a/../b",
    )


def test_differences_pages(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    seed(server, tmp_path / "w", "repo", {f"f{i:02}.txt": str(i) for i in range(7)})
    first = cc.get_differences(repositoryName="repo", afterCommitSpecifier="main", MaxResults=3)
    assert [d["afterBlob"]["path"] for d in first["differences"]] == ["f00.txt", "f01.txt", "f02.txt"]
    second = cc.get_differences(
        repositoryName="repo", afterCommitSpecifier="main", MaxResults=3, NextToken=first["NextToken"]
    )
    assert [d["afterBlob"]["path"] for d in second["differences"]] == ["f03.txt", "f04.txt", "f05.txt"]
    last = cc.get_differences(
        repositoryName="repo", afterCommitSpecifier="main", MaxResults=3, NextToken=second["NextToken"]
    )
    assert [d["afterBlob"]["path"] for d in last["differences"]] == ["f06.txt"]
    assert "NextToken" not in last
    paginator = cc.get_paginator("get_differences")
    pages = list(
        paginator.paginate(
            repositoryName="repo", afterCommitSpecifier="main", PaginationConfig={"PageSize": 2}
        )
    )
    assert len(pages) == 4
    assert [d["afterBlob"]["path"] for p in pages for d in p["differences"]] == [
        f"f{i:02}.txt" for i in range(7)
    ]
    raises(
        "InvalidMaxResultsException",
        cc.get_differences,
        repositoryName="repo",
        afterCommitSpecifier="main",
        MaxResults=0,
    )
    raises(
        "InvalidContinuationTokenException",
        cc.get_differences,
        repositoryName="repo",
        afterCommitSpecifier="main",
        NextToken="bogus",
    )


def test_differences_errors(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    seed(server, tmp_path / "w", "repo", {"a.txt": "a"})
    raises("CommitRequiredException", cc.get_differences, repositoryName="repo", afterCommitSpecifier="")
    raises(
        "CommitDoesNotExistException", cc.get_differences, repositoryName="repo", afterCommitSpecifier="nope"
    )
    raises(
        "CommitDoesNotExistException",
        cc.get_differences,
        repositoryName="repo",
        afterCommitSpecifier="main",
        beforeCommitSpecifier="0" * 40,
    )
    raises("InvalidCommitException", cc.get_differences, repositoryName="repo", afterCommitSpecifier="main~1")
    raises(
        "InvalidCommitException",
        cc.get_differences,
        repositoryName="repo",
        afterCommitSpecifier="main",
        beforeCommitSpecifier="main..x",
    )
    raises(
        "RepositoryDoesNotExistException",
        cc.get_differences,
        repositoryName="nope",
        afterCommitSpecifier="main",
    )


def test_differences_through_the_aws_cli(server: Server) -> None:
    cc = server.client("codecommit")
    first, second = _two_commits(server, cc)
    out = json.loads(
        server.aws(
            "codecommit",
            "get-differences",
            "--repository-name",
            "repo",
            "--before-commit-specifier",
            first,
            "--after-commit-specifier",
            second,
            "--before-path",
            "old",
            "--after-path",
            "renamed",
        ).stdout
    )
    assert _short(out["differences"]) == [("M", "old/b.txt", "renamed/b.txt")]
    # The CLI pages through everything on its own.
    paged = json.loads(
        server.aws(
            "codecommit",
            "get-differences",
            "--repository-name",
            "repo",
            "--after-commit-specifier",
            second,
            "--page-size",
            "2",
        ).stdout
    )
    assert sorted(d["afterBlob"]["path"] for d in paged["differences"]) == sorted(
        ls_tree(server, "repo", second)
    )
