"""DOWNLOAD_BATCHSPEC's reading: the buildspec of a batch's source at its version, read on the server.

CODECOMMIT: the file straight from the hosted repository's git store at the resolved commit;
S3: the file inside the source zip kept in the artifact store; NO_SOURCE: the inline buildspec.
A buildspec named by an S3 object's ARN is that object, whatever the source."""

from __future__ import annotations

import zipfile
import zlib
from typing import Any

from codeyard.execution.artifact_store import ArtifactStore
from codeyard.execution.buildspec_location import MAX_BUILDSPEC_BYTES, is_s3_arn
from codeyard.execution.source_archive import HEADS, REPO_MARKER
from codeyard.services.codebuild.batch_plan import BatchspecSource, BatchspecUnavailable
from codeyard.store.ports import Store
from codeyard.store.ports.git_store import GitStore


class BatchspecReader:
    """Reads the buildspec file a batch names from the batch's source."""

    def __init__(self, store: Store, git: GitStore, artifacts: ArtifactStore) -> None:
        self._store = store
        self._git = git
        self._artifacts = artifacts

    def __call__(self, region: str, source: dict[str, Any], version: str, path: str) -> BatchspecSource:
        kind = source.get("type")
        if is_s3_arn(path):
            return self._object(path.strip())
        if kind == "CODECOMMIT":
            return self._from_repository(region, str(source.get("location", "")), version, path)
        if kind == "S3":
            return self._from_zip(str(source.get("location", "")), path)
        raise BatchspecUnavailable(f"a batch build cannot read its buildspec from a {kind} source")

    def _from_repository(self, region: str, location: str, version: str, path: str) -> BatchspecSource:
        name = location.rpartition(REPO_MARKER)[2].strip("/") if REPO_MARKER in location else ""
        with self._store.reader() as uow:
            repository = uow.repositories.get(region=region, repository_name=name) if name else None
        if repository is None:
            raise BatchspecUnavailable(f"repository {name or location!r} does not exist")
        specifier = version or (
            f"{HEADS}{repository.default_branch}" if repository.default_branch else "HEAD"
        )
        commit = self._git.resolve_commit(repository.repository_id, specifier)
        if commit is None:
            raise BatchspecUnavailable(f"version {specifier!r} does not exist in repository {name!r}")
        found = self._git.read_file(repository.repository_id, commit, path, MAX_BUILDSPEC_BYTES)
        if found is None:
            raise BatchspecUnavailable(
                f"YAML_FILE_ERROR: the buildspec file {path} does not exist at {commit}"
            )
        if found.size > MAX_BUILDSPEC_BYTES:
            raise BatchspecUnavailable(f"the buildspec file {path} is larger than 1 MiB")
        return BatchspecSource(_text(found.content, path), commit)

    def _object(self, location: str) -> BatchspecSource:
        found = self._artifacts.find(location)
        if found is None:
            raise BatchspecUnavailable(f"YAML_FILE_ERROR: the buildspec object {location} does not exist")
        if found.stat().st_size > MAX_BUILDSPEC_BYTES:
            raise BatchspecUnavailable(
                f"YAML_FILE_ERROR: the buildspec object {location} is larger than 1 MiB"
            )
        return BatchspecSource(_text(found.read_bytes(), location), "")

    def _from_zip(self, location: str, path: str) -> BatchspecSource:
        found = self._artifacts.find(location)
        if found is None:
            raise BatchspecUnavailable(f"no object at {location}")
        try:
            with zipfile.ZipFile(found) as archive:
                info = archive.getinfo(path)
                if info.file_size > MAX_BUILDSPEC_BYTES:
                    raise BatchspecUnavailable(f"the buildspec file {path} is larger than 1 MiB")
                content = archive.read(info)
        except KeyError:
            raise BatchspecUnavailable(
                f"YAML_FILE_ERROR: the buildspec file {path} is not in {location}"
            ) from None
        except zipfile.BadZipFile:
            raise BatchspecUnavailable(f"the source at {location} is not a zip file") from None
        except (NotImplementedError, RuntimeError, zlib.error, EOFError) as error:
            # An entry compressed by a method zipfile lacks, encrypted, or damaged.
            raise BatchspecUnavailable(
                f"YAML_FILE_ERROR: the buildspec file {path} in {location} cannot be read: {error}"
            ) from None
        return BatchspecSource(_text(content, path), "")


def _text(content: bytes, path: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise BatchspecUnavailable(f"YAML_FILE_ERROR: the buildspec file {path} is not UTF-8 text") from None
