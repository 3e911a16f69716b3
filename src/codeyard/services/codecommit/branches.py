"""Branches: create, read, list, delete, and the repository's default branch."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import names
from codeyard.services.codecommit.errors import (
    BranchDoesNotExistException,
    BranchNameExistsException,
    CommitDoesNotExistException,
    CommitIdRequiredException,
    DefaultBranchCannotBeDeletedException,
    InvalidCommitIdException,
)
from codeyard.services.codecommit.pages import page
from codeyard.services.codecommit.references import ReferencesMixin
from codeyard.store.ports.git import HEADS, RefChange, RefUpdateRejected

_COMMIT_ID = re.compile(r"[0-9a-f]{40}")
BRANCHES_PER_PAGE = 100


class BranchesMixin(ReferencesMixin):
    def create_branch(
        self, ctx: RequestContext, *, repository_name: str, branch_name: str, commit_id: str
    ) -> None:
        branch = names.check_branch_name(branch_name)
        if not commit_id:
            raise CommitIdRequiredException("A commit ID is required, but was not specified.")
        if not _COMMIT_ID.fullmatch(commit_id):
            raise InvalidCommitIdException(f"The commit ID {commit_id} is not valid.")
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, repository_name)
            if self._git.resolve_commit(record.repository_id, commit_id) != commit_id:
                raise CommitDoesNotExistException(f"Could not find commit {commit_id}")
            try:
                self._git.update_ref(record.repository_id, HEADS + branch, commit_id, None)
            except RefUpdateRejected:
                raise BranchNameExistsException(f"Branch {branch} already exists") from None
            self._references_changed(uow, ctx, record, [RefChange(HEADS + branch, None, commit_id)])
            uow.commit()

    def get_branch(
        self, ctx: RequestContext, *, repository_name: str | None = None, branch_name: str | None = None
    ) -> dict[str, Any]:
        branch = names.check_branch_name(branch_name)
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        commit = self._git.refs(record.repository_id).get(HEADS + branch)
        if commit is None:
            raise BranchDoesNotExistException(f"Branch {branch} does not exist")
        return {"branch": {"branchName": branch, "commitId": commit}}

    def list_branches(
        self, ctx: RequestContext, *, repository_name: str, next_token: str | None = None
    ) -> dict[str, Any]:
        with self._reading() as uow:
            record = self._repository(uow, ctx, repository_name)
        branches = sorted(
            ref.removeprefix(HEADS) for ref in self._git.refs(record.repository_id) if ref.startswith(HEADS)
        )
        items, following = page(branches, next_token, BRANCHES_PER_PAGE, "branches")
        out: dict[str, Any] = {"branches": items}
        if following:
            out["nextToken"] = following
        return out

    def delete_branch(self, ctx: RequestContext, *, repository_name: str, branch_name: str) -> dict[str, Any]:
        branch = names.check_branch_name(branch_name)
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, repository_name)
            if record.default_branch == branch:
                raise DefaultBranchCannotBeDeletedException(
                    f"The default branch {branch} cannot be deleted. Change the default branch first."
                )
            commit = self._git.refs(record.repository_id).get(HEADS + branch)
            if commit is None:  # as AWS: deleting a missing branch answers nothing
                return {}
            try:
                self._git.delete_ref(record.repository_id, HEADS + branch, commit)
            except RefUpdateRejected:
                commit = None
            if commit is None:
                return {}
            self._references_changed(uow, ctx, record, [RefChange(HEADS + branch, commit, None)])
            uow.commit()
        return {"deletedBranch": {"branchName": branch, "commitId": commit}}

    def update_default_branch(
        self, ctx: RequestContext, *, repository_name: str, default_branch_name: str
    ) -> None:
        branch = names.check_branch_name(default_branch_name)
        with self._store.unit_of_work() as uow:
            record = self._repository(uow, ctx, repository_name)
            if HEADS + branch not in self._git.refs(record.repository_id):
                raise BranchDoesNotExistException(f"Branch {branch} does not exist")
            self._git.set_default_branch(record.repository_id, branch)
            uow.repositories.update(
                replace(record, default_branch=branch, last_modified_at=self._clock.now())
            )
            uow.commit()
