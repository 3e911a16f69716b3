"""What a keep interrupted by a crash leaves in the artifact store's staging directory (`*.keeping`,
`*.unpacking` and `*.replaced` entries) is removed by the sweep once old and unlocked; a keep in
progress holds its entry's flock, so its entry stays however old. Kept objects are never looked at,
whatever their names."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from codeyard.execution.artifact_store import LEFTOVER_AGE_SECONDS, STAGING, ArtifactStore


def _aged(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def _leftovers(root: Path) -> Path:
    """A crashed server's staged entries: a half-kept zip, a half-unpacked directory."""
    staging = root / STAGING
    staging.mkdir(parents=True)
    (staging / "k1x2y3z4.keeping").write_bytes(b"PK half")
    unpacking = staging / "a1b2c3d4.unpacking"
    (unpacking / "css").mkdir(parents=True)
    (unpacking / "css" / "main.css").write_text("body {}")
    return staging


def _aside(staging: Path, name: str, target: str, earlier: bytes | None) -> Path:
    """An earlier object set aside by a replacement that a crash interrupted."""
    aside = staging / name
    aside.mkdir(parents=True)
    (aside / "target").write_text(target)
    if earlier is not None:
        (aside / "earlier").write_bytes(earlier)
    return _aged(aside, LEFTOVER_AGE_SECONDS + 60)


def test_old_unlocked_leftovers_are_removed_and_kept_objects_stay_whatever_their_names(
    tmp_path: Path,
) -> None:
    store = ArtifactStore(tmp_path)
    staging = _leftovers(tmp_path)
    place = tmp_path / "bucket" / "out"
    place.mkdir(parents=True)
    (place / "kept.zip").write_bytes(b"PK whole")
    # A user's files that look like staged entries are objects like any other.
    (place / ".report.zip.k1x2y3z4.keeping").write_text("the user's")
    (place / ".site.a1b2c3d4.unpacking").mkdir()
    for entry in [*staging.iterdir(), *place.iterdir()]:
        _aged(entry, LEFTOVER_AGE_SECONDS + 60)

    assert store.remove_leftovers(time.time()) == 2

    assert list(staging.iterdir()) == []
    assert sorted(p.name for p in place.iterdir()) == [
        ".report.zip.k1x2y3z4.keeping",
        ".site.a1b2c3d4.unpacking",
        "kept.zip",
    ]


def test_young_leftovers_stay(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    staging = _leftovers(tmp_path)

    assert store.remove_leftovers(time.time()) == 0
    assert store.remove_leftovers(time.time() + LEFTOVER_AGE_SECONDS + 1) == 2
    assert list(staging.iterdir()) == []


def test_a_store_without_a_staging_directory_has_no_leftovers(tmp_path: Path) -> None:
    assert ArtifactStore(tmp_path / "artifacts").remove_leftovers(time.time()) == 0


def test_an_entry_a_keep_holds_locked_stays_however_old(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    staging = _leftovers(tmp_path)
    unpacking = _aged(staging / "a1b2c3d4.unpacking", 86400)
    _aged(staging / "k1x2y3z4.keeping", 86400)
    holder = os.open(unpacking, os.O_RDONLY)  # as the keep in progress holds it
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert store.remove_leftovers(time.time()) == 1
        assert [p.name for p in staging.iterdir()] == [unpacking.name]
    finally:
        os.close(holder)
    assert store.remove_leftovers(time.time()) == 1
    assert list(staging.iterdir()) == []


def test_an_earlier_object_set_aside_is_put_back_when_its_key_is_empty(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    staging = tmp_path / STAGING
    place = tmp_path / "bucket"
    place.mkdir()
    _aside(staging, "q9w8e7r6.replaced", "bucket/app.zip", b"PK earlier")
    (place / "lib.zip").write_bytes(b"PK newer")
    _aside(staging, "p0o9i8u7.replaced", "bucket/lib.zip", b"PK older")
    _aside(staging, "z1z1z1z1.replaced", "../outside", b"PK elsewhere")  # never followed out
    _aside(staging, "y2y2y2y2.replaced", f"{STAGING}/x", b"PK staged")  # nor into the staging

    assert store.remove_leftovers(time.time()) == 4

    assert list(staging.iterdir()) == []
    assert sorted(p.name for p in place.iterdir()) == ["app.zip", "lib.zip"]
    assert (place / "app.zip").read_bytes() == b"PK earlier"
    assert (place / "lib.zip").read_bytes() == b"PK newer"
    assert not (tmp_path.parent / "outside").exists()
