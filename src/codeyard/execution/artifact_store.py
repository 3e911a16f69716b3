"""Build artifacts kept in the data directory as S3 would hold them: `<root>/<bucket>/<key>`.

What is kept is written into the store's staging directory first (`<root>/.staging`: on the same
filesystem, and no bucket name starts with `.`) and renamed into place once whole, so a failure
part-way (a full disk, a zip naming `a` both as a file and as a directory) leaves nothing of it, and
the earlier object at the key, if any, as it was. Each staged entry is held under an exclusive flock
while in use; what a crashed server left there is removed by `ArtifactStore.remove_leftovers` (the
housekeeping sweep) once it is old and its lock is free, without walking the kept objects."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

# A hidden entry younger than this is never removed as a leftover: it may have been made a moment
# ago by a keep that has not locked it yet.
LEFTOVER_AGE_SECONDS = 600.0
STAGING = ".staging"
# An earlier object set aside by a replacement keeps, beside it, the path it was taken from.
_ASIDE_TARGET = "target"


@dataclass(frozen=True)
class StoredArtifact:
    location: str  # arn:aws:s3:::<bucket>/<key>
    md5sum: str | None
    sha256sum: str | None


def artifact_key(definition: dict[str, Any], build_uuid: str, buildspec_name: str) -> tuple[str, str]:
    """The bucket and key of a build's S3 artifact: `path/[build uuid/]name`; the name is the
    buildspec's when the project sets overrideArtifactName, else the project's."""
    name = definition.get("name") or "artifacts"
    if definition.get("overrideArtifactName") and buildspec_name:
        name = buildspec_name
    parts = [definition.get("path") or ""]
    if definition.get("namespaceType") == "BUILD_ID":
        parts.append(build_uuid)
    parts.append(name)
    key = "/".join(p.strip("/") for p in parts if p and p.strip("/"))
    return str(definition.get("location", "")).removeprefix("arn:aws:s3:::"), key


class ArtifactStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    @property
    def root(self) -> Path:
        """The directory the artifacts are kept in (`<root>/<bucket>/<key>`)."""
        return self._root

    def wipe(self) -> None:
        """Removes every artifact (test-mode reset)."""
        shutil.rmtree(self._root, ignore_errors=True)

    def find(self, location: str) -> Path | None:
        """The file an S3 location (`<bucket>/<key>` or its ARN) names, if it is kept here."""
        relative = PurePosixPath(location.removeprefix("arn:aws:s3:::"))
        if relative.is_absolute() or ".." in relative.parts or len(relative.parts) < 2:
            return None
        if relative.parts[0].startswith("."):
            return None  # the staging directory, never a bucket
        path = self._root.joinpath(*relative.parts)
        return path if path.is_file() else None

    def keep(self, bucket: str, key: str, zipped: Path, packaging: str) -> StoredArtifact:
        """Keeps the uploaded zip at the key (packaging ZIP) or unpacked into a directory there
        (NONE), replacing what was there; when it fails (an OSError, a zip that is not one:
        BadZipFile, anything) nothing of it is left and the error is raised."""
        relative = PurePosixPath(bucket, key)
        if (
            relative.is_absolute()
            or ".." in relative.parts
            or not bucket
            or not key
            or bucket.startswith(".")
        ):
            raise ValueError(f"not an artifact location: {bucket}/{key}")
        target = self._root.joinpath(*relative.parts)
        made = _missing_ancestor(target.parent)
        location = f"arn:aws:s3:::{bucket}/{key}"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = self._staging()
            if packaging == "ZIP":
                md5, sha256 = _place_copy(zipped, target, staging)
                return StoredArtifact(location, md5, sha256)
            _place_unpacked(zipped, target, staging)
            return StoredArtifact(location, None, None)
        except BaseException:
            _remove_empty(target.parent, made)
            raise

    def remove_leftovers(self, now: float, age: float = LEFTOVER_AGE_SECONDS) -> int:
        """Removes the staged entries (`*.keeping`, `*.unpacking`, `*.replaced`) a keep interrupted by
        a crash left, when older than `age` seconds at `now` (epoch seconds) and not locked by a keep
        in progress; an earlier object set aside (`*.replaced`) whose key is empty is put back.
        Answers how many it removed or put back."""
        removed = 0
        try:
            entries = list(os.scandir(self._root / STAGING))
        except FileNotFoundError:
            return 0
        for entry in entries:
            path = Path(entry.path)
            try:
                if now - path.lstat().st_mtime < age:
                    continue
                if self._remove_unlocked(path):
                    removed += 1
            except OSError:
                continue  # gone meanwhile, or not removable: the next sweep looks again
        return removed

    def _staging(self) -> Path:
        staging = self._root / STAGING
        staging.mkdir(parents=True, exist_ok=True)
        return staging

    def _remove_unlocked(self, entry: Path) -> bool:
        """Removes a leftover (or puts an earlier object back) unless a keep holds its lock."""
        descriptor = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            if entry.name.endswith(".replaced"):
                self._put_back(entry)
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            return True
        finally:
            os.close(descriptor)

    def _put_back(self, aside: Path) -> None:
        """An earlier object set aside goes back to its key when nothing took its place."""
        earlier = aside / "earlier"
        try:
            relative = PurePosixPath((aside / _ASIDE_TARGET).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return
        if (
            relative.is_absolute()
            or ".." in relative.parts
            or len(relative.parts) < 2
            or relative.parts[0].startswith(".")
        ):
            return
        target = self._root.joinpath(*relative.parts)
        if os.path.lexists(earlier) and not os.path.lexists(target) and target.parent.is_dir():
            os.rename(earlier, target)


def _locked(path: Path) -> int:
    """A descriptor of `path` holding an exclusive flock (released when it is closed)."""
    descriptor = os.open(path, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


def _missing_ancestor(directory: Path) -> Path | None:
    """The topmost directory of `directory`'s line that does not exist yet (None: it exists)."""
    missing = None
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def _remove_empty(directory: Path, top: Path | None) -> None:
    """Removes the directories made for a keep that failed, up to `top`, while they are empty."""
    if top is None:
        return
    for candidate in (directory, *directory.parents):
        try:
            candidate.rmdir()
        except OSError:
            return
        if candidate == top:
            return


def _place_copy(zipped: Path, target: Path, staging: Path) -> tuple[str, str]:
    """The zip copied into the staging directory, then renamed into place; its MD5 and SHA-256."""
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    descriptor, name = tempfile.mkstemp(suffix=".keeping", dir=staging)
    staged = Path(name)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        with zipped.open("rb") as source, os.fdopen(descriptor, "wb") as handle:
            while chunk := source.read(1 << 20):
                md5.update(chunk)
                sha256.update(chunk)
                handle.write(chunk)
        _swap(staged, target, staging)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return md5.hexdigest(), sha256.hexdigest()


def _place_unpacked(zipped: Path, target: Path, staging: Path) -> None:
    """The zip unpacked into a directory in the staging directory, then renamed into place."""
    staged = Path(tempfile.mkdtemp(suffix=".unpacking", dir=staging))
    lock = _locked(staged)
    try:
        with zipfile.ZipFile(zipped) as archive:
            archive.extractall(staged)
        _swap(staged, target, staging)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    finally:
        os.close(lock)


def _swap(staged: Path, target: Path, staging: Path) -> None:
    """Renames `staged` to `target`. An earlier file or directory there is set aside in the staging
    directory first (with the path it came from) and removed once the new one is in place (put back
    if the rename fails, or by the sweep after a crash)."""
    if not os.path.lexists(target):
        os.rename(staged, target)
        return
    aside = Path(tempfile.mkdtemp(suffix=".replaced", dir=staging))
    earlier = aside / "earlier"
    lock = _locked(aside)
    try:
        (aside / _ASIDE_TARGET).write_text(target.relative_to(staging.parent).as_posix(), encoding="utf-8")
        try:
            os.rename(target, earlier)
        except OSError:
            shutil.rmtree(aside, ignore_errors=True)
            raise
        try:
            os.rename(staged, target)
        except OSError:
            os.rename(earlier, target)  # when this fails too, the earlier one stays aside, not lost
            shutil.rmtree(aside, ignore_errors=True)
            raise
        shutil.rmtree(aside, ignore_errors=True)
    finally:
        os.close(lock)
