"""CodeCommit files, folders and blobs through boto3 and the aws CLI: GetFile, GetFolder, GetBlob,
PutFile, DeleteFile, checked against the git CLI on the bare repository."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from botocore.exceptions import ClientError

from tests.api.codecommit.objects_support import (
    SUBMODULE_COMMIT,
    commit_bytes,
    in_bare,
    ls_tree,
    raises,
    rich_commit,
    show,
)
from tests.support.git import seed
from tests.support.server import Server

SIX_MB = 6 * 1024 * 1024


def test_get_file_at_every_kind_of_specifier(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    first = seed(server, tmp_path / "w", "repo", {"docs/a.md": "one\n"})
    second = seed(server, tmp_path / "w", "repo", {"docs/a.md": "two\n"})
    in_bare(server, "repo", "tag", "v1", first)
    in_bare(server, "repo", "tag", "-a", "v1-annotated", "-m", "annotated", first)
    blob_one = in_bare(server, "repo", "rev-parse", f"{first}:docs/a.md").strip()
    blob_two = in_bare(server, "repo", "rev-parse", f"{second}:docs/a.md").strip()
    latest = cc.get_file(repositoryName="repo", filePath="docs/a.md")
    assert {k: v for k, v in latest.items() if k != "ResponseMetadata"} == {
        "commitId": second,
        "blobId": blob_two,
        "filePath": "docs/a.md",
        "fileMode": "NORMAL",
        "fileSize": 4,
        "fileContent": b"two\n",
    }
    for specifier in ("main", "refs/heads/main", "HEAD", second):
        got = cc.get_file(repositoryName="repo", filePath="/docs/a.md", commitSpecifier=specifier)
        assert (got["commitId"], got["fileContent"], got["filePath"]) == (second, b"two\n", "docs/a.md")
    for specifier in ("v1", "refs/tags/v1", "v1-annotated", first):
        got = cc.get_file(repositoryName="repo", filePath="docs/a.md", commitSpecifier=specifier)
        assert (got["commitId"], got["blobId"], got["fileContent"]) == (first, blob_one, b"one\n")


def test_get_file_errors(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    raises("CommitDoesNotExistException", cc.get_file, repositoryName="repo", filePath="a.md")
    seed(server, tmp_path / "w", "repo", {"dir/a.md": "a"})
    raises("FileDoesNotExistException", cc.get_file, repositoryName="repo", filePath="missing.md")
    raises("FileDoesNotExistException", cc.get_file, repositoryName="repo", filePath="dir")
    raises("PathRequiredException", cc.get_file, repositoryName="repo", filePath="")
    raises("PathRequiredException", cc.get_file, repositoryName="repo", filePath="/")
    for bad in ("dir//a.md", "../a.md", "dir/./a.md", "dir/a.md/", ".git/config"):
        raises("InvalidPathException", cc.get_file, repositoryName="repo", filePath=bad)
    raises(
        "CommitDoesNotExistException",
        cc.get_file,
        repositoryName="repo",
        filePath="dir/a.md",
        commitSpecifier="nope",
    )
    for bad in ("main~1", "HEAD^", "main:dir/a.md", "main@{1}", "a..b"):
        raises(
            "InvalidCommitException", cc.get_file, repositoryName="repo", filePath="a", commitSpecifier=bad
        )
    raises("RepositoryDoesNotExistException", cc.get_file, repositoryName="nope", filePath="a")


def test_get_folder_lists_each_kind_of_entry(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    commit = rich_commit(server, tmp_path / "w", "repo")
    tree = ls_tree(server, "repo", commit)
    root = cc.get_folder(repositoryName="repo", folderPath="")
    assert root["commitId"] == commit
    assert root["folderPath"] == ""
    assert root["treeId"] == in_bare(server, "repo", "rev-parse", f"{commit}^{{tree}}").strip()
    assert root["subFolders"] == [
        {
            "absolutePath": "src",
            "relativePath": "src",
            "treeId": in_bare(server, "repo", "rev-parse", f"{commit}:src").strip(),
        },
        {
            "absolutePath": "vendor",
            "relativePath": "vendor",
            "treeId": in_bare(server, "repo", "rev-parse", f"{commit}:vendor").strip(),
        },
    ]
    assert root["files"] == [
        {
            "absolutePath": "README.md",
            "relativePath": "README.md",
            "blobId": tree["README.md"][1],
            "fileMode": "NORMAL",
        },
        {
            "absolutePath": "run.sh",
            "relativePath": "run.sh",
            "blobId": tree["run.sh"][1],
            "fileMode": "EXECUTABLE",
        },
    ]
    assert root["symbolicLinks"] == [
        {"absolutePath": "link", "relativePath": "link", "blobId": tree["link"][1], "fileMode": "SYMLINK"}
    ]
    assert root["subModules"] == []
    assert cc.get_folder(repositoryName="repo", folderPath="/")["treeId"] == root["treeId"]
    src = cc.get_folder(repositoryName="repo", folderPath="/src", commitSpecifier="main")
    assert src["folderPath"] == "src"
    assert [f["absolutePath"] for f in src["files"]] == ["src/app.py"]
    assert src["subFolders"][0]["absolutePath"] == "src/lib"
    assert src["subFolders"][0]["relativePath"] == "lib"
    vendor = cc.get_folder(repositoryName="repo", folderPath="vendor")
    assert vendor["subModules"] == [
        {"absolutePath": "vendor/sub", "relativePath": "sub", "commitId": SUBMODULE_COMMIT}
    ]
    # A symbolic link's content is its target.
    assert cc.get_file(repositoryName="repo", filePath="link")["fileContent"] == b"README.md"
    assert cc.get_file(repositoryName="repo", filePath="link")["fileMode"] == "SYMLINK"
    raises("FileDoesNotExistException", cc.get_file, repositoryName="repo", filePath="vendor/sub")
    raises("FolderDoesNotExistException", cc.get_folder, repositoryName="repo", folderPath="nope")
    raises("FolderDoesNotExistException", cc.get_folder, repositoryName="repo", folderPath="README.md")
    raises("InvalidPathException", cc.get_folder, repositoryName="repo", folderPath="src//lib")
    raises(
        "InvalidCommitException", cc.get_folder, repositoryName="repo", folderPath="", commitSpecifier="m~1"
    )
    raises(
        "CommitDoesNotExistException",
        cc.get_folder,
        repositoryName="repo",
        folderPath="",
        commitSpecifier="x",
    )


def test_get_blob(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    seed(server, tmp_path / "w", "repo", {"a.txt": "a"})
    binary = bytes(range(256)) * 4
    commit = commit_bytes(server, tmp_path / "w", "repo", {"bin/data.bin": binary})
    blob = in_bare(server, "repo", "rev-parse", f"{commit}:bin/data.bin").strip()
    assert cc.get_blob(repositoryName="repo", blobId=blob)["content"] == binary
    assert cc.get_file(repositoryName="repo", filePath="bin/data.bin")["fileContent"] == binary
    raises("BlobIdRequiredException", cc.get_blob, repositoryName="repo", blobId="")
    raises("InvalidBlobIdException", cc.get_blob, repositoryName="repo", blobId="abc")
    raises("BlobIdDoesNotExistException", cc.get_blob, repositoryName="repo", blobId="0" * 40)
    tree = in_bare(server, "repo", "rev-parse", f"{commit}:bin").strip()
    raises("BlobIdDoesNotExistException", cc.get_blob, repositoryName="repo", blobId=tree)
    raises("RepositoryDoesNotExistException", cc.get_blob, repositoryName="nope", blobId=blob)


def test_six_megabytes_in_and_out(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    content = bytes(i % 251 for i in range(SIX_MB))
    put = cc.put_file(repositoryName="repo", branchName="main", filePath="big.bin", fileContent=content)
    assert show(server, "repo", put["blobId"]) == content
    got = cc.get_file(repositoryName="repo", filePath="big.bin")
    assert got["fileSize"] == SIX_MB
    assert got["fileContent"] == content
    assert cc.get_blob(repositoryName="repo", blobId=put["blobId"])["content"] == content
    # One byte more is over the API's file limit.
    raises(
        "FileContentSizeLimitExceededException",
        cc.put_file,
        repositoryName="repo",
        branchName="main",
        filePath="bigger.bin",
        fileContent=content + b"x",
        parentCommitId=put["commitId"],
    )
    # A larger file pushed with git is too large to read through the API.
    seed(server, tmp_path / "w", "repo", {})
    commit = commit_bytes(server, tmp_path / "w", "repo", {"huge.bin": content + b"x"})
    raises("FileTooLargeException", cc.get_file, repositoryName="repo", filePath="huge.bin")
    blob = in_bare(server, "repo", "rev-parse", f"{commit}:huge.bin").strip()
    raises("FileTooLargeException", cc.get_blob, repositoryName="repo", blobId=blob)


def test_put_file_creates_the_branch_then_commits_on_it(server: Server) -> None:
    cc = server.client("codecommit")
    repository_id = cc.create_repository(repositoryName="repo")["repositoryMetadata"]["repositoryId"]
    first = cc.put_file(
        repositoryName="repo",
        branchName="develop",
        filePath="/dir/hello.txt",
        fileContent=b"hello\n",
        commitMessage="add hello",
        name="Mary Major",
        email="mary@example.com",
    )
    assert in_bare(server, "repo", "rev-parse", "refs/heads/develop").strip() == first["commitId"]
    assert in_bare(server, "repo", "rev-parse", f"{first['commitId']}^{{tree}}").strip() == first["treeId"]
    assert ls_tree(server, "repo", first["commitId"]) == {"dir/hello.txt": ("100644", first["blobId"])}
    log = in_bare(server, "repo", "log", "-1", "--format=%an|%ae|%cn|%ce|%B", first["commitId"])
    assert log.strip() == "Mary Major|mary@example.com|Mary Major|mary@example.com|add hello"
    assert cc.get_repository(repositoryName="repo")["repositoryMetadata"]["defaultBranch"] == "develop"
    assert in_bare(server, "repo", "symbolic-ref", "HEAD").strip() == "refs/heads/develop"
    # Without a name or email: the caller's name, no email, no message.
    second = cc.put_file(
        repositoryName="repo",
        branchName="develop",
        filePath="run.sh",
        fileContent=b"#!/bin/sh\n",
        fileMode="EXECUTABLE",
        parentCommitId=first["commitId"],
    )
    raw = in_bare(server, "repo", "cat-file", "commit", second["commitId"])
    assert f"parent {first['commitId']}" in raw
    assert "\nauthor root <> " in raw
    assert "\ncommitter root <> " in raw
    assert in_bare(server, "repo", "fsck", "--strict").count("error") == 0
    tree = ls_tree(server, "repo", second["commitId"])
    assert tree["run.sh"] == ("100755", second["blobId"])
    third = cc.put_file(
        repositoryName="repo",
        branchName="develop",
        filePath="dir/link",
        fileContent=b"hello.txt",
        fileMode="SYMLINK",
        parentCommitId=second["commitId"],
    )
    assert ls_tree(server, "repo", third["commitId"])["dir/link"] == ("120000", third["blobId"])
    assert show(server, "repo", third["blobId"]) == b"hello.txt"
    # New content without a mode keeps the file's mode; the same content with a new mode is a
    # change; the same content and mode is refused.
    fourth = cc.put_file(
        repositoryName="repo",
        branchName="develop",
        filePath="run.sh",
        fileContent=b"#!/bin/sh\necho\n",
        parentCommitId=third["commitId"],
    )
    assert ls_tree(server, "repo", fourth["commitId"])["run.sh"] == ("100755", fourth["blobId"])
    fifth = cc.put_file(
        repositoryName="repo",
        branchName="develop",
        filePath="run.sh",
        fileContent=b"#!/bin/sh\necho\n",
        fileMode="NORMAL",
        parentCommitId=fourth["commitId"],
    )
    assert ls_tree(server, "repo", fifth["commitId"])["run.sh"] == ("100644", fourth["blobId"])
    raises(
        "SameFileContentException",
        cc.put_file,
        repositoryName="repo",
        branchName="develop",
        filePath="/run.sh",
        fileContent=b"#!/bin/sh\necho\n",
        parentCommitId=fifth["commitId"],
    )
    events = server.events("aws.codecommit")
    assert [e["detail"]["event"] for e in events] == ["referenceCreated"] + ["referenceUpdated"] * 4
    assert events[0]["detail"] == {
        "callerUserArn": "arn:aws:iam::000000000000:root",
        "event": "referenceCreated",
        "referenceFullName": "refs/heads/develop",
        "referenceName": "develop",
        "referenceType": "branch",
        "repositoryId": repository_id,
        "repositoryName": "repo",
        "commitId": first["commitId"],
    }
    assert events[4]["detail"]["oldCommitId"] == fourth["commitId"]
    assert events[4]["detail"]["commitId"] == fifth["commitId"]


def test_put_file_errors(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    commit = rich_commit(server, tmp_path / "w", "repo")
    in_bare(server, "repo", "tag", "release", commit)

    def put(code: str, **kwargs: object) -> None:
        args: dict[str, object] = {
            "repositoryName": "repo",
            "branchName": "main",
            "filePath": "new.txt",
            "fileContent": b"new",
            "parentCommitId": commit,
        }
        args.update(kwargs)
        raises(code, cc.put_file, **{k: v for k, v in args.items() if v is not None})

    put("ParentCommitIdRequiredException", parentCommitId=None)
    put("InvalidParentCommitIdException", parentCommitId="abc")
    put("InvalidParentCommitIdException", parentCommitId="")
    put("ParentCommitDoesNotExistException", parentCommitId="0" * 40)
    older = in_bare(server, "repo", "rev-parse", f"{commit}^").strip()
    put("ParentCommitIdOutdatedException", parentCommitId=older)
    put("BranchDoesNotExistException", branchName="other")
    put("BranchNameIsTagNameException", branchName="release")
    put("InvalidBranchNameException", branchName="a..b")
    put("FileContentRequiredException", fileContent=b"")
    put("PathRequiredException", filePath="")
    put("InvalidPathException", filePath="a//b")
    put("InvalidPathException", filePath="dir/")
    put("InvalidPathException", filePath="/".join(["d"] * 21) + "/f")
    put("FileNameConflictsWithDirectoryNameException", filePath="src/lib")
    put("DirectoryNameConflictsWithFileNameException", filePath="README.md/inner.txt")
    put("FilePathConflictsWithSubmodulePathException", filePath="vendor/sub")
    put("FilePathConflictsWithSubmodulePathException", filePath="vendor/sub/inner.txt")
    put("InvalidEmailException", email="not an email")
    put("NameLengthExceededException", name="n" * 1025)
    put("CommitMessageLengthExceededException", commitMessage="m" * (256 * 1024 + 1))
    put("InvalidFileModeException", fileMode="WRITABLE")  # not one of the model's modes
    put("RepositoryDoesNotExistException", repositoryName="nope")
    # Twenty folders above the file is the limit, and fine.
    deep = "/".join(["d"] * 20) + "/f"
    done = cc.put_file(
        repositoryName="repo", branchName="main", filePath=deep, fileContent=b"x", parentCommitId=commit
    )
    assert ls_tree(server, "repo", done["commitId"])[deep][1] == done["blobId"]
    assert in_bare(server, "repo", "rev-parse", "main").strip() == done["commitId"]


def test_delete_file(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    commit = seed(
        server,
        tmp_path / "w",
        "repo",
        {"keep.txt": "k", "a/b/c/only.txt": "o", "x/y/one.txt": "1", "x/two.txt": "2"},
    )
    blob = in_bare(server, "repo", "rev-parse", f"{commit}:a/b/c/only.txt").strip()
    deleted = cc.delete_file(
        repositoryName="repo",
        branchName="main",
        filePath="/a/b/c/only.txt",
        parentCommitId=commit,
        commitMessage="drop",
        name="Li Juan",
        email="li@example.com",
    )
    assert {k: v for k, v in deleted.items() if k != "ResponseMetadata"} == {
        "commitId": deleted["commitId"],
        "blobId": blob,
        "treeId": in_bare(server, "repo", "rev-parse", f"{deleted['commitId']}^{{tree}}").strip(),
        "filePath": "a/b/c/only.txt",
    }
    # Empty folders go with their last file, all the way up.
    assert sorted(ls_tree(server, "repo", deleted["commitId"])) == ["keep.txt", "x/two.txt", "x/y/one.txt"]
    assert (
        in_bare(server, "repo", "log", "-1", "--format=%an <%ae> %s", "main").strip()
        == "Li Juan <li@example.com> drop"
    )
    kept = cc.delete_file(
        repositoryName="repo",
        branchName="main",
        filePath="x/y/one.txt",
        parentCommitId=deleted["commitId"],
        keepEmptyFolders=True,
    )
    tree = ls_tree(server, "repo", kept["commitId"])
    assert sorted(tree) == ["keep.txt", "x/two.txt", "x/y/.gitkeep"]
    assert show(server, "repo", tree["x/y/.gitkeep"][1]) == b""
    raises(
        "FileDoesNotExistException",
        cc.delete_file,
        repositoryName="repo",
        branchName="main",
        filePath="x/y/one.txt",
        parentCommitId=kept["commitId"],
    )
    raises(
        "FileDoesNotExistException",
        cc.delete_file,
        repositoryName="repo",
        branchName="main",
        filePath="x",
        parentCommitId=kept["commitId"],
    )
    raises(
        "ParentCommitIdOutdatedException",
        cc.delete_file,
        repositoryName="repo",
        branchName="main",
        filePath="keep.txt",
        parentCommitId=commit,
    )
    raises(
        "BranchDoesNotExistException",
        cc.delete_file,
        repositoryName="repo",
        branchName="nope",
        filePath="keep.txt",
        parentCommitId=kept["commitId"],
    )
    raises(
        "PathRequiredException",
        cc.delete_file,
        repositoryName="repo",
        branchName="main",
        filePath="",
        parentCommitId=kept["commitId"],
    )
    raises(
        "InvalidEmailException",
        cc.delete_file,
        repositoryName="repo",
        branchName="main",
        filePath="keep.txt",
        parentCommitId=kept["commitId"],
        email="@",
    )
    # The last file of the repository: the commit has an empty tree.
    last = cc.delete_file(
        repositoryName="repo", branchName="main", filePath="keep.txt", parentCommitId=kept["commitId"]
    )
    again = cc.delete_file(
        repositoryName="repo", branchName="main", filePath="x/two.txt", parentCommitId=last["commitId"]
    )
    final = cc.delete_file(
        repositoryName="repo", branchName="main", filePath="x/y/.gitkeep", parentCommitId=again["commitId"]
    )
    assert ls_tree(server, "repo", final["commitId"]) == {}
    events = [e["detail"] for e in server.events("aws.codecommit")]
    assert [e["event"] for e in events] == ["referenceUpdated"] * 5
    assert [e["commitId"] for e in events] == [
        deleted["commitId"],
        kept["commitId"],
        last["commitId"],
        again["commitId"],
        final["commitId"],
    ]


def test_files_through_the_aws_cli(server: Server, tmp_path: Path) -> None:
    server.aws("codecommit", "create-repository", "--repository-name", "repo")
    binary = bytes(range(256))
    source = tmp_path / "data.bin"
    source.write_bytes(binary)
    put = json.loads(
        server.aws(
            "codecommit",
            "put-file",
            "--repository-name",
            "repo",
            "--branch-name",
            "main",
            "--file-path",
            "/bin/data.bin",
            "--file-content",
            f"fileb://{source}",
            "--commit-message",
            "binary",
            "--name",
            "Cli User",
            "--email",
            "cli@example.com",
        ).stdout
    )
    assert show(server, "repo", put["blobId"]) == binary
    got = json.loads(
        server.aws(
            "codecommit", "get-file", "--repository-name", "repo", "--file-path", "bin/data.bin"
        ).stdout
    )
    assert base64.b64decode(got["fileContent"]) == binary
    assert (got["commitId"], got["fileMode"], got["fileSize"]) == (put["commitId"], "NORMAL", 256)
    folder = json.loads(
        server.aws("codecommit", "get-folder", "--repository-name", "repo", "--folder-path", "bin").stdout
    )
    assert folder["files"] == [
        {
            "absolutePath": "bin/data.bin",
            "relativePath": "data.bin",
            "blobId": put["blobId"],
            "fileMode": "NORMAL",
        }
    ]
    blob = json.loads(
        server.aws("codecommit", "get-blob", "--repository-name", "repo", "--blob-id", put["blobId"]).stdout
    )
    assert base64.b64decode(blob["content"]) == binary
    failed = server.aws(
        "codecommit",
        "put-file",
        "--repository-name",
        "repo",
        "--branch-name",
        "main",
        "--file-path",
        "bin/data.bin",
        "--file-content",
        f"fileb://{source}",
        "--parent-commit-id",
        put["commitId"],
        check=False,
    )
    assert failed.returncode != 0
    assert "SameFileContentException" in failed.stderr
    deleted = json.loads(
        server.aws(
            "codecommit",
            "delete-file",
            "--repository-name",
            "repo",
            "--branch-name",
            "main",
            "--file-path",
            "bin/data.bin",
            "--parent-commit-id",
            put["commitId"],
        ).stdout
    )
    assert deleted["blobId"] == put["blobId"]
    assert ls_tree(server, "repo", deleted["commitId"]) == {}


def test_concurrent_puts_on_one_parent_make_one_commit(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    parent = seed(server, tmp_path / "w", "repo", {"a.txt": "a"})

    def put(i: int) -> str:
        try:
            done = cc.put_file(
                repositoryName="repo",
                branchName="main",
                filePath=f"f{i}.txt",
                fileContent=b"x",
                parentCommitId=parent,
            )
        except ClientError as error:
            return str(error.response["Error"]["Code"])
        return str(done["commitId"])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(put, range(8)))
    winners = [r for r in results if r != "ParentCommitIdOutdatedException"]
    assert len(winners) == 1
    assert in_bare(server, "repo", "rev-parse", "main").strip() == winners[0]
    events = server.events("aws.codecommit")
    assert [(e["detail"]["oldCommitId"], e["detail"]["commitId"]) for e in events] == [(parent, winners[0])]
