"""IAM groups and their members."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.iam import shapes
from codeyard.services.iam.base import GROUP, IamBase
from codeyard.services.iam.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from codeyard.services.iam.pages import page
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.iam import (
    GroupMemberRecord,
    GroupRecord,
    InlinePolicyRecord,
    PolicyAttachmentRecord,
)

MAX_GROUPS_PER_USER = 10


class GroupsMixin(IamBase):
    def create_group(
        self, ctx: RequestContext, *, group_name: str, path: str | None = None
    ) -> dict[str, Any]:
        path = path or "/"
        record = GroupRecord(
            group_name=group_name,
            group_id=self._ids.aws_id("AGPA"),
            path=path,
            arn=self._arn(GROUP, path, group_name),
            created_at=self._clock.now(),
        )
        with self._changes() as uow:
            if self._taken((g.group_name for g in uow.groups.find()), group_name):
                raise EntityAlreadyExists(f"Group with name {group_name} already exists.")
            try:
                uow.groups.add(record)
            except Conflict:
                raise EntityAlreadyExists(f"Group with name {group_name} already exists.") from None
            self._commit(uow)
        return {"Group": shapes.group(record)}

    def get_group(
        self, ctx: RequestContext, *, group_name: str, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            group = self._group(uow, group_name)
            names = {m.user_name for m in uow.group_members.find(group_name=group_name)}
            users = [u for u in uow.users.find() if u.user_name in names] if names else []
        chunk, more = page(users, lambda u: u.user_name, marker, max_items)
        return {"Group": shapes.group(group), "Users": [shapes.user(u) for u in chunk], **more}

    def list_groups(
        self,
        ctx: RequestContext,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            groups = uow.groups.find(prefix={"path": path_prefix or "/"})
        chunk, more = page(groups, lambda g: g.group_name, marker, max_items)
        return {"Groups": [shapes.group(g) for g in chunk], **more}

    def update_group(
        self,
        ctx: RequestContext,
        *,
        group_name: str,
        new_path: str | None = None,
        new_group_name: str | None = None,
    ) -> dict[str, Any]:
        with self._changes() as uow:
            group = self._group(uow, group_name)
            name = new_group_name or group_name
            path = new_path or group.path
            updated = replace(group, group_name=name, path=path, arn=self._arn(GROUP, path, name))
            if name == group_name:
                uow.groups.update(updated)
            else:
                if self._taken((g.group_name for g in uow.groups.find()), name, renaming=group_name):
                    raise EntityAlreadyExists(f"Group with name {name} already exists.")
                uow.groups.remove(group_name=group_name)
                uow.groups.add(updated)
                self._rename_group_references(uow, group_name, name)
            self._commit(uow)
        return {}

    @staticmethod
    def _rename_group_references(uow: UnitOfWork, old: str, new: str) -> None:
        for member in uow.group_members.find(group_name=old):
            uow.group_members.remove(group_name=old, user_name=member.user_name)
            uow.group_members.add(GroupMemberRecord(new, member.user_name))
        for inline in uow.inline_policies.find(owner_type=GROUP, owner_name=old):
            uow.inline_policies.remove(owner_type=GROUP, owner_name=old, policy_name=inline.policy_name)
            uow.inline_policies.add(InlinePolicyRecord(GROUP, new, inline.policy_name, inline.document))
        for attachment in uow.policy_attachments.find(owner_type=GROUP, owner_name=old):
            uow.policy_attachments.remove(owner_type=GROUP, owner_name=old, policy_arn=attachment.policy_arn)
            uow.policy_attachments.add(PolicyAttachmentRecord(GROUP, new, attachment.policy_arn))

    def delete_group(self, ctx: RequestContext, *, group_name: str) -> dict[str, Any]:
        with self._changes() as uow:
            self._group(uow, group_name)
            blockers = (
                (uow.group_members.count(group_name=group_name), "remove users from group"),
                (uow.inline_policies.count(owner_type=GROUP, owner_name=group_name), "delete policies"),
                (
                    uow.policy_attachments.count(owner_type=GROUP, owner_name=group_name),
                    "detach all policies",
                ),
            )
            for count, what in blockers:
                if count:
                    raise DeleteConflict(f"Cannot delete entity, must {what} first.")
            uow.groups.remove(group_name=group_name)
            self._commit(uow)
        return {}

    def add_user_to_group(self, ctx: RequestContext, *, group_name: str, user_name: str) -> dict[str, Any]:
        with self._changes() as uow:
            self._group(uow, group_name)
            self._user(uow, user_name)
            if uow.group_members.get(group_name=group_name, user_name=user_name) is not None:
                return {}
            if uow.group_members.count(user_name=user_name) >= MAX_GROUPS_PER_USER:
                raise LimitExceeded(f"Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}")
            uow.group_members.add(GroupMemberRecord(group_name, user_name))
            self._commit(uow)
        return {}

    def remove_user_from_group(
        self, ctx: RequestContext, *, group_name: str, user_name: str
    ) -> dict[str, Any]:
        with self._changes() as uow:
            self._group(uow, group_name)
            self._user(uow, user_name)
            if not uow.group_members.remove(group_name=group_name, user_name=user_name):
                raise NoSuchEntity(f"User {user_name} is not in group {group_name}.")
            self._commit(uow)
        return {}

    def list_groups_for_user(
        self, ctx: RequestContext, *, user_name: str, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            self._user(uow, user_name)
            names = {m.group_name for m in uow.group_members.find(user_name=user_name)}
            groups = [g for g in uow.groups.find() if g.group_name in names] if names else []
        chunk, more = page(groups, lambda g: g.group_name, marker, max_items)
        return {"Groups": [shapes.group(g) for g in chunk], **more}
