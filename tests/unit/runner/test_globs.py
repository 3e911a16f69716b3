"""CodeBuild's glob patterns: a table of patterns and paths, and selections from real trees."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeyard.runner.globs import GlobError, compile_glob, find_directories, select

MATCHES = [
    # pattern, path, match (the path itself), selects (the file is taken)
    ("file.txt", "file.txt", True, True),
    ("file.txt", "dir/file.txt", False, False),
    ("dir/file.txt", "dir/file.txt", True, True),
    ("dir/*", "dir/a.txt", True, True),
    ("dir/*", "dir/.hidden", True, True),
    ("dir/*", "dir/sub/a.txt", False, False),
    ("dir/**/*", "dir/a.txt", True, True),
    ("dir/**/*", "dir/sub/deeper/a.txt", True, True),
    ("dir/**/*", "other/a.txt", False, False),
    ("**/*", "a.txt", True, True),
    ("**/*", "a/b/c/.env", True, True),
    ("**/*.jar", "target/app.jar", True, True),
    ("**/*.jar", "app.jar", True, True),
    ("**/*.jar", "target/app.jar.sha1", False, False),
    ("*.vsix", "ext-1.0.vsix", True, True),
    ("*.vsix", "out/ext-1.0.vsix", False, False),
    ("cbsample-*.deb", "cbsample-1.0_amd64.deb", True, True),
    ("*/my-file3.txt", "my-subdirectory/my-file3.txt", True, True),
    ("*/my-file3.txt", "a/b/my-file3.txt", False, False),
    ("file?.txt", "file1.txt", True, True),
    ("file?.txt", "file10.txt", False, False),
    ("file[0-9].txt", "file7.txt", True, True),
    ("file[!0-9].txt", "fileA.txt", True, True),
    ("file[!0-9].txt", "file7.txt", False, False),
    ("a+b(c).txt", "a+b(c).txt", True, True),
    ("dist", "dist/index.html", False, True),  # a literal name takes a directory whole
    ("dist", "dist/assets/app.js", False, True),
    ("dist", "distribution/app.js", False, False),
    ("dir/", "dir/a.txt", False, True),
    ("./dir/a.txt", "dir/a.txt", True, True),
    ("dir//a.txt", "dir/a.txt", True, True),
    ("dir/**", "dir/a/b.txt", True, True),
    ("**/node_modules", "web/node_modules/x/index.js", False, True),
    ("a/**/b/*", "a/b/c", True, True),
    ("a/**/b/*", "a/x/y/b/c", True, True),
    ("a/**/b/*", "a/x/y/c", False, False),
    ("out*", "out1/file", False, False),  # a wildcard takes files, not a directory whole
]


@pytest.mark.parametrize(("pattern", "path", "match", "selected"), MATCHES)
def test_pattern_matches_path(pattern: str, path: str, match: bool, selected: bool) -> None:
    glob = compile_glob(pattern)
    assert glob.match(path) is match
    assert glob.selects(path) is selected


@pytest.mark.parametrize("pattern", ["", "   ", "/", ".", "../secret", "a/../../b"])
def test_unusable_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(GlobError):
        compile_glob(pattern)


def test_absolute_pattern_keeps_its_segments() -> None:
    glob = compile_glob("/root/.m2/**/*")
    assert glob.absolute
    assert glob.literal == ("root", ".m2")
    assert glob.match("root/.m2/repository/a.jar")


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)


def test_select_walks_from_the_literal_prefix_and_sorts(tmp_path: Path) -> None:
    _tree(tmp_path, ["b.txt", "a.txt", "dir/x.txt", "dir/sub/y.txt", ".hidden/z"])
    found = select(tmp_path, [compile_glob("**/*")])
    assert [f.relative for f in found.found] == [".hidden/z", "a.txt", "b.txt", "dir/sub/y.txt", "dir/x.txt"]
    only_dir = select(tmp_path, [compile_glob("dir/*")])
    assert [f.relative for f in only_dir.found] == ["dir/x.txt"]
    assert only_dir.found[0].real == tmp_path.resolve() / "dir" / "x.txt"


def test_select_excludes_files_and_whole_directories(tmp_path: Path) -> None:
    _tree(tmp_path, ["keep.txt", "skip.log", "logs/a.txt", "deep/logs/b.txt", "deep/c.txt"])
    found = select(tmp_path, [compile_glob("**/*")], [compile_glob("*.log"), compile_glob("**/logs")])
    assert [f.relative for f in found.found] == ["deep/c.txt", "keep.txt"]


def test_select_missing_root_or_prefix_finds_nothing(tmp_path: Path) -> None:
    assert select(tmp_path / "absent", [compile_glob("**/*")]).found == []
    assert select(tmp_path, [compile_glob("absent/**/*")]).found == []


def test_symlinks_stay_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "src"
    outside = tmp_path / "host-secret"
    outside.write_text("secret")
    _tree(root, ["real/file.txt"])
    os.symlink("real/file.txt", root / "inner-link")
    os.symlink(outside, root / "outer-link")
    os.symlink("real", root / "dir-link")
    os.symlink(tmp_path, root / "escape")
    os.symlink("nowhere", root / "dangling")
    found = select(root, [compile_glob("**/*")])
    by_name = {f.relative: f for f in found.found}
    assert set(by_name) == {"real/file.txt", "inner-link", "dir-link"}
    assert by_name["inner-link"].real == root.resolve() / "real" / "file.txt"
    assert by_name["inner-link"].link == "real/file.txt"
    assert by_name["dir-link"].is_dir
    assert sorted(found.skipped) == [
        "dangling: symbolic link to outside the directory, skipped",
        "escape: symbolic link to outside the directory, skipped",
        "outer-link: symbolic link to outside the directory, skipped",
    ]


def test_a_symlinked_leading_directory_does_not_lead_out(tmp_path: Path) -> None:
    root = tmp_path / "src"
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0")
    root.mkdir()
    os.symlink(tmp_path / "etc", root / "conf")
    assert select(root, [compile_glob("conf/passwd")]).found == []
    assert select(root, [compile_glob("conf/*")]).found == []


def test_find_directories_matches_top_level_globs(tmp_path: Path) -> None:
    _tree(tmp_path, ["my-build1/f", "my-build2/sub/g", "my-other/h", "nested/my-build3/i"])
    (tmp_path / "my-buildfile").write_text("not a directory")
    assert find_directories(tmp_path, compile_glob("my-build*")) == ["my-build1", "my-build2"]
    assert find_directories(tmp_path, compile_glob("**/my-build*")) == [
        "my-build1",
        "my-build2",
        "nested/my-build3",
    ]
    assert find_directories(tmp_path, compile_glob("my-build2/sub")) == ["my-build2/sub"]


def _reference(segments: list[str], parts: list[str]) -> bool:
    """Segment by segment: fnmatch within a segment, '**' as any number of segments."""
    if not segments:
        return not parts
    if segments[0] == "**":
        if len(segments) == 1:
            return bool(parts)
        return any(_reference(segments[1:], parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], segments[0]) and _reference(segments[1:], parts[1:])


_SEGMENTS = st.sampled_from(["a", "b", ".h", "a.txt", "*", "**", "*.txt", "a*", "?", "[ab]", "[!a]"])
_NAMES = st.sampled_from(["a", "b", ".h", "a.txt", "b.txt", "ab", "c"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_SEGMENTS, min_size=1, max_size=4), st.lists(_NAMES, min_size=1, max_size=5))
def test_compiled_pattern_agrees_with_a_segment_matcher(segments: list[str], parts: list[str]) -> None:
    assert compile_glob("/".join(segments)).match("/".join(parts)) is _reference(segments, parts)
