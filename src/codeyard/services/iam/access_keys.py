"""Access keys of IAM users (and of the root user): create, list, status, delete, last use."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import PrincipalKind, RequestContext
from codeyard.services.iam.base import IamBase
from codeyard.services.iam.credentials import ACTIVE, access_key_context
from codeyard.services.iam.errors import LimitExceeded, NoSuchEntity
from codeyard.services.iam.pages import page
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.iam import AccessKeyRecord

MAX_KEYS_PER_USER = 2


class AccessKeysMixin(IamBase):
    def _key_owner(self, ctx: RequestContext, user_name: str | None) -> str | None:
        """The user whose keys an operation manages; None is the root user's own keys."""
        if not user_name and ctx.principal.kind is PrincipalKind.ROOT:
            return None
        return self._target_user(ctx, user_name)

    @staticmethod
    def _key(uow: UnitOfWork, access_key_id: str, owner: str | None) -> AccessKeyRecord:
        key = uow.access_keys.get(access_key_id=access_key_id)
        if key is None or key.user_name != owner:
            raise NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")
        return key

    def create_access_key(self, ctx: RequestContext, *, user_name: str | None = None) -> dict[str, Any]:
        owner = self._key_owner(ctx, user_name)
        key_id, secret = self._ids.aws_id("AKIA"), self._ids.secret(40)
        with self._changes() as uow:
            if owner is not None:
                self._user(uow, owner)
            if uow.access_keys.count(user_name=owner) >= MAX_KEYS_PER_USER:
                raise LimitExceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS_PER_USER}")
            record = AccessKeyRecord(
                access_key_id=key_id,
                user_name=owner,
                secret_sealed=self._box.seal_text(secret, access_key_context(key_id)),
                status=ACTIVE,
                created_at=self._clock.now(),
            )
            uow.access_keys.add(record)
            self._commit(uow)
        return {
            "AccessKey": {
                "UserName": owner,
                "AccessKeyId": key_id,
                "Status": ACTIVE,
                "SecretAccessKey": secret,
                "CreateDate": record.created_at,
            }
        }

    def list_access_keys(
        self,
        ctx: RequestContext,
        *,
        user_name: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        owner = self._key_owner(ctx, user_name)
        with self._store.reader() as uow:
            if owner is not None:
                self._user(uow, owner)
            keys = uow.access_keys.find(user_name=owner)
        chunk, more = page(keys, lambda k: k.access_key_id, marker, max_items)
        metadata = [
            {
                "UserName": k.user_name,
                "AccessKeyId": k.access_key_id,
                "Status": k.status,
                "CreateDate": k.created_at,
            }
            for k in chunk
        ]
        return {"AccessKeyMetadata": metadata, **more}

    def update_access_key(
        self, ctx: RequestContext, *, access_key_id: str, status: str, user_name: str | None = None
    ) -> dict[str, Any]:
        owner = self._key_owner(ctx, user_name)
        with self._changes() as uow:
            key = self._key(uow, access_key_id, owner)
            uow.access_keys.update(replace(key, status=status))
            self._commit(uow)
        return {}

    def delete_access_key(
        self, ctx: RequestContext, *, access_key_id: str, user_name: str | None = None
    ) -> dict[str, Any]:
        owner = self._key_owner(ctx, user_name)
        with self._changes() as uow:
            self._key(uow, access_key_id, owner)
            uow.access_keys.remove(access_key_id=access_key_id)
            self._commit(uow)
        return {}

    def get_access_key_last_used(self, ctx: RequestContext, *, access_key_id: str) -> dict[str, Any]:
        with self._store.reader() as uow:
            key = uow.access_keys.get(access_key_id=access_key_id)
        if key is None:
            raise NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.")
        # AWS answers N/A for the service and region of a key that was never used.
        return {
            "UserName": key.user_name,
            "AccessKeyLastUsed": {
                "LastUsedDate": key.last_used_at,
                "ServiceName": key.last_used_service or "N/A",
                "Region": key.last_used_region or "N/A",
            },
        }
