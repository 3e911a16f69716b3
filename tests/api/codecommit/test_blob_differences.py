"""CodeCommit GetBlobDifferences through boto3 and the aws CLI, hunk for hunk against `git diff` of
the same two blobs in the bare repository: context, whitespace, added files, binary content, pages
and errors."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from botocore.config import Config

from tests.api.codecommit.objects_support import raises
from tests.support.cli_models import installed_models
from tests.support.git import bare_path, git_env
from tests.support.server import Server

SIX_MB = 6 * 1024 * 1024
_HEADER = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_TYPES = {b" ": "CONTEXT", b"+": "ADD", b"-": "DELETE"}


def _git(server: Server, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", *args],
        cwd=bare_path(server, "repo"),
        env=git_env(),
        input=stdin,
        capture_output=True,
        check=True,
    ).stdout


def _write_blob(server: Server, content: bytes) -> str:
    """A blob written straight into the bare repository with `git hash-object -w`."""
    return _git(server, "hash-object", "-w", "--stdin", stdin=content).decode().strip()


def _git_hunks(server: Server, before: str, after: str, *options: str) -> list[dict[str, Any]]:
    """`git diff <options> <before> <after>` of two blobs, as DiffHunk shapes."""
    hunks: list[dict[str, Any]] = []
    before_line = after_line = 0
    for line in _git(server, "diff", *options, before, after).split(b"\n"):
        header = _HEADER.match(line)
        if header:
            start, count, new_start, new_count = header.groups()
            before_line, after_line = int(start), int(new_start)
            hunks.append(
                {
                    "beforeStartLine": before_line,
                    "beforeLineCount": int(count if count is not None else 1),
                    "afterStartLine": after_line,
                    "afterLineCount": int(new_count if new_count is not None else 1),
                    "changes": [],
                }
            )
        elif hunks and line[:1] in _TYPES:
            change: dict[str, Any] = {"type": _TYPES[line[:1]]}
            if line[:1] != b"+":
                change["beforeLineNumber"] = before_line
                before_line += 1
            if line[:1] != b"-":
                change["afterLineNumber"] = after_line
                after_line += 1
            change["content"] = line[1:].decode(errors="replace")
            hunks[-1]["changes"].append(change)
    return hunks


def _diff(cc: Any, **kwargs: Any) -> dict[str, Any]:
    out = cc.get_blob_differences(repositoryName="repo", **kwargs)
    out.pop("ResponseMetadata")
    return dict(out)


def _versions(cc: Any) -> tuple[str, str]:
    """Two versions of a 60-line file committed with CreateCommit: changes near each other, far
    apart, at the very start and at the end, with lines added and removed."""
    cc.create_repository(repositoryName="repo")
    old = [f"line {i}" for i in range(1, 61)]
    new = list(old)
    new[0] = "first, changed"
    new[10:12] = ["eleven", "twelve", "twelve and a half"]
    new[16] = "seventeen"
    del new[40:43]
    new.append("sixty-one")
    first = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        putFiles=[{"filePath": "notes.txt", "fileContent": ("\n".join(old) + "\n").encode()}],
    )
    second = cc.create_commit(
        repositoryName="repo",
        branchName="main",
        parentCommitId=first["commitId"],
        putFiles=[{"filePath": "notes.txt", "fileContent": ("\n".join(new) + "\n").encode()}],
    )
    return first["filesAdded"][0]["blobId"], second["filesUpdated"][0]["blobId"]


def test_hunks_are_git_diffs_at_every_context(server: Server) -> None:
    cc = server.client("codecommit")
    before, after = _versions(cc)
    default = _diff(cc, beforeBlobId=before, afterBlobId=after)
    assert default["isBinary"] is False
    assert default["beforeBlobSize"] == int(_git(server, "cat-file", "-s", before))
    assert default["afterBlobSize"] == int(_git(server, "cat-file", "-s", after))
    assert "NextToken" not in default
    # Three lines of context by default: the changes to lines 11-12 and 16 make one hunk.
    assert default["hunks"] == _git_hunks(server, before, after)
    assert [(h["beforeStartLine"], h["beforeLineCount"]) for h in default["hunks"]] == [
        (1, 4),
        (8, 12),
        (37, 9),
        (58, 3),
    ]
    assert default["hunks"][3] == {
        "beforeStartLine": 58,
        "beforeLineCount": 3,
        "afterStartLine": 56,
        "afterLineCount": 4,
        "changes": [
            {"type": "CONTEXT", "beforeLineNumber": 58, "afterLineNumber": 56, "content": "line 58"},
            {"type": "CONTEXT", "beforeLineNumber": 59, "afterLineNumber": 57, "content": "line 59"},
            {"type": "CONTEXT", "beforeLineNumber": 60, "afterLineNumber": 58, "content": "line 60"},
            {"type": "ADD", "afterLineNumber": 59, "content": "sixty-one"},
        ],
    }
    assert _diff(cc, beforeBlobId=before, afterBlobId=after, contextLines=3) == default
    # No context: every change is its own hunk; a deletion starts after the line before it.
    bare = _diff(cc, beforeBlobId=before, afterBlobId=after, contextLines=0)
    assert bare["hunks"] == _git_hunks(server, before, after, "-U0")
    assert len(bare["hunks"]) == 5
    assert all(c["type"] != "CONTEXT" for h in bare["hunks"] for c in h["changes"])
    deletion = bare["hunks"][3]
    assert (deletion["afterStartLine"], deletion["afterLineCount"]) == (40, 0)
    assert [c["beforeLineNumber"] for c in deletion["changes"]] == [40, 41, 42]
    # Twenty lines: everything is one hunk over both files.
    wide = _diff(cc, beforeBlobId=before, afterBlobId=after, contextLines=20)
    assert wide["hunks"] == _git_hunks(server, before, after, "-U20")
    assert len(wide["hunks"]) == 1
    assert (wide["hunks"][0]["beforeLineCount"], wide["hunks"][0]["afterLineCount"]) == (60, 59)
    # The same blob on both sides: nothing.
    same = _diff(cc, beforeBlobId=after, afterBlobId=after)
    assert same == {"hunks": [], "isBinary": False, "beforeBlobSize": 483, "afterBlobSize": 483}


def test_ignoring_whitespace(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    before = _write_blob(server, b"def f():\n    return 1\n\nx = f( )\ny = 2\n")
    after = _write_blob(server, b"def f():\n\treturn 1  \n\nx = f()\ny = 3\n")
    exact = _diff(cc, beforeBlobId=before, afterBlobId=after)
    assert exact["hunks"] == _git_hunks(server, before, after)
    assert [c["type"] for c in exact["hunks"][0]["changes"]].count("ADD") == 3
    loose = _diff(cc, beforeBlobId=before, afterBlobId=after, ignoreWhitespace=True)
    assert loose["hunks"] == _git_hunks(server, before, after, "-w")
    assert [c for h in loose["hunks"] for c in h["changes"] if c["type"] != "CONTEXT"] == [
        {"type": "DELETE", "beforeLineNumber": 5, "content": "y = 2"},
        {"type": "ADD", "afterLineNumber": 5, "content": "y = 3"},
    ]
    assert _diff(cc, beforeBlobId=before, afterBlobId=after, ignoreWhitespace=False) == exact
    # Whitespace-only changes alone: no hunks at all.
    spaced = _write_blob(server, b"def f():\n  return   1\n\nx = f( )\ny = 2\n")
    assert _diff(cc, beforeBlobId=before, afterBlobId=spaced, ignoreWhitespace=True)["hunks"] == []


def test_an_added_file_has_no_before_blob(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    put = cc.put_file(repositoryName="repo", branchName="main", filePath="a.txt", fileContent=b"one\ntwo")
    empty = _write_blob(server, b"")
    added = _diff(cc, afterBlobId=put["blobId"])
    assert added == {
        "hunks": [
            {
                "beforeStartLine": 0,
                "beforeLineCount": 0,
                "afterStartLine": 1,
                "afterLineCount": 2,
                "changes": [
                    {"type": "ADD", "afterLineNumber": 1, "content": "one"},
                    {"type": "ADD", "afterLineNumber": 2, "content": "two"},
                ],
            }
        ],
        "isBinary": False,
        "beforeBlobSize": 0,
        "afterBlobSize": 7,
    }
    assert added["hunks"] == _git_hunks(server, empty, put["blobId"])
    # An empty beforeBlobId is no before blob; the empty blob itself gives the same hunks.
    assert _diff(cc, afterBlobId=put["blobId"], beforeBlobId="") == added
    assert _diff(cc, afterBlobId=put["blobId"], beforeBlobId=empty)["hunks"] == added["hunks"]
    # Deleting everything: the after side is the empty blob.
    removed = _diff(cc, beforeBlobId=put["blobId"], afterBlobId=empty)
    assert removed["hunks"] == _git_hunks(server, put["blobId"], empty)
    assert removed["hunks"][0]["afterStartLine"] == 0
    assert (removed["beforeBlobSize"], removed["afterBlobSize"]) == (7, 0)


def test_line_endings_and_text_that_is_not_utf8(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    before = _write_blob(server, b"caf\xe9\r\nsame\r\nend")
    after = _write_blob(server, b"caf\xc3\xa9\r\nsame\r\nend\n")
    got = _diff(cc, beforeBlobId=before, afterBlobId=after)
    assert got["hunks"] == _git_hunks(server, before, after)
    assert [(c["type"], c["content"]) for c in got["hunks"][0]["changes"]] == [
        ("DELETE", "caf\ufffd\r"),
        ("ADD", "café\r"),
        ("CONTEXT", "same\r"),
        ("DELETE", "end"),
        ("ADD", "end"),
    ]


def test_binary_content_has_no_hunks(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    text = _write_blob(server, b"text\n")
    image = _write_blob(server, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert b"Binary files" in _git(server, "diff", text, image)
    assert _diff(cc, beforeBlobId=text, afterBlobId=image) == {
        "hunks": [],
        "isBinary": True,
        "beforeBlobSize": 5,
        "afterBlobSize": 272,
    }
    assert _diff(cc, beforeBlobId=image, afterBlobId=text)["isBinary"] is True
    assert _diff(cc, afterBlobId=image, MaxResults=1)["isBinary"] is True
    # Six megabytes exactly are still compared; one byte more is too large.
    big = bytes(i % 251 for i in range(SIX_MB))
    at_limit = _diff(cc, beforeBlobId=image, afterBlobId=_write_blob(server, big))
    assert (at_limit["isBinary"], at_limit["afterBlobSize"]) == (True, SIX_MB)
    over = _write_blob(server, b"x\n" * (SIX_MB // 2) + b"x")
    raises("FileTooLargeException", cc.get_blob_differences, repositoryName="repo", afterBlobId=over)
    raises(
        "FileTooLargeException",
        cc.get_blob_differences,
        repositoryName="repo",
        beforeBlobId=over,
        afterBlobId=text,
    )


def test_hunks_by_page(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    before = _write_blob(server, "".join(f"{i}\n" for i in range(70)).encode())
    after = _write_blob(server, "".join(f"{i}{'!' if i % 10 == 5 else ''}\n" for i in range(70)).encode())
    whole = _diff(cc, beforeBlobId=before, afterBlobId=after, contextLines=1)["hunks"]
    assert whole == _git_hunks(server, before, after, "-U1")
    assert len(whole) == 7
    first = _diff(cc, beforeBlobId=before, afterBlobId=after, contextLines=1, MaxResults=3)
    assert first["hunks"] == whole[:3]
    second = _diff(
        cc, beforeBlobId=before, afterBlobId=after, contextLines=1, MaxResults=3, NextToken=first["NextToken"]
    )
    assert second["hunks"] == whole[3:6]
    last = _diff(
        cc,
        beforeBlobId=before,
        afterBlobId=after,
        contextLines=1,
        MaxResults=3,
        NextToken=second["NextToken"],
    )
    assert last["hunks"] == whole[6:]
    assert "NextToken" not in last
    assert (last["isBinary"], last["beforeBlobSize"], last["afterBlobSize"]) == (False, 200, 207)
    paginator = cc.get_paginator("get_blob_differences")
    pages = list(
        paginator.paginate(
            repositoryName="repo",
            beforeBlobId=before,
            afterBlobId=after,
            contextLines=1,
            PaginationConfig={"PageSize": 2},
        )
    )
    assert [len(p["hunks"]) for p in pages] == [2, 2, 2, 1]
    assert [h for p in pages for h in p["hunks"]] == whole
    raises(
        "InvalidMaxResultsException",
        cc.get_blob_differences,
        repositoryName="repo",
        afterBlobId=after,
        MaxResults=0,
    )
    raises(
        "InvalidMaxResultsException",
        cc.get_blob_differences,
        repositoryName="repo",
        afterBlobId=after,
        MaxResults=1001,
    )
    raises(
        "InvalidContinuationTokenException",
        cc.get_blob_differences,
        repositoryName="repo",
        afterBlobId=after,
        NextToken="bogus",
    )


def test_a_hunk_over_the_model_limit_is_cut(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    added = _write_blob(server, "".join(f"{i}\n" for i in range(1, 25003)).encode())
    hunks = _diff(cc, afterBlobId=added)["hunks"]
    assert [
        (h["beforeStartLine"], h["beforeLineCount"], h["afterStartLine"], h["afterLineCount"]) for h in hunks
    ] == [(0, 0, 1, 25000), (0, 0, 25001, 2)]
    assert [len(h["changes"]) for h in hunks] == [25000, 2]
    assert hunks[1]["changes"][1] == {"type": "ADD", "afterLineNumber": 25002, "content": "25002"}


def test_blob_differences_errors(server: Server) -> None:
    cc = server.client("codecommit")
    cc.create_repository(repositoryName="repo")
    put = cc.put_file(repositoryName="repo", branchName="main", filePath="d/a.txt", fileContent=b"a\n")
    blob = put["blobId"]
    tree = _git(server, "rev-parse", f"{put['commitId']}^{{tree}}").decode().strip()
    call = cc.get_blob_differences
    raises("BlobIdRequiredException", call, repositoryName="repo", afterBlobId="")
    unchecked = server.client(
        "codecommit", config=Config(parameter_validation=False, retries={"max_attempts": 1})
    )
    raises("BlobIdRequiredException", unchecked.get_blob_differences, repositoryName="repo")
    for bad in ("xyz", blob[:39], blob + "0", blob.upper()):
        raises("InvalidBlobIdException", call, repositoryName="repo", afterBlobId=bad)
        raises("InvalidBlobIdException", call, repositoryName="repo", afterBlobId=blob, beforeBlobId=bad)
    for absent in ("0" * 40, tree, put["commitId"]):
        raises("BlobIdDoesNotExistException", call, repositoryName="repo", afterBlobId=absent)
        raises(
            "BlobIdDoesNotExistException", call, repositoryName="repo", afterBlobId=blob, beforeBlobId=absent
        )
    for lines in (21, -1):
        raises("ValidationException", call, repositoryName="repo", afterBlobId=blob, contextLines=lines)
    raises("RepositoryDoesNotExistException", call, repositoryName="nope", afterBlobId=blob)
    raises("InvalidRepositoryNameException", call, repositoryName="no pe", afterBlobId=blob)


def test_blob_differences_through_the_aws_cli(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    before, after = _versions(cc)
    out = json.loads(
        server.aws(
            "codecommit",
            "get-blob-differences",
            "--repository-name",
            "repo",
            "--before-blob-id",
            before,
            "--after-blob-id",
            after,
            "--context-lines",
            "0",
            "--ignore-whitespace",
            "--page-size",
            "2",
            data_path=installed_models(tmp_path / "models"),
        ).stdout
    )
    # The CLI pages through every hunk on its own and keeps the sizes.
    assert out["hunks"] == _git_hunks(server, before, after, "-U0", "-w")
    assert len(out["hunks"]) == 5
    assert out["isBinary"] is False
    assert out["afterBlobSize"] == int(_git(server, "cat-file", "-s", after))
