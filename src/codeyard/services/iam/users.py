"""IAM users: create, read, list, rename, delete, tags and permissions boundaries."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import PrincipalKind, RequestContext
from codeyard.services.iam import shapes
from codeyard.services.iam.base import USER, IamBase
from codeyard.services.iam.errors import DeleteConflict, EntityAlreadyExists
from codeyard.services.iam.pages import page
from codeyard.services.iam.tags import merged, without
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.iam import (
    GroupMemberRecord,
    InlinePolicyRecord,
    LoginProfileRecord,
    PolicyAttachmentRecord,
    UserRecord,
)


class UsersMixin(IamBase):
    def create_user(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        path: str | None = None,
        permissions_boundary: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        path = path or "/"
        with self._changes() as uow:
            if permissions_boundary:
                self._require_policy(uow, permissions_boundary)
            record = UserRecord(
                user_name=user_name,
                user_id=self._ids.aws_id("AIDA"),
                path=path,
                arn=self._arn(USER, path, user_name),
                created_at=self._clock.now(),
                permissions_boundary=permissions_boundary,
                tags=merged([], tags or [], "TagsPerUser"),
            )
            if self._taken((u.user_name for u in uow.users.find()), user_name):
                raise EntityAlreadyExists(f"User with name {user_name} already exists.")
            try:
                uow.users.add(record)
            except Conflict:
                raise EntityAlreadyExists(f"User with name {user_name} already exists.") from None
            self._commit(uow)
        return {"User": shapes.user(record, full=True)}

    def get_user(self, ctx: RequestContext, *, user_name: str | None = None) -> dict[str, Any]:
        principal = ctx.principal
        with self._store.reader() as uow:
            if not user_name and principal.kind is PrincipalKind.ROOT:
                return {"User": self._root_user(uow, ctx)}
            record = self._user(uow, self._target_user(ctx, user_name))
        return {"User": shapes.user(record, full=True)}

    def _root_user(self, uow: UnitOfWork, ctx: RequestContext) -> dict[str, Any]:
        """The root user as AWS shows it: no name or path, the account id as its id."""
        key = uow.access_keys.get(access_key_id=ctx.principal.access_key_id)
        oldest = [k.created_at for k in uow.access_keys.find(user_name=None)]
        created = key.created_at if key else min(oldest, default=self._clock.now())
        return {"UserId": ctx.account_id, "Arn": ctx.principal.arn, "CreateDate": created}

    def list_users(
        self,
        ctx: RequestContext,
        *,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            users = uow.users.find(prefix={"path": path_prefix or "/"})
        chunk, more = page(users, lambda u: u.user_name, marker, max_items)
        return {"Users": [shapes.user(u) for u in chunk], **more}

    def update_user(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        new_path: str | None = None,
        new_user_name: str | None = None,
    ) -> dict[str, Any]:
        with self._changes() as uow:
            user = self._user(uow, user_name)
            name = new_user_name or user_name
            path = new_path or user.path
            updated = replace(user, user_name=name, path=path, arn=self._arn(USER, path, name))
            if name == user_name:
                uow.users.update(updated)
            else:
                if self._taken((u.user_name for u in uow.users.find()), name, renaming=user_name):
                    raise EntityAlreadyExists(f"User with name {name} already exists.")
                uow.users.remove(user_name=user_name)
                uow.users.add(updated)
                self._rename_user_references(uow, user_name, name)
            self._commit(uow)
        return {}

    def _rename_user_references(self, uow: UnitOfWork, old: str, new: str) -> None:
        for key in uow.access_keys.find(user_name=old):
            uow.access_keys.update(replace(key, user_name=new))
        for credential in uow.service_credentials.find(user_name=old):
            uow.service_credentials.update(replace(credential, user_name=new))
        for ssh_key in uow.ssh_keys.find(user_name=old):
            uow.ssh_keys.update(replace(ssh_key, user_name=new))
        for member in uow.group_members.find(user_name=old):
            uow.group_members.remove(group_name=member.group_name, user_name=old)
            uow.group_members.add(GroupMemberRecord(member.group_name, new))
        for inline in uow.inline_policies.find(owner_type=USER, owner_name=old):
            uow.inline_policies.remove(owner_type=USER, owner_name=old, policy_name=inline.policy_name)
            uow.inline_policies.add(InlinePolicyRecord(USER, new, inline.policy_name, inline.document))
        for attachment in uow.policy_attachments.find(owner_type=USER, owner_name=old):
            uow.policy_attachments.remove(owner_type=USER, owner_name=old, policy_arn=attachment.policy_arn)
            uow.policy_attachments.add(PolicyAttachmentRecord(USER, new, attachment.policy_arn))
        profile = uow.login_profiles.get(user_name=old)
        if profile is not None:
            uow.login_profiles.remove(user_name=old)
            uow.login_profiles.add(
                LoginProfileRecord(
                    new, profile.password_hash, profile.created_at, profile.password_reset_required
                )
            )

    def delete_user(self, ctx: RequestContext, *, user_name: str) -> dict[str, Any]:
        with self._changes() as uow:
            self._user(uow, user_name)
            # The order of AWS's checks: credentials first, then policies, then groups.
            blockers = (
                (uow.login_profiles.count(user_name=user_name), "delete login profile"),
                (uow.access_keys.count(user_name=user_name), "delete access keys"),
                (uow.ssh_keys.count(user_name=user_name), "delete SSH public keys"),
                (uow.service_credentials.count(user_name=user_name), "delete service specific credentials"),
                (uow.inline_policies.count(owner_type=USER, owner_name=user_name), "delete policies"),
                (uow.policy_attachments.count(owner_type=USER, owner_name=user_name), "detach all policies"),
                (uow.group_members.count(user_name=user_name), "remove users from group"),
            )
            for count, what in blockers:
                if count:
                    raise DeleteConflict(f"Cannot delete entity, must {what} first.")
            uow.users.remove(user_name=user_name)
            self._commit(uow)
        return {}

    def tag_user(self, ctx: RequestContext, *, user_name: str, tags: list[dict[str, str]]) -> dict[str, Any]:
        with self._changes() as uow:
            user = self._user(uow, user_name)
            uow.users.update(replace(user, tags=merged(user.tags, tags, "TagsPerUser")))
            self._commit(uow)
        return {}

    def untag_user(self, ctx: RequestContext, *, user_name: str, tag_keys: list[str]) -> dict[str, Any]:
        with self._changes() as uow:
            user = self._user(uow, user_name)
            uow.users.update(replace(user, tags=without(user.tags, tag_keys)))
            self._commit(uow)
        return {}

    def list_user_tags(
        self, ctx: RequestContext, *, user_name: str, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            user = self._user(uow, user_name)
        chunk, more = page(user.tags, lambda t: t["Key"], marker, max_items)
        return {"Tags": chunk, **more}

    def put_user_permissions_boundary(
        self, ctx: RequestContext, *, user_name: str, permissions_boundary: str
    ) -> dict[str, Any]:
        with self._changes() as uow:
            user = self._user(uow, user_name)
            self._require_policy(uow, permissions_boundary)
            uow.users.update(replace(user, permissions_boundary=permissions_boundary))
            self._commit(uow)
        return {}

    def delete_user_permissions_boundary(self, ctx: RequestContext, *, user_name: str) -> dict[str, Any]:
        with self._changes() as uow:
            user = self._user(uow, user_name)
            uow.users.update(replace(user, permissions_boundary=None))
            self._commit(uow)
        return {}
