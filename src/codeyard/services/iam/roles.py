"""IAM roles: trust policies, settings, tags and permissions boundaries."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.iam import shapes
from codeyard.services.iam.base import ROLE, IamBase
from codeyard.services.iam.documents import TRUST_POLICY_SIZE, checked
from codeyard.services.iam.errors import DeleteConflict, EntityAlreadyExists, MalformedPolicyDocument
from codeyard.services.iam.pages import page
from codeyard.services.iam.tags import merged, without
from codeyard.services.iam.trust import aws_principals, parse_trust_policy
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.iam import RoleRecord

_NAMED = re.compile(r"arn:aws:iam::(\d{12}):(user|role)/(?:.*/)?([^/]+)")


class RolesMixin(IamBase):
    def _trust_document(self, uow: UnitOfWork, document: str) -> str:
        """Check a trust policy; like AWS, users and roles of this account it names must exist."""
        checked(document, TRUST_POLICY_SIZE, "ACLSizePerRole", resource_policy=True)
        for value in aws_principals(parse_trust_policy(document)):
            named = _NAMED.fullmatch(value)
            if named is None or named.group(1) != self._account_id:
                continue
            kind, name = named.group(2), named.group(3)
            found = uow.users.get(user_name=name) if kind == "user" else uow.roles.get(role_name=name)
            if found is None or found.arn != value:
                raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{value}"')
        return document

    def create_role(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        assume_role_policy_document: str,
        path: str | None = None,
        description: str | None = None,
        max_session_duration: int | None = None,
        max_signin_session_duration: int | None = None,
        permissions_boundary: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        path = path or "/"
        with self._changes() as uow:
            self._trust_document(uow, assume_role_policy_document)
            if permissions_boundary:
                self._require_policy(uow, permissions_boundary)
            record = RoleRecord(
                role_name=role_name,
                role_id=self._ids.aws_id("AROA"),
                path=path,
                arn=self._arn(ROLE, path, role_name),
                created_at=self._clock.now(),
                assume_role_policy_document=assume_role_policy_document,
                description=description or "",
                max_session_duration=max_session_duration or 3600,
                permissions_boundary=permissions_boundary,
                tags=merged([], tags or [], "TagsPerRole"),
            )
            if self._taken((r.role_name for r in uow.roles.find()), role_name):
                raise EntityAlreadyExists(f"Role with name {role_name} already exists.")
            try:
                uow.roles.add(record)
            except Conflict:
                raise EntityAlreadyExists(f"Role with name {role_name} already exists.") from None
            self._commit(uow)
        shape = shapes.role(record, full=True)
        shape.pop("RoleLastUsed")
        return {"Role": shape}

    def get_role(self, ctx: RequestContext, *, role_name: str) -> dict[str, Any]:
        with self._store.reader() as uow:
            record = self._role(uow, role_name)
        return {"Role": shapes.role(record, full=True)}

    def list_roles(
        self,
        ctx: RequestContext,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            roles = uow.roles.find(prefix={"path": path_prefix or "/"})
        chunk, more = page(roles, lambda r: r.role_name, marker, max_items)
        return {"Roles": [shapes.role(r) for r in chunk], **more}

    def update_role(
        self,
        ctx: RequestContext,
        *,
        role_name: str,
        description: str | None = None,
        max_session_duration: int | None = None,
        max_signin_session_duration: int | None = None,
        reset_max_signin_session_duration: bool | None = None,
    ) -> dict[str, Any]:
        with self._changes() as uow:
            role = self._role(uow, role_name)
            uow.roles.update(
                replace(
                    role,
                    description=role.description if description is None else description,
                    max_session_duration=max_session_duration or role.max_session_duration,
                )
            )
            self._commit(uow)
        return {}

    def update_role_description(
        self, ctx: RequestContext, *, role_name: str, description: str
    ) -> dict[str, Any]:
        with self._changes() as uow:
            role = replace(self._role(uow, role_name), description=description)
            uow.roles.update(role)
            self._commit(uow)
        return {"Role": shapes.role(role, full=True)}

    def update_assume_role_policy(
        self, ctx: RequestContext, *, role_name: str, policy_document: str
    ) -> dict[str, Any]:
        with self._changes() as uow:
            role = self._role(uow, role_name)
            self._trust_document(uow, policy_document)
            uow.roles.update(replace(role, assume_role_policy_document=policy_document))
            self._commit(uow)
        return {}

    def delete_role(self, ctx: RequestContext, *, role_name: str) -> dict[str, Any]:
        with self._changes() as uow:
            self._role(uow, role_name)
            if uow.inline_policies.count(owner_type=ROLE, owner_name=role_name):
                raise DeleteConflict("Cannot delete entity, must delete policies first.")
            if uow.policy_attachments.count(owner_type=ROLE, owner_name=role_name):
                raise DeleteConflict("Cannot delete entity, must detach all policies first.")
            uow.roles.remove(role_name=role_name)
            self._commit(uow)
        return {}

    def tag_role(self, ctx: RequestContext, *, role_name: str, tags: list[dict[str, str]]) -> dict[str, Any]:
        with self._changes() as uow:
            role = self._role(uow, role_name)
            uow.roles.update(replace(role, tags=merged(role.tags, tags, "TagsPerRole")))
            self._commit(uow)
        return {}

    def untag_role(self, ctx: RequestContext, *, role_name: str, tag_keys: list[str]) -> dict[str, Any]:
        with self._changes() as uow:
            role = self._role(uow, role_name)
            uow.roles.update(replace(role, tags=without(role.tags, tag_keys)))
            self._commit(uow)
        return {}

    def list_role_tags(
        self, ctx: RequestContext, *, role_name: str, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            role = self._role(uow, role_name)
        chunk, more = page(role.tags, lambda t: t["Key"], marker, max_items)
        return {"Tags": chunk, **more}

    def put_role_permissions_boundary(
        self, ctx: RequestContext, *, role_name: str, permissions_boundary: str
    ) -> dict[str, Any]:
        with self._changes() as uow:
            role = self._role(uow, role_name)
            self._require_policy(uow, permissions_boundary)
            uow.roles.update(replace(role, permissions_boundary=permissions_boundary))
            self._commit(uow)
        return {}

    def delete_role_permissions_boundary(self, ctx: RequestContext, *, role_name: str) -> dict[str, Any]:
        with self._changes() as uow:
            role = self._role(uow, role_name)
            uow.roles.update(replace(role, permissions_boundary=None))
            self._commit(uow)
        return {}
