"""The artifact store keeps a zip or its unpacked files whole or not at all: what it writes is put
beside its place and renamed in, so an OS error part-way leaves nothing and the earlier object stays."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from codeyard.execution.artifact_store import STAGING, ArtifactStore
from codeyard.execution.cache_api import CacheRefused, cache_directory


def _zip(tmp_path: Path, files: dict[str, bytes], name: str = "upload.zip") -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _entries(root: Path) -> list[str]:
    """Every file and directory in the store but the staging directory, which must be empty."""
    staging = root / STAGING
    assert not staging.exists() or list(staging.iterdir()) == []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p != staging)


@pytest.mark.parametrize("names", [("a", "a/b"), ("a/b", "a")], ids=["file first", "directory first"])
def test_an_unpacking_that_fails_part_way_leaves_nothing_in_a_new_place(
    tmp_path: Path, names: tuple[str, str]
) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    upload = _zip(tmp_path, {"first.txt": b"1", names[0]: b"x", names[1]: b"y"})

    with pytest.raises((FileExistsError, IsADirectoryError, NotADirectoryError)):
        store.keep("bucket", "deep/path/out", upload, "NONE")

    assert not (tmp_path / "artifacts").exists() or _entries(tmp_path / "artifacts") == []


def test_an_upload_that_is_no_zip_raises_and_leaves_no_directories_for_its_key(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    store.keep("bucket", "kept", _zip(tmp_path, {"a.txt": b"a"}), "NONE")
    before = _entries(tmp_path / "artifacts")
    upload = tmp_path / "upload.zip"
    upload.write_bytes(b"not a zip at all")

    with pytest.raises(zipfile.BadZipFile):
        store.keep("bucket", "deep/path/out", upload, "NONE")
    with pytest.raises(zipfile.BadZipFile):
        store.keep("other-bucket", "out", upload, "NONE")

    assert _entries(tmp_path / "artifacts") == before == ["bucket", "bucket/kept", "bucket/kept/a.txt"]


def test_an_unpacking_that_fails_keeps_the_earlier_files_and_a_good_one_replaces_them(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    place = tmp_path / "artifacts" / "bucket" / "out"
    store.keep("bucket", "out", _zip(tmp_path, {"old.txt": b"old", "sub/kept.txt": b"k"}), "NONE")

    with pytest.raises((FileExistsError, IsADirectoryError, NotADirectoryError)):
        store.keep("bucket", "out", _zip(tmp_path, {"new.txt": b"n", "a": b"x", "a/b": b"y"}), "NONE")
    assert _tree(tmp_path / "artifacts") == {"bucket/out/old.txt": b"old", "bucket/out/sub/kept.txt": b"k"}

    store.keep("bucket", "out", _zip(tmp_path, {"new.txt": b"new"}), "NONE")
    assert _tree(tmp_path / "artifacts") == {"bucket/out/new.txt": b"new"}  # replaced, not merged
    assert sorted(p.name for p in place.parent.iterdir()) == ["out"]
    assert _entries(tmp_path / "artifacts") == [
        "bucket",
        "bucket/out",
        "bucket/out/new.txt",
    ]  # nothing staged left


def test_a_zip_is_kept_whole_with_its_sums_and_may_replace_an_unpacked_directory(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    store.keep("bucket", "out", _zip(tmp_path, {"old.txt": b"old"}), "NONE")
    upload = _zip(tmp_path, {"new.txt": b"new"}, "second.zip")
    data = upload.read_bytes()

    stored = store.keep("bucket", "out", upload, "ZIP")

    assert stored.location == "arn:aws:s3:::bucket/out"
    assert stored.md5sum == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert stored.sha256sum == hashlib.sha256(data).hexdigest()
    assert _tree(tmp_path / "artifacts") == {"bucket/out": data}
    assert store.find("bucket/out") == tmp_path / "artifacts" / "bucket" / "out"


def test_a_key_under_an_existing_file_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    store.keep("bucket", "file", _zip(tmp_path, {"x": b"x"}), "ZIP")
    before = _tree(tmp_path / "artifacts")

    with pytest.raises((FileExistsError, IsADirectoryError, NotADirectoryError)):
        store.keep("bucket", "file/inner/out", _zip(tmp_path, {"y": b"y"}, "other.zip"), "NONE")

    assert _tree(tmp_path / "artifacts") == before
    assert sorted(p.name for p in (tmp_path / "artifacts" / "bucket").iterdir()) == ["file"]


def test_the_staging_directory_is_no_bucket(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts")
    store.keep("bucket", "out.zip", _zip(tmp_path, {"x": b"x"}), "ZIP")
    (tmp_path / "artifacts" / STAGING / "left.keeping").write_bytes(b"half")

    with pytest.raises(ValueError, match="not an artifact location"):
        store.keep(STAGING, "out.zip", _zip(tmp_path, {"y": b"y"}, "other.zip"), "ZIP")
    assert store.find(f"{STAGING}/left.keeping") is None
    assert store.find("bucket/out.zip") == tmp_path / "artifacts" / "bucket" / "out.zip"


def test_no_cache_location_reaches_the_staging_directory(tmp_path: Path) -> None:
    with pytest.raises(CacheRefused):
        cache_directory(tmp_path, f"{STAGING}/caches")
    assert cache_directory(tmp_path, "arn:aws:s3:::bucket/caches") == tmp_path / "bucket" / "caches"


@pytest.mark.parametrize("location", ["arn:aws:s3:::", "arn:aws:s3:::/", "arn:aws:s3:::./"])
def test_a_cache_location_naming_no_bucket_is_refused(tmp_path: Path, location: str) -> None:
    # StartBuild's cacheOverride reaches the cache API unchecked: an ARN naming no bucket is a
    # 400 InvalidCacheLocation, neither a crash nor the artifact store's root
    with pytest.raises(CacheRefused) as refused:
        cache_directory(tmp_path, location)
    assert refused.value.kind == "InvalidCacheLocation"
