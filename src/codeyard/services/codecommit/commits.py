"""Commits: create one from file changes, read one or many, and a file's history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import paths
from codeyard.services.codecommit.changes import Changes, PutFile
from codeyard.services.codecommit.errors import (
    CommitIdDoesNotExistException,
    CommitIdRequiredException,
    CommitIdsLimitExceededException,
    CommitIdsListRequiredException,
    FileContentAndSourceFileSpecifiedException,
    InvalidCommitIdException,
    InvalidMaxResultsException,
    InvalidPathException,
    NoChangeException,
    PathRequiredException,
    SourceFileOrContentRequiredException,
)
from codeyard.services.codecommit.pages import page
from codeyard.services.codecommit.specifiers import check_specifier
from codeyard.services.codecommit.writing import COMMIT_ID, WritingMixin
from codeyard.store.ports.git_objects import CommitInfo, Identity, TreeEntry

MAX_BATCH_COMMITS = 100
HISTORY_PAGE = 100


def user_info(who: Identity) -> dict[str, str]:
    """The UserInfo shape: its date is text, "<epoch seconds> <+hhmm>", as git writes it."""
    sign = "-" if who.offset < 0 else "+"
    hours, minutes = divmod(abs(who.offset), 60)
    return {"name": who.name, "email": who.email, "date": f"{who.time} {sign}{hours:02}{minutes:02}"}


def commit_shape(info: CommitInfo) -> dict[str, Any]:
    """The Commit shape."""
    return {
        "commitId": info.commit_id,
        "treeId": info.tree_id,
        "parents": list(info.parents),
        "message": info.message,
        "author": user_info(info.author),
        "committer": user_info(info.committer),
        "additionalData": "",
    }


def _metadata(entries: Sequence[TreeEntry]) -> list[dict[str, Any]]:
    return [
        {"absolutePath": e.path, "blobId": e.object_id, "fileMode": paths.mode_name(e.mode)} for e in entries
    ]


def _changes(
    put_files: Sequence[dict[str, Any]],
    delete_files: Sequence[dict[str, Any]],
    set_file_modes: Sequence[dict[str, Any]],
) -> Changes:
    """The request's entries, with their paths normalized and modes checked."""
    puts: list[PutFile] = []
    for entry in put_files:
        path = paths.normalize(entry.get("filePath"))
        paths.check_writable(path)
        content, source = entry.get("fileContent"), entry.get("sourceFile")
        if content is not None and source is not None:
            raise FileContentAndSourceFileSpecifiedException(
                f"The file {path} names both content and a source file."
            )
        if content is None and source is None:
            raise SourceFileOrContentRequiredException(f"The file {path} needs content or a source file.")
        mode = paths.mode_of(entry.get("fileMode"))
        if source is not None:
            origin = paths.normalize(source.get("filePath"))
            puts.append(PutFile(path, mode, source=origin, move=bool(source.get("isMove"))))
        else:
            puts.append(PutFile(path, mode, content=content))
    deletes = tuple(paths.normalize(entry.get("filePath")) for entry in delete_files)
    modes: list[tuple[str, int]] = []
    for entry in set_file_modes:
        mode = paths.mode_of(entry.get("fileMode"), required=True)
        modes.append((paths.normalize(entry.get("filePath")), mode or 0))
    return Changes(puts=tuple(puts), deletes=deletes, modes=tuple(modes))


class CommitsMixin(WritingMixin):
    def create_commit(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        branch_name: str,
        parent_commit_id: str | None = None,
        author_name: str | None = None,
        email: str | None = None,
        commit_message: str | None = None,
        keep_empty_folders: bool | None = None,
        put_files: Sequence[dict[str, Any]] | None = None,
        delete_files: Sequence[dict[str, Any]] | None = None,
        set_file_modes: Sequence[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        changes = _changes(put_files or (), delete_files or (), set_file_modes or ())
        changes.check()
        written = self._commit_changes(
            ctx,
            repository_name=repository_name,
            branch_name=branch_name,
            parent_commit_id=parent_commit_id,
            changes=changes,
            author=self._author(ctx, author_name, email),
            message=self._check_message(commit_message),
            keep_empty_folders=bool(keep_empty_folders),
            unchanged=NoChangeException("The commit changes nothing: every file is already as asked."),
        )
        return {
            "commitId": written.commit_id,
            "treeId": written.tree_id,
            "filesAdded": _metadata(written.plan.added),
            "filesUpdated": _metadata(written.plan.updated),
            "filesDeleted": _metadata(written.plan.deleted),
        }

    def get_commit(self, ctx: RequestContext, *, repository_name: str, commit_id: str) -> dict[str, Any]:
        if not commit_id:
            raise CommitIdRequiredException("A commit ID is required, but was not specified.")
        if not COMMIT_ID.fullmatch(commit_id):
            raise InvalidCommitIdException(f"The commit ID {commit_id} is not valid.")
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        info = self._git.commit_info(record.repository_id, commit_id)
        if info is None:
            raise CommitIdDoesNotExistException(f"The commit {commit_id} does not exist.")
        return {"commit": commit_shape(info)}

    def batch_get_commits(
        self, ctx: RequestContext, *, commit_ids: Sequence[str], repository_name: str
    ) -> dict[str, Any]:
        if not commit_ids:
            raise CommitIdsListRequiredException("A list of commit IDs is required, but was empty.")
        if len(commit_ids) > MAX_BATCH_COMMITS:
            raise CommitIdsLimitExceededException(
                f"At most {MAX_BATCH_COMMITS} commit IDs can be asked for at once."
            )
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        commits: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for commit_id in commit_ids:
            if not COMMIT_ID.fullmatch(commit_id):
                errors.append(
                    {
                        "commitId": commit_id,
                        "errorCode": "InvalidCommitIdException",
                        "errorMessage": f"The commit ID {commit_id} is not a full commit ID.",
                    }
                )
                continue
            info = self._git.commit_info(record.repository_id, commit_id)
            if info is None:
                errors.append(
                    {
                        "commitId": commit_id,
                        "errorCode": "CommitIdDoesNotExistException",
                        "errorMessage": f"The commit {commit_id} does not exist.",
                    }
                )
            else:
                commits.append(commit_shape(info))
        return {"commits": commits, "errors": errors}

    def list_file_commit_history(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        file_path: str,
        commit_specifier: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        if max_results is not None and max_results < 1:
            raise InvalidMaxResultsException(f"maxResults must be at least 1, not {max_results}.")
        specifier = check_specifier(commit_specifier, required=commit_specifier is not None)
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        commit = self._resolve(record, specifier)
        try:
            path = paths.normalize(file_path)
        except (InvalidPathException, PathRequiredException):
            path = ""  # neither error is the operation's: no such path, no history
        versions = self._git.file_history(record.repository_id, commit, path) if path else []
        items, following = page(versions, next_token, max_results or HISTORY_PAGE, "history")
        out: dict[str, Any] = {
            "revisionDag": [
                {
                    "commit": commit_shape(v.commit),
                    "blobId": v.blob_id,
                    "path": v.path,
                    "revisionChildren": list(v.children),
                }
                for v in items
            ]
        }
        if following:
            out["nextToken"] = following
        return out
