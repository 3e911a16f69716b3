"""Merge conflicts through boto3: FILE_LEVEL and LINE_LEVEL detection, the resolution strategies,
the caller's conflict resolution, conflict metadata, merge hunks and their pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api.codecommit.merge_support import decoded, diverged, raises
from tests.support.server import Server

LINES = "".join(f"line {i}\n" for i in range(1, 11))


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


def _merge(cc: Any, **kwargs: Any) -> dict[str, Any]:
    out: dict[str, Any] = cc.create_unreferenced_merge_commit(
        repositoryName="repo", sourceCommitSpecifier="feature", destinationCommitSpecifier="main", **kwargs
    )
    return out


def _options(cc: Any, **kwargs: Any) -> list[str]:
    out = cc.get_merge_options(
        repositoryName="repo", sourceCommitSpecifier="feature", destinationCommitSpecifier="main", **kwargs
    )
    return list(out["mergeOptions"])


def _conflicts(cc: Any, **kwargs: Any) -> dict[str, Any]:
    out: dict[str, Any] = cc.get_merge_conflicts(
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        mergeOption=kwargs.pop("mergeOption", "THREE_WAY_MERGE"),
        **kwargs,
    )
    return out


def _describe(cc: Any, path: str, **kwargs: Any) -> dict[str, Any]:
    out: dict[str, Any] = cc.describe_merge_conflicts(
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        mergeOption=kwargs.pop("mergeOption", "SQUASH_MERGE"),
        filePath=path,
        **kwargs,
    )
    return out


def _hunk(hunk: dict[str, Any]) -> tuple[Any, ...]:
    """(isConflict, (start, end, text) of base, source and destination)."""
    sides = tuple(
        (hunk[side]["startLine"], hunk[side]["endLine"], decoded(hunk[side])) if side in hunk else None
        for side in ("base", "source", "destination")
    )
    return (hunk["isConflict"], *sides)


def test_file_level_and_line_level(server: Server, tmp_path: Path) -> None:
    """Changes to different lines of one file: a conflict at FILE_LEVEL, none at LINE_LEVEL."""
    cc = server.client("codecommit")
    source_text = _replace(LINES, "line 2\n", "line 2 source\n")
    destination_text = _replace(LINES, "line 8\n", "line 8 destination\n")
    repo, first, feature, main = diverged(
        server,
        tmp_path,
        {"a.txt": LINES, "same.txt": "x\n"},
        {"a.txt": source_text},
        {"a.txt": destination_text},
    )
    found = _conflicts(cc)
    assert found["mergeable"] is False
    assert (found["sourceCommitId"], found["destinationCommitId"], found["baseCommitId"]) == (
        feature,
        main,
        first,
    )
    assert found["conflictMetadataList"] == [
        {
            "filePath": "a.txt",
            "fileSizes": {
                "base": len(LINES),
                "source": len(source_text),
                "destination": len(destination_text),
            },
            "fileModes": {"base": "NORMAL", "source": "NORMAL", "destination": "NORMAL"},
            "objectTypes": {"base": "FILE", "source": "FILE", "destination": "FILE"},
            "numberOfConflicts": 1,
            "isBinaryFile": {"base": False, "source": False, "destination": False},
            "contentConflict": True,
            "fileModeConflict": False,
            "objectTypeConflict": False,
            "mergeOperations": {"source": "M", "destination": "M"},
        }
    ]
    assert _options(cc) == []
    assert _options(cc, conflictDetailLevel="LINE_LEVEL") == ["SQUASH_MERGE", "THREE_WAY_MERGE"]
    assert _options(cc, conflictResolutionStrategy="AUTOMERGE") == ["SQUASH_MERGE", "THREE_WAY_MERGE"]
    line_level = _conflicts(cc, conflictDetailLevel="LINE_LEVEL")
    assert (line_level["mergeable"], line_level["conflictMetadataList"]) == (True, [])
    raises(
        "ManualMergeRequiredException",
        cc.merge_branches_by_three_way,
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        targetBranch="main",
    )
    assert repo.tip("main") == main
    merged = "".join(
        _replace(_replace(LINES, "line 2\n", "line 2 source\n"), "line 8\n", "line 8 destination\n")
    )
    for kwargs in ({"conflictDetailLevel": "LINE_LEVEL"}, {"conflictResolutionStrategy": "AUTOMERGE"}):
        commit = _merge(cc, mergeOption="THREE_WAY_MERGE", **kwargs)["commitId"]
        assert repo.show(f"{commit}:a.txt").decode() == merged
    # FILE_LEVEL describes the file as one hunk; LINE_LEVEL as the lines each side changed.
    whole = _describe(cc, "a.txt")
    assert [_hunk(h) for h in whole["mergeHunks"]] == [
        (True, (0, 10, LINES), (0, 10, source_text), (0, 10, destination_text))
    ]
    lines = _describe(cc, "a.txt", conflictDetailLevel="LINE_LEVEL")
    assert lines["conflictMetadata"]["numberOfConflicts"] == 0
    assert lines["conflictMetadata"]["contentConflict"] is False
    assert [_hunk(h) for h in lines["mergeHunks"]] == [
        (False, (1, 2, "line 2\n"), (1, 2, "line 2 source\n"), (1, 2, "line 2\n")),
        (False, (7, 8, "line 8\n"), (7, 8, "line 8\n"), (7, 8, "line 8 destination\n")),
    ]
    # A file no side changed has no hunks.
    assert _describe(cc, "same.txt")["mergeHunks"] == []


def test_line_conflicts_and_strategies(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    base = "a\nb\nc\nd\ne\nf\n"
    repo, _, _, _ = diverged(
        server, tmp_path, {"x.txt": base}, {"x.txt": "a\nB1\nc\nd\ne\nF\n"}, {"x.txt": "a\nB2\nc\nd\ne\nf\n"}
    )
    found = _conflicts(cc, conflictDetailLevel="LINE_LEVEL")
    assert found["mergeable"] is False
    assert [c["numberOfConflicts"] for c in found["conflictMetadataList"]] == [1]
    described = _describe(cc, "x.txt", conflictDetailLevel="LINE_LEVEL")
    assert [_hunk(h) for h in described["mergeHunks"]] == [
        (True, (1, 2, "b\n"), (1, 2, "B1\n"), (1, 2, "B2\n")),
        (False, (5, 6, "f\n"), (5, 6, "F\n"), (5, 6, "f\n")),
    ]
    accepted = _conflicts(cc, conflictDetailLevel="LINE_LEVEL", conflictResolutionStrategy="ACCEPT_SOURCE")
    assert accepted["mergeable"] is True  # the conflicts are listed, the strategy settles them
    assert [c["filePath"] for c in accepted["conflictMetadataList"]] == ["x.txt"]
    expected = {
        ("LINE_LEVEL", "ACCEPT_SOURCE"): "a\nB1\nc\nd\ne\nF\n",
        ("LINE_LEVEL", "ACCEPT_DESTINATION"): "a\nB2\nc\nd\ne\nF\n",  # the conflicting hunk only
        ("FILE_LEVEL", "ACCEPT_SOURCE"): "a\nB1\nc\nd\ne\nF\n",
        ("FILE_LEVEL", "ACCEPT_DESTINATION"): "a\nB2\nc\nd\ne\nf\n",  # the whole file
    }
    for (level, strategy), text in expected.items():
        out = _merge(
            cc, mergeOption="SQUASH_MERGE", conflictDetailLevel=level, conflictResolutionStrategy=strategy
        )
        assert repo.show(f"{out['commitId']}:x.txt").decode() == text, (level, strategy)
    for level in ("FILE_LEVEL", "LINE_LEVEL"):
        raises(
            "ManualMergeRequiredException",
            _merge,
            cc=cc,
            mergeOption="SQUASH_MERGE",
            conflictDetailLevel=level,
            conflictResolutionStrategy="AUTOMERGE",
        )


def test_conflict_resolution(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    files = ("k1.txt", "k2.txt", "k3.txt", "k4.txt", "dir/k5.txt")
    repo, _, _, main = diverged(
        server,
        tmp_path,
        {path: f"base {path}\n" for path in files},
        {path: f"source {path}\n" for path in files},
        {path: f"destination {path}\n" for path in files},
    )
    assert [c["filePath"] for c in _conflicts(cc)["conflictMetadataList"]] == sorted(files)
    resolution = {
        "replaceContents": [
            {"filePath": "k1.txt", "replacementType": "KEEP_BASE"},
            {"filePath": "k2.txt", "replacementType": "KEEP_SOURCE"},
            {"filePath": "/k3.txt", "replacementType": "KEEP_DESTINATION", "fileMode": "EXECUTABLE"},
            {"filePath": "k4.txt", "replacementType": "USE_NEW_CONTENT", "content": b"brand new\n"},
        ],
        "deleteFiles": [{"filePath": "dir/k5.txt"}],
    }
    raises(
        "ManualMergeRequiredException",
        _merge,
        cc=cc,
        mergeOption="THREE_WAY_MERGE",
        conflictResolution={"replaceContents": resolution["replaceContents"][:1]},
    )
    # A strategy settles what the resolution leaves.
    mixed = _merge(
        cc,
        mergeOption="THREE_WAY_MERGE",
        conflictResolutionStrategy="ACCEPT_SOURCE",
        conflictResolution={
            "replaceContents": [{"filePath": "k1.txt", "replacementType": "KEEP_DESTINATION"}]
        },
    )["commitId"]
    assert repo.show(f"{mixed}:k1.txt") == b"destination k1.txt\n"
    assert repo.show(f"{mixed}:k2.txt") == b"source k2.txt\n"
    assert "dir/k5.txt" in repo.tree(mixed)  # without keepEmptyFolders nothing is added
    out = cc.merge_branches_by_squash(
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        targetBranch="main",
        conflictResolution=resolution,
        keepEmptyFolders=True,
    )
    commit = out["commitId"]
    assert repo.tip("main") == commit
    assert repo.parents(commit) == [main]
    assert [repo.show(f"{commit}:{path}").decode() for path in files[:4]] == [
        "base k1.txt\n",
        "source k2.txt\n",
        "destination k3.txt\n",
        "brand new\n",
    ]
    assert repo.tree(commit) == {
        "k1.txt": "100644",
        "k2.txt": "100644",
        "k3.txt": "100755",
        "k4.txt": "100644",
        "dir/.gitkeep": "100644",  # keepEmptyFolders: the emptied folder stays
    }


def test_modes_types_deletions_and_binaries(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    repo, _, _, _ = diverged(
        server,
        tmp_path,
        {"gone.txt": "g\n", "link": "target\n", "bin.dat": "\x00one", "keep.txt": "k\n"},
        {"gone.txt": None, "run.sh": "echo\n", "bin.dat": "\x00two"},
        {"gone.txt": "changed\n", "run.sh": "echo\n", "link": "changed\n", "bin.dat": "\x00three"},
        executable=("run.sh",),
        links={"link": "keep.txt"},
    )
    found = {
        c["filePath"]: c for c in _conflicts(cc, conflictDetailLevel="LINE_LEVEL")["conflictMetadataList"]
    }
    assert sorted(found) == ["bin.dat", "gone.txt", "link", "run.sh"]
    gone = found["gone.txt"]
    assert gone["mergeOperations"] == {"source": "D", "destination": "M"}
    assert gone["fileSizes"] == {"base": 2, "destination": 8}
    assert (gone["contentConflict"], gone["numberOfConflicts"]) == (True, 1)
    run = found["run.sh"]  # added on both sides with one content and two modes
    assert run["fileModes"] == {"source": "EXECUTABLE", "destination": "NORMAL"}
    assert run["mergeOperations"] == {"source": "A", "destination": "A"}
    assert (run["contentConflict"], run["fileModeConflict"], run["objectTypeConflict"]) == (
        False,
        True,
        False,
    )
    link = found["link"]
    assert link["objectTypes"] == {"base": "FILE", "source": "SYMBOLIC_LINK", "destination": "FILE"}
    assert link["fileModes"] == {"base": "NORMAL", "source": "SYMLINK", "destination": "NORMAL"}
    assert link["objectTypeConflict"] is True
    binary = found["bin.dat"]
    assert binary["isBinaryFile"] == {"base": True, "source": True, "destination": True}
    assert _describe(cc, "bin.dat", conflictDetailLevel="LINE_LEVEL")["mergeHunks"] == []
    deleted = _describe(cc, "gone.txt", conflictDetailLevel="LINE_LEVEL")["mergeHunks"]
    assert [_hunk(h) for h in deleted] == [(True, (0, 1, "g\n"), None, (0, 1, "changed\n"))]
    resolution = {
        "replaceContents": [{"filePath": "link", "replacementType": "KEEP_SOURCE"}],
        "deleteFiles": [{"filePath": "gone.txt"}],
        "setFileModes": [{"filePath": "run.sh", "fileMode": "EXECUTABLE"}],
    }
    raises(
        "ManualMergeRequiredException",  # bin.dat is left
        _merge,
        cc=cc,
        mergeOption="THREE_WAY_MERGE",
        conflictDetailLevel="LINE_LEVEL",
        conflictResolution=resolution,
    )
    resolution["replaceContents"].append({"filePath": "bin.dat", "replacementType": "KEEP_DESTINATION"})
    commit = _merge(
        cc, mergeOption="THREE_WAY_MERGE", conflictDetailLevel="LINE_LEVEL", conflictResolution=resolution
    )["commitId"]
    assert repo.tree(commit) == {
        "bin.dat": "100644",
        "keep.txt": "100644",
        "link": "120000",
        "run.sh": "100755",
    }
    assert repo.show(f"{commit}:bin.dat") == b"\x00three"
    assert repo.show(f"{commit}:link") == b"keep.txt"
    # Accepting a side that deleted a file deletes it: its mode cannot be set then.
    raises(
        "InvalidConflictResolutionException",
        _merge,
        cc=cc,
        mergeOption="THREE_WAY_MERGE",
        conflictDetailLevel="LINE_LEVEL",
        conflictResolutionStrategy="ACCEPT_SOURCE",
        conflictResolution={"setFileModes": [{"filePath": "gone.txt", "fileMode": "NORMAL"}]},
    )


def test_pages(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    files = ("a.txt", "b.txt", "c.txt")
    base = "1\n2\n3\n4\n5\n6\n7\n"
    diverged(
        server,
        tmp_path,
        dict.fromkeys(files, base),
        dict.fromkeys(files, "1 s\n2\n3\n4\n5\n6\n7 s\n"),
        dict.fromkeys(files, "1 d\n2\n3\n4\n5\n6\n7 d\n"),
    )
    first = _conflicts(cc, maxConflictFiles=2)
    assert [c["filePath"] for c in first["conflictMetadataList"]] == ["a.txt", "b.txt"]
    rest = _conflicts(cc, maxConflictFiles=2, nextToken=first["nextToken"])
    assert [c["filePath"] for c in rest["conflictMetadataList"]] == ["c.txt"]
    assert "nextToken" not in rest
    hunks = _describe(cc, "b.txt", conflictDetailLevel="LINE_LEVEL", maxMergeHunks=1)
    assert hunks["conflictMetadata"]["numberOfConflicts"] == 2
    assert [_hunk(h) for h in hunks["mergeHunks"]] == [
        (True, (0, 1, "1\n"), (0, 1, "1 s\n"), (0, 1, "1 d\n"))
    ]
    more = _describe(
        cc, "b.txt", conflictDetailLevel="LINE_LEVEL", maxMergeHunks=1, nextToken=hunks["nextToken"]
    )
    assert [_hunk(h) for h in more["mergeHunks"]] == [(True, (6, 7, "7\n"), (6, 7, "7 s\n"), (6, 7, "7 d\n"))]
    assert "nextToken" not in more
    batch = cc.batch_describe_merge_conflicts(
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        mergeOption="THREE_WAY_MERGE",
        conflictDetailLevel="LINE_LEVEL",
        maxConflictFiles=2,
        maxMergeHunks=1,
    )
    assert [c["conflictMetadata"]["filePath"] for c in batch["conflicts"]] == ["a.txt", "b.txt"]
    assert [len(c["mergeHunks"]) for c in batch["conflicts"]] == [1, 1]
    assert batch["errors"] == []
    last = cc.batch_describe_merge_conflicts(
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        mergeOption="THREE_WAY_MERGE",
        conflictDetailLevel="LINE_LEVEL",
        maxConflictFiles=2,
        nextToken=batch["nextToken"],
    )
    assert [c["conflictMetadata"]["filePath"] for c in last["conflicts"]] == ["c.txt"]
    assert "nextToken" not in last
    raises("InvalidContinuationTokenException", _conflicts, cc=cc, nextToken=hunks["nextToken"])
    raises("InvalidContinuationTokenException", _describe, cc=cc, path="b.txt", nextToken="garbage")
    raises("InvalidMaxConflictFilesException", _conflicts, cc=cc, maxConflictFiles=0)
    raises("InvalidMaxMergeHunksException", _describe, cc=cc, path="b.txt", maxMergeHunks=1001)


def test_describe_errors_and_batches(server: Server, tmp_path: Path) -> None:
    cc = server.client("codecommit")
    diverged(server, tmp_path, {"a.txt": "a\n"}, {"a.txt": "s\n"}, {"a.txt": "d\n"})
    raises("FileDoesNotExistException", _describe, cc=cc, path="nope.txt")
    raises("PathRequiredException", _describe, cc=cc, path="")
    raises("InvalidPathException", _describe, cc=cc, path="a/../a.txt")
    raises("InvalidMergeOptionException", _describe, cc=cc, path="a.txt", mergeOption="FAST_FORWARD_MERGE")
    batch = cc.batch_describe_merge_conflicts(
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        mergeOption="SQUASH_MERGE",
        filePaths=["a.txt", "nope.txt", "x//y"],
    )
    assert [c["conflictMetadata"]["filePath"] for c in batch["conflicts"]] == ["a.txt"]
    assert [_hunk(h) for h in batch["conflicts"][0]["mergeHunks"]] == [
        (True, (0, 1, "a\n"), (0, 1, "s\n"), (0, 1, "d\n"))
    ]
    assert sorted((e["filePath"], e["exceptionName"]) for e in batch["errors"]) == [
        ("nope.txt", "FileDoesNotExistException"),
        ("x//y", "InvalidPathException"),
    ]
    raises(
        "InvalidMergeOptionException",
        cc.batch_describe_merge_conflicts,
        repositoryName="repo",
        sourceCommitSpecifier="feature",
        destinationCommitSpecifier="main",
        mergeOption="FAST_FORWARD_MERGE",
    )
    # A fast-forward has no conflicts to list: mergeable says whether it is possible.
    ff = _conflicts(cc, mergeOption="FAST_FORWARD_MERGE")
    assert (ff["mergeable"], ff["conflictMetadataList"]) == (False, [])
