"""Files, folders and blobs: read them at a commit, write or delete one file as a commit."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import paths
from codeyard.services.codecommit.changes import MAX_FILE_SIZE, Changes, PutFile
from codeyard.services.codecommit.errors import (
    BlobIdDoesNotExistException,
    BlobIdRequiredException,
    FileContentRequiredException,
    FileDoesNotExistException,
    FileTooLargeException,
    FolderDoesNotExistException,
    InvalidBlobIdException,
    SameFileContentException,
)
from codeyard.services.codecommit.specifiers import check_specifier
from codeyard.services.codecommit.writing import COMMIT_ID, WritingMixin
from codeyard.store.ports.git_objects import BLOB, GITLINK, MODE_SYMLINK, TREE, TreeEntry


def _too_large(what: str, size: int) -> FileTooLargeException:
    return FileTooLargeException(
        f"The {what} is {size} bytes: the API returns at most {MAX_FILE_SIZE} bytes. Use a Git client."
    )


def _listed(entry: TreeEntry, folder: str) -> dict[str, Any]:
    relative = entry.path[len(folder) + 1 :] if folder else entry.path
    out: dict[str, Any] = {"absolutePath": entry.path, "relativePath": relative}
    if entry.kind == TREE:
        out["treeId"] = entry.object_id
    elif entry.kind == GITLINK:
        out["commitId"] = entry.object_id
    else:
        out["blobId"] = entry.object_id
        out["fileMode"] = paths.mode_name(entry.mode)
    return out


class FilesMixin(WritingMixin):
    def get_file(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        file_path: str,
        commit_specifier: str | None = None,
    ) -> dict[str, Any]:
        path = paths.normalize(file_path)
        specifier = check_specifier(commit_specifier)
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        commit = self._resolve(record, specifier)
        found = self._git.read_file(record.repository_id, commit, path, MAX_FILE_SIZE)
        if found is None:
            raise FileDoesNotExistException(f"The file {path} does not exist at commit {commit}.")
        if found.size > MAX_FILE_SIZE:
            raise _too_large(f"file {path}", found.size)
        return {
            "commitId": commit,
            "blobId": found.blob_id,
            "filePath": path,
            "fileMode": paths.mode_name(found.mode),
            "fileSize": found.size,
            "fileContent": found.content,
        }

    def get_folder(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        folder_path: str,
        commit_specifier: str | None = None,
    ) -> dict[str, Any]:
        path = paths.normalize(folder_path, root_allowed=True)
        specifier = check_specifier(commit_specifier)
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        commit = self._resolve(record, specifier)
        listing = self._git.folder(record.repository_id, commit, path)
        if listing is None:
            raise FolderDoesNotExistException(f"The folder {folder_path} does not exist at commit {commit}.")
        entries = sorted(listing.entries, key=lambda e: e.path)
        return {
            "commitId": commit,
            "folderPath": path,
            "treeId": listing.tree_id,
            "subFolders": [_listed(e, path) for e in entries if e.kind == TREE],
            "files": [_listed(e, path) for e in entries if e.kind == BLOB and e.mode != MODE_SYMLINK],
            "symbolicLinks": [_listed(e, path) for e in entries if e.kind == BLOB and e.mode == MODE_SYMLINK],
            "subModules": [_listed(e, path) for e in entries if e.kind == GITLINK],
        }

    def get_blob(self, ctx: RequestContext, *, repository_name: str, blob_id: str) -> dict[str, Any]:
        if not blob_id:
            raise BlobIdRequiredException("A blob ID is required, but was not specified.")
        if not COMMIT_ID.fullmatch(blob_id):
            raise InvalidBlobIdException(f"The blob ID {blob_id} is not valid.")
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        size = self._git.blob_size(record.repository_id, blob_id)
        if size is None:
            raise BlobIdDoesNotExistException(f"The blob {blob_id} does not exist.")
        if size > MAX_FILE_SIZE:
            raise _too_large(f"blob {blob_id}", size)
        return {"content": self._git.blob(record.repository_id, blob_id) or b""}

    def put_file(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        branch_name: str,
        file_content: bytes,
        file_path: str,
        file_mode: str | None = None,
        parent_commit_id: str | None = None,
        commit_message: str | None = None,
        name: str | None = None,
        email: str | None = None,
    ) -> dict[str, Any]:
        path = paths.normalize(file_path)
        paths.check_writable(path)
        if not file_content:
            raise FileContentRequiredException("The file content is empty: PutFile cannot add empty files.")
        changes = Changes(puts=(PutFile(path, paths.mode_of(file_mode), file_content),))
        changes.check()
        written = self._commit_changes(
            ctx,
            repository_name=repository_name,
            branch_name=branch_name,
            parent_commit_id=parent_commit_id,
            changes=changes,
            author=self._author(ctx, name, email),
            message=self._check_message(commit_message),
            keep_empty_folders=False,
            unchanged=SameFileContentException(
                f"The file {path} already has this content and mode on branch {branch_name}."
            ),
        )
        return {
            "commitId": written.commit_id,
            "blobId": written.plan.puts[0].blob_id,
            "treeId": written.tree_id,
        }

    def delete_file(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        branch_name: str,
        file_path: str,
        parent_commit_id: str,
        keep_empty_folders: bool | None = None,
        commit_message: str | None = None,
        name: str | None = None,
        email: str | None = None,
    ) -> dict[str, Any]:
        path = paths.normalize(file_path)
        written = self._commit_changes(
            ctx,
            repository_name=repository_name,
            branch_name=branch_name,
            parent_commit_id=parent_commit_id,
            changes=Changes(deletes=(path,)),
            author=self._author(ctx, name, email),
            message=self._check_message(commit_message),
            keep_empty_folders=bool(keep_empty_folders),
            unchanged=FileDoesNotExistException(f"The file {path} does not exist."),
        )
        return {
            "commitId": written.commit_id,
            "blobId": written.plan.deleted[0].object_id,
            "treeId": written.tree_id,
            "filePath": path,
        }
