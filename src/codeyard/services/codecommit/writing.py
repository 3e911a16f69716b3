"""Commits made through the API (PutFile, DeleteFile, CreateCommit): the branch and parent checks,
the author, the objects, and the branch moved with compare-and-swap."""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import changes as changes_
from codeyard.services.codecommit import names
from codeyard.services.codecommit.errors import (
    BranchDoesNotExistException,
    BranchNameIsTagNameException,
    CommitMessageLengthExceededException,
    InvalidEmailException,
    InvalidParentCommitIdException,
    NameLengthExceededException,
    ParentCommitDoesNotExistException,
    ParentCommitIdOutdatedException,
    ParentCommitIdRequiredException,
    RepositoryDoesNotExistException,
)
from codeyard.services.codecommit.references import ReferencesMixin
from codeyard.store.ports.codecommit import RepositoryRecord
from codeyard.store.ports.git import HEADS, TAGS, RefChange, RefUpdateRejected
from codeyard.store.ports.git_objects import Identity

COMMIT_ID = re.compile(r"[0-9a-f]{40}")
MAX_NAME_LENGTH = 1024
MAX_EMAIL_LENGTH = 256
MAX_MESSAGE_BYTES = 256 * 1024
_EMAIL = re.compile(r"[^\s<>@]+@[^\s<>@]+")


@dataclass(frozen=True)
class Parent:
    """Where a new commit goes: the branch ref and its tip (None: the branch is created)."""

    ref: str
    commit_id: str | None
    tree_id: str | None


@dataclass(frozen=True)
class Written:
    commit_id: str
    tree_id: str
    plan: changes_.Plan


class WritingMixin(ReferencesMixin):
    def _author(self, ctx: RequestContext, name: str | None, email: str | None) -> Identity:
        """The request's name and email, else the caller's name and no email (as AWS does)."""
        if name is not None and len(name) > MAX_NAME_LENGTH:
            raise NameLengthExceededException(f"The name can be at most {MAX_NAME_LENGTH} characters long.")
        if email and (len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email)):
            raise InvalidEmailException(f"The email address {email} is not valid.")
        caller = ctx.principal.name or ctx.principal.arn.rpartition("/")[2].rpartition(":")[2]
        when = int(self._clock.now().timestamp())
        return Identity(name=name or caller, email=email or "", time=when, offset=0)

    @staticmethod
    def _check_message(message: str | None) -> str:
        text = message or ""
        if len(text.encode()) > MAX_MESSAGE_BYTES:
            raise CommitMessageLengthExceededException(
                f"The commit message can be at most {MAX_MESSAGE_BYTES} bytes long."
            )
        return text

    def _parent(self, record: RepositoryRecord, branch: str, parent_commit_id: str | None) -> Parent:
        """The branch's tip, checked against the caller's parent commit id."""
        refs = self._git.refs(record.repository_id)
        ref = HEADS + branch
        tip = refs.get(ref)
        if tip is None and TAGS + branch in refs:
            raise BranchNameIsTagNameException(f"The branch name {branch} is the name of a tag.")
        if tip is None and any(r.startswith(HEADS) for r in refs):
            raise BranchDoesNotExistException(f"Branch {branch} does not exist")
        if parent_commit_id is None:
            if tip is not None:
                raise ParentCommitIdRequiredException(
                    f"A parent commit ID is required: the tip of {branch} is {tip}."
                )
            return Parent(ref, None, None)
        if not COMMIT_ID.fullmatch(parent_commit_id):
            raise InvalidParentCommitIdException(f"The parent commit ID {parent_commit_id} is not valid.")
        info = self._git.commit_info(record.repository_id, parent_commit_id)
        if info is None:
            raise ParentCommitDoesNotExistException(f"The parent commit {parent_commit_id} does not exist.")
        if parent_commit_id != tip:
            raise ParentCommitIdOutdatedException(
                f"The parent commit ID {parent_commit_id} is not the tip of branch {branch}."
            )
        return Parent(ref, tip, info.tree_id)

    def _commit_changes(
        self,
        ctx: RequestContext,
        *,
        repository_name: str,
        branch_name: str,
        parent_commit_id: str | None,
        changes: changes_.Changes,
        author: Identity,
        message: str,
        keep_empty_folders: bool,
        unchanged: Exception,
    ) -> Written:
        """Make one commit of `changes` on the branch and move the branch to it; `unchanged` is
        raised when the changes leave every file as it is."""
        branch = names.check_branch_name(branch_name)
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        parent = self._parent(record, branch, parent_commit_id)
        existing = (
            self._git.entries(record.repository_id, parent.commit_id, changes.lookups())
            if parent.commit_id
            else {}
        )
        plan = changes_.plan(changes, existing, self._git.hash_blob)
        if not plan.changes_anything:
            raise unchanged
        for content in plan.blobs.values():
            self._git.write_blob(record.repository_id, content)
        tree = self._git.write_tree(
            record.repository_id,
            parent.tree_id,
            plan.puts,
            plan.deletes,
            keep_empty_folders=keep_empty_folders,
        )
        commit = self._git.write_commit(
            record.repository_id,
            tree.tree_id,
            [parent.commit_id] if parent.commit_id else [],
            message,
            author,
            author,
        )
        with self._store.unit_of_work() as uow:
            current = self._repository(uow, ctx, repository_name)
            if current.repository_id != record.repository_id:
                raise RepositoryDoesNotExistException(f"{repository_name} does not exist")
            try:
                self._git.update_ref(record.repository_id, parent.ref, commit, parent.commit_id)
            except RefUpdateRejected:
                raise ParentCommitIdOutdatedException(
                    f"Branch {branch} moved while the commit was made; get its tip and try again."
                ) from None
            self._references_changed(uow, ctx, current, [RefChange(parent.ref, parent.commit_id, commit)])
            uow.commit()
        if tree.kept:
            plan = changes_.Plan(
                plan.puts, plan.deletes, plan.blobs, plan.added + tree.kept, plan.updated, plan.deleted
            )
        return Written(commit, tree.tree_id, plan)
