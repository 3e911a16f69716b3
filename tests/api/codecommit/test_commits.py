"""CodeCommit commits through boto3 and the aws CLI: CreateCommit, GetCommit, BatchGetCommits and
ListFileCommitHistory, checked against the git CLI on the bare repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.api.codecommit.objects_support import in_bare, ls_tree, raises, rich_commit, show
from tests.support.git import bare_path, git, seed
from tests.support.server import Server

MB = 1024 * 1024


def _files(response: dict[str, Any], key: str) -> list[tuple[str, str, str]]:
    return sorted((f["absolutePath"], f["blobId"], f["fileMode"]) for f in response[key])


def test_create_commit_in_an_empty_repository_creates_the_branch(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    done = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        authorName="Mary Major",
        email="mary@example.com",
        commitMessage="first",
        putFiles=[
            {"filePath": "readme.md", "fileContent": b"Welcome"},
            {"filePath": "/bin/tool", "fileContent": b"\x00\x01binary", "fileMode": "EXECUTABLE"},
            {"filePath": "docs/link", "fileContent": b"../readme.md", "fileMode": "SYMLINK"},
        ],
    )
    tree = ls_tree(server, "repo", done["commitId"])
    assert tree == {
        "readme.md": ("100644", tree["readme.md"][1]),
        "bin/tool": ("100755", tree["bin/tool"][1]),
        "docs/link": ("120000", tree["docs/link"][1]),
    }
    assert show(server, "repo", tree["bin/tool"][1]) == b"\x00\x01binary"
    assert _files(done, "filesAdded") == sorted(
        [
            ("readme.md", tree["readme.md"][1], "NORMAL"),
            ("bin/tool", tree["bin/tool"][1], "EXECUTABLE"),
            ("docs/link", tree["docs/link"][1], "SYMLINK"),
        ]
    )
    assert done["filesUpdated"] == []
    assert done["filesDeleted"] == []
    assert in_bare(server, "repo", "rev-parse", f"{done['commitId']}^{{tree}}").strip() == done["treeId"]
    assert in_bare(server, "repo", "rev-parse", "refs/heads/main").strip() == done["commitId"]
    log = in_bare(server, "repo", "log", "--format=%an|%ae|%cn|%ce|%P|%B", "main").strip()
    assert log == "Mary Major|mary@example.com|Mary Major|mary@example.com||first"
    assert cc.get_repository(repositoryName="repo")["repositoryMetadata"]["defaultBranch"] == "main"
    events = server.events("aws.codecommit")
    assert [(e["detail"]["event"], e["detail"]["commitId"]) for e in events] == [
        ("referenceCreated", done["commitId"])
    ]


def test_create_commit_puts_moves_copies_deletes_and_modes(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    parent = seed(
        server,
        tmp_path / "w",
        "repo",
        {
            "a.txt": "a\n",
            "old/name.txt": "moved\n",
            "copy/me.txt": "copied\n",
            "gone.txt": "bye\n",
            "x.sh": "x\n",
        },
    )
    before = ls_tree(server, "repo", parent)
    done = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        parentCommitId=parent,
        putFiles=[
            {"filePath": "a.txt", "fileContent": b"A\n"},
            {"filePath": "new/file.txt", "fileContent": b"new\n"},
            {"filePath": "new/name.txt", "sourceFile": {"filePath": "old/name.txt", "isMove": True}},
            {
                "filePath": "copy/twin.txt",
                "sourceFile": {"filePath": "/copy/me.txt"},
                "fileMode": "EXECUTABLE",
            },
        ],
        deleteFiles=[{"filePath": "gone.txt"}],
        setFileModes=[{"filePath": "x.sh", "fileMode": "EXECUTABLE"}],
    )
    after = ls_tree(server, "repo", done["commitId"])
    assert sorted(after) == ["a.txt", "copy/me.txt", "copy/twin.txt", "new/file.txt", "new/name.txt", "x.sh"]
    assert after["new/name.txt"] == before["old/name.txt"]
    assert after["copy/twin.txt"] == ("100755", before["copy/me.txt"][1])
    assert after["x.sh"] == ("100755", before["x.sh"][1])
    assert show(server, "repo", f"{done['commitId']}:a.txt") == b"A\n"
    assert _files(done, "filesAdded") == [
        ("copy/twin.txt", before["copy/me.txt"][1], "EXECUTABLE"),
        ("new/file.txt", after["new/file.txt"][1], "NORMAL"),
        ("new/name.txt", before["old/name.txt"][1], "NORMAL"),
    ]
    assert _files(done, "filesUpdated") == [
        ("a.txt", after["a.txt"][1], "NORMAL"),
        ("x.sh", before["x.sh"][1], "EXECUTABLE"),
    ]
    assert _files(done, "filesDeleted") == [
        ("gone.txt", before["gone.txt"][1], "NORMAL"),
        ("old/name.txt", before["old/name.txt"][1], "NORMAL"),
    ]
    assert in_bare(server, "repo", "rev-parse", f"{done['commitId']}^").strip() == parent
    # A folder can take the place of a file the same commit deletes.
    folded = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        parentCommitId=done["commitId"],
        putFiles=[{"filePath": "x.sh/inner.sh", "sourceFile": {"filePath": "x.sh", "isMove": True}}],
    )
    assert ls_tree(server, "repo", folded["commitId"])["x.sh/inner.sh"] == ("100755", before["x.sh"][1])
    assert "x.sh" not in ls_tree(server, "repo", folded["commitId"])
    events = [e["detail"] for e in server.events("aws.codecommit")]
    assert [(e["event"], e["oldCommitId"], e["commitId"]) for e in events] == [
        ("referenceUpdated", parent, done["commitId"]),
        ("referenceUpdated", done["commitId"], folded["commitId"]),
    ]


def test_keep_empty_folders_writes_gitkeep(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    parent = seed(server, tmp_path / "w", "repo", {"top.txt": "t", "a/b/c/one.txt": "1", "d/e/two.txt": "2"})
    kept = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        parentCommitId=parent,
        keepEmptyFolders=True,
        deleteFiles=[{"filePath": "a/b/c/one.txt"}],
    )
    tree = ls_tree(server, "repo", kept["commitId"])
    assert sorted(tree) == ["a/b/c/.gitkeep", "d/e/two.txt", "top.txt"]
    assert [f["absolutePath"] for f in kept["filesAdded"]] == ["a/b/c/.gitkeep"]
    dropped = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        parentCommitId=kept["commitId"],
        deleteFiles=[{"filePath": "d/e/two.txt"}],
    )
    assert sorted(ls_tree(server, "repo", dropped["commitId"])) == ["a/b/c/.gitkeep", "top.txt"]
    raises(
        "RestrictedSourceFileException",
        cc.create_commit,
        repositoryName="repo",
        branchName="main",
        parentCommitId=dropped["commitId"],
        putFiles=[{"filePath": "z", "sourceFile": {"filePath": "a/b/c/.gitkeep"}}],
    )


def test_create_commit_errors(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    raises(
        "FileDoesNotExistException",
        cc.create_commit,
        repositoryName="repo",
        branchName="main",
        deleteFiles=[{"filePath": "a.txt"}],
    )
    parent = rich_commit(server, tmp_path / "w", "repo")

    def commit(code: str, **kwargs: Any) -> None:
        args: dict[str, Any] = {"repositoryName": "repo", "branchName": "main", "parentCommitId": parent}
        args.update(kwargs)
        raises(code, cc.create_commit, **{k: v for k, v in args.items() if v is not None})

    one = [{"filePath": "n.txt", "fileContent": b"n"}]
    commit("FileEntryRequiredException")
    commit(
        "MaximumFileEntriesExceededException",
        putFiles=[{"filePath": f"f{i}", "fileContent": b"x"} for i in range(101)],
    )
    commit("ParentCommitIdRequiredException", parentCommitId=None, putFiles=one)
    commit("InvalidParentCommitIdException", parentCommitId="123", putFiles=one)
    commit("ParentCommitDoesNotExistException", parentCommitId="f" * 40, putFiles=one)
    commit(
        "ParentCommitIdOutdatedException",
        parentCommitId=in_bare(server, "repo", "rev-parse", "main^").strip(),
        putFiles=one,
    )
    commit("BranchDoesNotExistException", branchName="other", putFiles=one)
    commit("InvalidBranchNameException", branchName="bad..name", putFiles=one)
    commit("SourceFileOrContentRequiredException", putFiles=[{"filePath": "n.txt"}])
    commit(
        "FileContentAndSourceFileSpecifiedException",
        putFiles=[{"filePath": "n.txt", "fileContent": b"n", "sourceFile": {"filePath": "README.md"}}],
    )
    commit("PathRequiredException", putFiles=[{"filePath": "", "fileContent": b"n"}])
    commit("PathRequiredException", deleteFiles=[{"filePath": "/"}])
    commit("InvalidPathException", putFiles=[{"filePath": "a/../b", "fileContent": b"n"}])
    commit("InvalidPathException", setFileModes=[{"filePath": "a//b", "fileMode": "NORMAL"}])
    commit(
        "SamePathRequestException",
        putFiles=one,
        deleteFiles=[{"filePath": "n.txt"}],
    )
    commit("SamePathRequestException", deleteFiles=[{"filePath": "README.md"}, {"filePath": "/README.md"}])
    commit(
        "SamePathRequestException",
        putFiles=[{"filePath": "b.md", "sourceFile": {"filePath": "README.md", "isMove": True}}],
        deleteFiles=[{"filePath": "README.md"}],
    )
    commit(
        "PutFileEntryConflictException",
        putFiles=[{"filePath": "p", "fileContent": b"1"}, {"filePath": "p/q", "fileContent": b"2"}],
    )
    commit("FileDoesNotExistException", deleteFiles=[{"filePath": "nope.txt"}])
    commit("FileDoesNotExistException", deleteFiles=[{"filePath": "src"}])
    commit("FileDoesNotExistException", setFileModes=[{"filePath": "nope.sh", "fileMode": "EXECUTABLE"}])
    commit("FileDoesNotExistException", putFiles=[{"filePath": "c", "sourceFile": {"filePath": "nope"}}])
    commit("FileNameConflictsWithDirectoryNameException", putFiles=[{"filePath": "src", "fileContent": b"x"}])
    commit(
        "DirectoryNameConflictsWithFileNameException",
        putFiles=[{"filePath": "README.md/x", "fileContent": b"x"}],
    )
    commit(
        "FilePathConflictsWithSubmodulePathException",
        putFiles=[{"filePath": "vendor/sub/x", "fileContent": b"x"}],
    )
    commit("NoChangeException", putFiles=[{"filePath": "README.md", "fileContent": b"hello\n"}])
    commit("NoChangeException", setFileModes=[{"filePath": "run.sh", "fileMode": "EXECUTABLE"}])
    commit("InvalidFileModeException", setFileModes=[{"filePath": "run.sh", "fileMode": "WRITABLE"}])
    commit("InvalidEmailException", putFiles=one, email="no-at-sign")
    commit("NameLengthExceededException", putFiles=one, authorName="n" * 1025)
    commit("CommitMessageLengthExceededException", putFiles=one, commitMessage="m" * (256 * 1024 + 1))
    commit("RepositoryDoesNotExistException", repositoryName="nope", putFiles=one)
    # Sizes: 6 MB per file (the model's limit answers first), 6 MB of changes per folder, 7 MB in all.
    four = b"4" * (4 * MB)
    commit(
        "FileContentSizeLimitExceededException",
        putFiles=[
            {"filePath": "one/a.bin", "fileContent": four},
            {"filePath": "two/b.bin", "fileContent": four},
        ],
    )
    three = b"3" * (3 * MB + 1)
    commit(
        "FolderContentSizeLimitExceededException",
        putFiles=[
            {"filePath": "same/a.bin", "fileContent": three},
            {"filePath": "same/b.bin", "fileContent": three},
        ],
    )
    commit(
        "FileContentSizeLimitExceededException",
        putFiles=[{"filePath": "big.bin", "fileContent": b"6" * (6 * MB + 1)}],
    )
    assert in_bare(server, "repo", "rev-parse", "main").strip() == parent
    assert server.events("aws.codecommit") == []


def test_get_commit_and_batch_get_commits(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    first = seed(server, tmp_path / "w", "repo", {"a.txt": "a"}, message="first line\n\nbody")
    second = cc.put_file(
        repositoryName="repo",
        branchName="main",
        filePath="b.txt",
        fileContent=b"b",
        parentCommitId=first,
        commitMessage="api commit",
    )["commitId"]
    raw_date = in_bare(server, "repo", "log", "-1", "--format=%ad", "--date=raw", first).strip()
    got = cc.get_commit(repositoryName="repo", commitId=first)["commit"]
    assert got == {
        "commitId": first,
        "treeId": in_bare(server, "repo", "rev-parse", f"{first}^{{tree}}").strip(),
        "parents": [],
        "message": "first line\n\nbody\n",
        "author": {"name": "Test Author", "email": "author@example.com", "date": raw_date},
        "committer": {
            "name": "Test Author",
            "email": "author@example.com",
            "date": in_bare(server, "repo", "log", "-1", "--format=%cd", "--date=raw", first).strip(),
        },
        "additionalData": "",
    }
    api = cc.get_commit(repositoryName="repo", commitId=second)["commit"]
    assert api["parents"] == [first]
    assert api["message"] == "api commit"
    assert api["author"]["name"] == "root"
    assert api["author"]["email"] == ""
    assert (
        api["author"]["date"]
        == in_bare(server, "repo", "log", "-1", "--format=%ad", "--date=raw", second).strip()
    )
    assert api["author"]["date"].endswith(" +0000")
    raises("CommitIdRequiredException", cc.get_commit, repositoryName="repo", commitId="")
    raises("InvalidCommitIdException", cc.get_commit, repositoryName="repo", commitId=first[:12])
    raises("CommitIdDoesNotExistException", cc.get_commit, repositoryName="repo", commitId="0" * 40)
    tree = in_bare(server, "repo", "rev-parse", f"{first}^{{tree}}").strip()
    raises("CommitIdDoesNotExistException", cc.get_commit, repositoryName="repo", commitId=tree)
    raises("RepositoryDoesNotExistException", cc.get_commit, repositoryName="nope", commitId=first)

    batch = cc.batch_get_commits(repositoryName="repo", commitIds=[second, "0" * 40, first, "abc"])
    assert [c["commitId"] for c in batch["commits"]] == [second, first]
    assert batch["commits"][1] == got
    assert [(e["commitId"], e["errorCode"]) for e in batch["errors"]] == [
        ("0" * 40, "CommitIdDoesNotExistException"),
        ("abc", "InvalidCommitIdException"),
    ]
    raises("CommitIdsListRequiredException", cc.batch_get_commits, repositoryName="repo", commitIds=[])
    raises(
        "CommitIdsLimitExceededException",
        cc.batch_get_commits,
        repositoryName="repo",
        commitIds=[first] * 101,
    )
    raises("RepositoryDoesNotExistException", cc.batch_get_commits, repositoryName="nope", commitIds=[first])


def test_list_file_commit_history(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    work = tmp_path / "w"
    v1 = seed(server, work, "repo", {"f.txt": "1", "other.txt": "o"})
    seed(server, work, "repo", {"other.txt": "o2"})  # does not touch f.txt
    v2 = seed(server, work, "repo", {"f.txt": "2"})
    # A side branch changes f.txt, main changes it too, then a merge resolves both.
    git(work, "checkout", "-q", "-b", "side", v2)
    (work / "f.txt").write_text("side")
    git(work, "commit", "-qam", "side")
    side = git(work, "rev-parse", "HEAD").stdout.strip()
    git(work, "checkout", "-q", "main")
    (work / "f.txt").write_text("main")
    git(work, "commit", "-qam", "main")
    main = git(work, "rev-parse", "HEAD").stdout.strip()
    git(work, "merge", "-q", "side", "-m", "merge", check=False)
    (work / "f.txt").write_text("merged")
    git(work, "commit", "-qam", "merge")
    merge = git(work, "rev-parse", "HEAD").stdout.strip()
    git(work, "push", "-q", str(bare_path(server, "repo")), "HEAD:refs/heads/main")

    history = cc.list_file_commit_history(repositoryName="repo", filePath="f.txt")
    dag = {v["commit"]["commitId"]: v for v in history["revisionDag"]}
    assert set(dag) == {v1, v2, side, main, merge}
    assert history["revisionDag"][0]["commit"]["commitId"] == merge
    assert sorted(dag[v2]["revisionChildren"]) == sorted([side, main])
    assert dag[v1]["revisionChildren"] == [v2]
    assert dag[main]["revisionChildren"] == [merge]
    assert dag[merge]["revisionChildren"] == []
    assert dag[merge]["blobId"] == in_bare(server, "repo", "rev-parse", f"{merge}:f.txt").strip()
    assert dag[merge]["path"] == "f.txt"
    assert dag[merge]["commit"]["parents"] == [main, side]
    # What git log lists for the path is what is listed.
    assert set(in_bare(server, "repo", "log", "--format=%H", "main", "--", "f.txt").split()) == set(dag)
    # Pages, from a specifier.
    page = cc.list_file_commit_history(
        repositoryName="repo", filePath="/f.txt", commitSpecifier=v2, maxResults=1
    )
    assert [v["commit"]["commitId"] for v in page["revisionDag"]] == [v2]
    assert page["revisionDag"][0]["revisionChildren"] == []  # later versions are not in this history
    rest = cc.list_file_commit_history(
        repositoryName="repo", filePath="f.txt", commitSpecifier=v2, maxResults=1, nextToken=page["nextToken"]
    )
    assert [v["commit"]["commitId"] for v in rest["revisionDag"]] == [v1]
    assert "nextToken" not in rest
    assert cc.list_file_commit_history(repositoryName="repo", filePath="missing.txt")["revisionDag"] == []
    raises(
        "InvalidMaxResultsException",
        cc.list_file_commit_history,
        repositoryName="repo",
        filePath="f.txt",
        maxResults=0,
    )
    raises(
        "InvalidContinuationTokenException",
        cc.list_file_commit_history,
        repositoryName="repo",
        filePath="f.txt",
        nextToken="bogus",
    )
    raises(
        "CommitRequiredException",
        cc.list_file_commit_history,
        repositoryName="repo",
        filePath="f.txt",
        commitSpecifier="",
    )
    raises(
        "InvalidCommitException",
        cc.list_file_commit_history,
        repositoryName="repo",
        filePath="f.txt",
        commitSpecifier="main^",
    )
    raises(
        "CommitDoesNotExistException",
        cc.list_file_commit_history,
        repositoryName="repo",
        filePath="f.txt",
        commitSpecifier="nope",
    )
    raises(
        "RepositoryDoesNotExistException",
        cc.list_file_commit_history,
        repositoryName="nope",
        filePath="f.txt",
    )


def test_commits_through_the_aws_cli(server: Server, tmp_path: Path) -> None:
    server.aws("codecommit", "create-repository", "--repository-name", "repo")
    created = json.loads(
        server.aws(
            "codecommit",
            "create-commit",
            "--repository-name",
            "repo",
            "--branch-name",
            "main",
            "--put-files",
            "filePath=readme.md,fileContent='Welcome to our team repository.'",
            "--commit-message",
            "from the cli",
        ).stdout
    )
    assert show(server, "repo", f"{created['commitId']}:readme.md") == b"Welcome to our team repository."
    assert [f["absolutePath"] for f in created["filesAdded"]] == ["readme.md"]
    commit = json.loads(
        server.aws(
            "codecommit", "get-commit", "--repository-name", "repo", "--commit-id", created["commitId"]
        ).stdout
    )["commit"]
    assert commit["message"] == "from the cli"
    assert commit["treeId"] == created["treeId"]
    batch = json.loads(
        server.aws(
            "codecommit",
            "batch-get-commits",
            "--repository-name",
            "repo",
            "--commit-ids",
            created["commitId"],
            "0" * 40,
        ).stdout
    )
    assert [c["commitId"] for c in batch["commits"]] == [created["commitId"]]
    assert batch["errors"][0]["commitId"] == "0" * 40
    history = json.loads(
        server.aws(
            "codecommit", "list-file-commit-history", "--repository-name", "repo", "--file-path", "readme.md"
        ).stdout
    )
    assert [v["commit"]["commitId"] for v in history["revisionDag"]] == [created["commitId"]]
    failed = server.aws(
        "codecommit",
        "create-commit",
        "--repository-name",
        "repo",
        "--branch-name",
        "main",
        "--put-files",
        "filePath=x.md,fileContent=x",
        check=False,
    )
    assert failed.returncode != 0
    assert "ParentCommitIdRequiredException" in failed.stderr
