"""Build artifacts kept in the data directory as S3 would hold them: `<root>/<bucket>/<key>`."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any


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
        path = self._root.joinpath(*relative.parts)
        return path if path.is_file() else None

    def keep(self, bucket: str, key: str, zipped: Path, packaging: str) -> StoredArtifact:
        """Keeps the uploaded zip at the key (packaging ZIP) or unpacked into a directory there (NONE)."""
        relative = PurePosixPath(bucket, key)
        if relative.is_absolute() or ".." in relative.parts or not bucket or not key:
            raise ValueError(f"not an artifact location: {bucket}/{key}")
        target = self._root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        location = f"arn:aws:s3:::{bucket}/{key}"
        if packaging == "ZIP":
            md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
            with zipped.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    md5.update(chunk)
                    sha256.update(chunk)
            shutil.move(zipped, target)
            return StoredArtifact(location, md5.hexdigest(), sha256.hexdigest())
        shutil.rmtree(target, ignore_errors=True)
        with zipfile.ZipFile(zipped) as archive:
            archive.extractall(target)
        return StoredArtifact(location, None, None)
