"""What a keep interrupted by a crash leaves in the artifact store (hidden `.<name>.*.keeping`,
`.unpacking` and `.replaced` entries) is removed by the sweep once old and unlocked; a keep in
progress holds its entry's flock, so its entry stays however old."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from codeyard.execution.artifact_store import LEFTOVER_AGE_SECONDS, ArtifactStore


def _aged(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def _leftovers(root: Path) -> Path:
    """A crashed server's hidden entries at bucket/out: a half-kept zip, a half-unpacked directory."""
    place = root / "bucket" / "out"
    place.mkdir(parents=True)
    (place / ".report.zip.k1x2y3z4.keeping").write_bytes(b"PK half")
    unpacking = place / ".site.a1b2c3d4.unpacking"
    (unpacking / "css").mkdir(parents=True)
    (unpacking / "css" / "main.css").write_text("body {}")
    return place


def test_old_unlocked_leftovers_are_removed_and_kept_objects_stay(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    place = _leftovers(tmp_path)
    (place / "kept.zip").write_bytes(b"PK whole")
    (place / ".hidden-by-the-user").write_text("not ours")
    for entry in place.iterdir():
        _aged(entry, LEFTOVER_AGE_SECONDS + 60)

    assert store.remove_leftovers(time.time()) == 2

    assert sorted(p.name for p in place.iterdir()) == [".hidden-by-the-user", "kept.zip"]


def test_young_leftovers_stay(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    place = _leftovers(tmp_path)

    assert store.remove_leftovers(time.time()) == 0
    assert store.remove_leftovers(time.time() + LEFTOVER_AGE_SECONDS + 1) == 2
    assert list(place.iterdir()) == []


def test_an_entry_a_keep_holds_locked_stays_however_old(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    place = _leftovers(tmp_path)
    unpacking = _aged(place / ".site.a1b2c3d4.unpacking", 86400)
    _aged(place / ".report.zip.k1x2y3z4.keeping", 86400)
    holder = os.open(unpacking, os.O_RDONLY)  # as the keep in progress holds it
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert store.remove_leftovers(time.time()) == 1
        assert [p.name for p in place.iterdir()] == [unpacking.name]
    finally:
        os.close(holder)
    assert store.remove_leftovers(time.time()) == 1
    assert list(place.iterdir()) == []


def test_an_earlier_object_put_aside_is_put_back_when_its_key_is_empty(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    place = tmp_path / "bucket"
    aside = place / ".app.zip.q9w8e7r6.replaced"
    aside.mkdir(parents=True)
    (aside / "earlier").write_bytes(b"PK earlier")
    _aged(aside, LEFTOVER_AGE_SECONDS + 60)
    other = place / ".lib.zip.p0o9i8u7.replaced"
    (other / "earlier").mkdir(parents=True)
    (place / "lib.zip").write_bytes(b"PK newer")
    _aged(other, LEFTOVER_AGE_SECONDS + 60)

    assert store.remove_leftovers(time.time()) == 2

    assert sorted(p.name for p in place.iterdir()) == ["app.zip", "lib.zip"]
    assert (place / "app.zip").read_bytes() == b"PK earlier"
    assert (place / "lib.zip").read_bytes() == b"PK newer"
