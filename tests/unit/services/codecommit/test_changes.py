"""The checks and plan of one API commit, against a parent tree given as its entries."""

from __future__ import annotations

import hashlib

import pytest

from codeyard.errors import CodeyardError
from codeyard.services.codecommit.changes import Changes, PutFile, plan
from codeyard.store.ports.git_objects import (
    BLOB,
    GITLINK,
    MODE_EXECUTABLE,
    MODE_FILE,
    MODE_TREE,
    TREE,
    TreeEntry,
)

MB = 1024 * 1024


def blob_id(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


def tree(*entries: tuple[str, str, int]) -> dict[str, TreeEntry]:
    """Entries by path: (path, kind, mode); blob ids are the blob of the path's name."""
    return {path: TreeEntry(path, blob_id(path.encode()), mode, kind) for path, kind, mode in entries}


PARENT = tree(
    ("a.txt", BLOB, MODE_FILE),
    ("dir", TREE, MODE_TREE),
    ("dir/b.txt", BLOB, MODE_FILE),
    ("run.sh", BLOB, MODE_EXECUTABLE),
    ("mod", GITLINK, 0o160000),
)


def _check_and_plan(changes: Changes) -> None:
    changes.check()
    plan(changes, PARENT, blob_id)


def code(changes: Changes) -> str:
    with pytest.raises(CodeyardError) as excinfo:
        _check_and_plan(changes)
    return excinfo.value.code


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (Changes(), "FileEntryRequiredException"),
        (Changes(deletes=tuple(f"f{i}" for i in range(101))), "MaximumFileEntriesExceededException"),
        (Changes(puts=(PutFile("x", content=b"1"),), deletes=("x",)), "SamePathRequestException"),
        (Changes(deletes=("a.txt",), modes=(("a.txt", MODE_FILE),)), "SamePathRequestException"),
        (
            Changes(puts=(PutFile("y", source="a.txt", move=True),), deletes=("a.txt",)),
            "SamePathRequestException",
        ),
        (
            Changes(puts=(PutFile("p", content=b"1"), PutFile("p/q", content=b"2"))),
            "PutFileEntryConflictException",
        ),
        (Changes(puts=(PutFile("k", source="x/.gitkeep"),)), "RestrictedSourceFileException"),
        (
            Changes(puts=(PutFile("big", content=b"x" * (6 * MB + 1)),)),
            "FileContentSizeLimitExceededException",
        ),
        (
            Changes(
                puts=(PutFile("f/1", content=b"x" * (3 * MB)), PutFile("f/2", content=b"x" * (3 * MB + 1)))
            ),
            "FolderContentSizeLimitExceededException",
        ),
        (
            Changes(
                puts=(PutFile("1/a", content=b"x" * (4 * MB)), PutFile("2/a", content=b"x" * (3 * MB + 1)))
            ),
            "FileContentSizeLimitExceededException",
        ),
        (Changes(deletes=("nope",)), "FileDoesNotExistException"),
        (Changes(deletes=("dir",)), "FileDoesNotExistException"),
        (Changes(modes=(("mod", MODE_FILE),)), "FileDoesNotExistException"),
        (Changes(puts=(PutFile("c", source="dir"),)), "FileDoesNotExistException"),
        (Changes(puts=(PutFile("dir", content=b"1"),)), "FileNameConflictsWithDirectoryNameException"),
        (Changes(puts=(PutFile("a.txt/x", content=b"1"),)), "DirectoryNameConflictsWithFileNameException"),
        (Changes(puts=(PutFile("mod", content=b"1"),)), "FilePathConflictsWithSubmodulePathException"),
        (Changes(puts=(PutFile("mod/x", content=b"1"),)), "FilePathConflictsWithSubmodulePathException"),
    ],
)
def test_refused(changes: Changes, expected: str) -> None:
    assert code(changes) == expected


def test_exactly_the_limits_pass() -> None:
    Changes(puts=(PutFile("big", content=b"x" * (6 * MB)),)).check()
    Changes(deletes=tuple(f"f{i}" for i in range(100))).check()
    Changes(puts=(PutFile("1/a", content=b"x" * (4 * MB)), PutFile("2/a", content=b"x" * (3 * MB)))).check()


def test_plan_lists_what_changes() -> None:
    changes = Changes(
        puts=(
            PutFile("a.txt", content=b"new"),
            PutFile("new/file", content=b"n", mode=MODE_EXECUTABLE),
            PutFile("moved", source="dir/b.txt", move=True),
            PutFile("run.sh", content=b"run.sh"),  # the same blob, and the mode is kept: no change
        ),
        modes=(("run.sh", MODE_EXECUTABLE),),
    )
    # run.sh is named twice (a put and a mode): refused before any plan.
    assert code(changes) == "SamePathRequestException"
    changes = Changes(puts=changes.puts[:3], deletes=(), modes=(("run.sh", MODE_FILE),))
    changes.check()
    done = plan(changes, PARENT, blob_id)
    assert [e.path for e in done.added] == ["new/file", "moved"]
    assert [(e.path, e.mode) for e in done.updated] == [("a.txt", MODE_FILE), ("run.sh", MODE_FILE)]
    assert [e.path for e in done.deleted] == ["dir/b.txt"]
    assert done.deletes == ("dir/b.txt",)
    assert done.blobs == {blob_id(b"new"): b"new", blob_id(b"n"): b"n"}
    assert {p.path: p.mode for p in done.puts}["new/file"] == MODE_EXECUTABLE
    assert done.changes_anything


def test_rewriting_the_same_content_changes_nothing() -> None:
    same = Changes(puts=(PutFile("run.sh", content=b"run.sh"),), modes=())
    assert not plan(same, PARENT, blob_id).changes_anything
    assert not plan(Changes(modes=(("run.sh", MODE_EXECUTABLE),)), PARENT, blob_id).changes_anything


def test_a_folder_may_replace_a_deleted_file() -> None:
    changes = Changes(puts=(PutFile("a.txt/inner", source="a.txt", move=True),))
    changes.check()
    done = plan(changes, PARENT, blob_id)
    assert [e.path for e in done.added] == ["a.txt/inner"]
    assert [e.path for e in done.deleted] == ["a.txt"]


def test_lookups_name_every_path_and_folder() -> None:
    changes = Changes(
        puts=(PutFile("x/y/z", content=b"1"), PutFile("c", source="s/t")), deletes=("d",), modes=(("m", 1),)
    )
    assert changes.lookups() == ["x", "x/y", "x/y/z", "c", "s/t", "d", "m"]
