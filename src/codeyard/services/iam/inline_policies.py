"""Inline policies embedded in users, groups and roles."""

from __future__ import annotations

from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.iam.base import GROUP, ROLE, USER, IamBase
from codeyard.services.iam.documents import INLINE_POLICY_SIZE, checked
from codeyard.services.iam.errors import NoSuchEntity
from codeyard.services.iam.pages import page
from codeyard.services.iam.shapes import quoted
from codeyard.store.ports.iam import InlinePolicyRecord

_QUOTAS = {USER: "UserPolicySize", GROUP: "GroupPolicySize", ROLE: "RolePolicySize"}
_NAME_MEMBER = {USER: "UserName", GROUP: "GroupName", ROLE: "RoleName"}


class InlinePoliciesMixin(IamBase):
    def _put_inline(
        self, owner_type: str, owner_name: str, policy_name: str, document: str
    ) -> dict[str, Any]:
        checked(document, INLINE_POLICY_SIZE[owner_type], _QUOTAS[owner_type])
        record = InlinePolicyRecord(owner_type, owner_name, policy_name, document)
        with self._changes() as uow:
            self._owner_exists(uow, owner_type, owner_name)
            existing = uow.inline_policies.get(
                owner_type=owner_type, owner_name=owner_name, policy_name=policy_name
            )
            if existing is None:
                uow.inline_policies.add(record)
            else:
                uow.inline_policies.update(record)
            self._commit(uow)
        return {}

    def _inline(self, owner_type: str, owner_name: str, policy_name: str) -> InlinePolicyRecord:
        with self._store.reader() as uow:
            self._owner_exists(uow, owner_type, owner_name)
            record = uow.inline_policies.get(
                owner_type=owner_type, owner_name=owner_name, policy_name=policy_name
            )
        if record is None:
            raise NoSuchEntity(f"The {owner_type} policy with name {policy_name} cannot be found.")
        return record

    def _get_inline(self, owner_type: str, owner_name: str, policy_name: str) -> dict[str, Any]:
        record = self._inline(owner_type, owner_name, policy_name)
        return {
            _NAME_MEMBER[owner_type]: owner_name,
            "PolicyName": policy_name,
            "PolicyDocument": quoted(record.document),
        }

    def _delete_inline(self, owner_type: str, owner_name: str, policy_name: str) -> dict[str, Any]:
        with self._changes() as uow:
            self._owner_exists(uow, owner_type, owner_name)
            if not uow.inline_policies.remove(
                owner_type=owner_type, owner_name=owner_name, policy_name=policy_name
            ):
                raise NoSuchEntity(f"The {owner_type} policy with name {policy_name} cannot be found.")
            self._commit(uow)
        return {}

    def _list_inline(
        self, owner_type: str, owner_name: str, marker: str | None, max_items: int | None
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            self._owner_exists(uow, owner_type, owner_name)
            names = [
                p.policy_name for p in uow.inline_policies.find(owner_type=owner_type, owner_name=owner_name)
            ]
        chunk, more = page(names, lambda n: n, marker, max_items)
        return {"PolicyNames": chunk, **more}

    def put_user_policy(
        self, ctx: RequestContext, *, user_name: str, policy_name: str, policy_document: str
    ) -> dict[str, Any]:
        return self._put_inline(USER, user_name, policy_name, policy_document)

    def get_user_policy(self, ctx: RequestContext, *, user_name: str, policy_name: str) -> dict[str, Any]:
        return self._get_inline(USER, user_name, policy_name)

    def delete_user_policy(self, ctx: RequestContext, *, user_name: str, policy_name: str) -> dict[str, Any]:
        return self._delete_inline(USER, user_name, policy_name)

    def list_user_policies(
        self, ctx: RequestContext, *, user_name: str, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        return self._list_inline(USER, user_name, marker, max_items)

    def put_group_policy(
        self, ctx: RequestContext, *, group_name: str, policy_name: str, policy_document: str
    ) -> dict[str, Any]:
        return self._put_inline(GROUP, group_name, policy_name, policy_document)

    def get_group_policy(self, ctx: RequestContext, *, group_name: str, policy_name: str) -> dict[str, Any]:
        return self._get_inline(GROUP, group_name, policy_name)

    def delete_group_policy(
        self, ctx: RequestContext, *, group_name: str, policy_name: str
    ) -> dict[str, Any]:
        return self._delete_inline(GROUP, group_name, policy_name)

    def list_group_policies(
        self, ctx: RequestContext, *, group_name: str, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        return self._list_inline(GROUP, group_name, marker, max_items)

    def put_role_policy(
        self, ctx: RequestContext, *, role_name: str, policy_name: str, policy_document: str
    ) -> dict[str, Any]:
        return self._put_inline(ROLE, role_name, policy_name, policy_document)

    def get_role_policy(self, ctx: RequestContext, *, role_name: str, policy_name: str) -> dict[str, Any]:
        return self._get_inline(ROLE, role_name, policy_name)

    def delete_role_policy(self, ctx: RequestContext, *, role_name: str, policy_name: str) -> dict[str, Any]:
        return self._delete_inline(ROLE, role_name, policy_name)

    def list_role_policies(
        self, ctx: RequestContext, *, role_name: str, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        return self._list_inline(ROLE, role_name, marker, max_items)
