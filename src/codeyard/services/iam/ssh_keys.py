"""SSH public keys of IAM users (git over SSH): upload, list, read, status, delete."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import Principal, RequestContext
from codeyard.services.iam.arns import user_principal
from codeyard.services.iam.base import IamBase
from codeyard.services.iam.credentials import ACTIVE
from codeyard.services.iam.errors import DuplicateSshPublicKey, LimitExceeded, NoSuchEntity
from codeyard.services.iam.pages import page
from codeyard.services.iam.ssh import key_blob, read_public_key
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.iam import SshKeyRecord

MAX_KEYS_PER_USER = 5


class SshKeysMixin(IamBase):
    @staticmethod
    def _ssh_key(uow: UnitOfWork, user_name: str, key_id: str) -> SshKeyRecord:
        record = uow.ssh_keys.get(ssh_public_key_id=key_id)
        if record is None or record.user_name != user_name:
            raise NoSuchEntity(f"The Public Key with id {key_id} cannot be found.")
        return record

    @staticmethod
    def _ssh_shape(record: SshKeyRecord, body: str) -> dict[str, Any]:
        return {
            "SSHPublicKey": {
                "UserName": record.user_name,
                "SSHPublicKeyId": record.ssh_public_key_id,
                "Fingerprint": record.fingerprint,
                "SSHPublicKeyBody": body,
                "Status": record.status,
                "UploadDate": record.uploaded_at,
            }
        }

    def upload_ssh_public_key(
        self, ctx: RequestContext, *, user_name: str, ssh_public_key_body: str
    ) -> dict[str, Any]:
        key = read_public_key(ssh_public_key_body)
        with self._changes() as uow:
            self._user(uow, user_name)
            existing = uow.ssh_keys.find(user_name=user_name)
            if any(k.fingerprint == key.fingerprint for k in existing):
                raise DuplicateSshPublicKey("The public key is already associated with the user.")
            if len(existing) >= MAX_KEYS_PER_USER:
                raise LimitExceeded(f"Cannot exceed quota for PublicKeysPerUser: {MAX_KEYS_PER_USER}")
            record = SshKeyRecord(
                ssh_public_key_id=self._ids.aws_id("APKA"),
                user_name=user_name,
                body=ssh_public_key_body.strip(),
                fingerprint=key.fingerprint,
                status=ACTIVE,
                uploaded_at=self._clock.now(),
            )
            uow.ssh_keys.add(record)
            self._commit(uow)
        return self._ssh_shape(record, record.body)

    def list_ssh_public_keys(
        self,
        ctx: RequestContext,
        *,
        user_name: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        owner = self._target_user(ctx, user_name)
        with self._store.reader() as uow:
            self._user(uow, owner)
            keys = uow.ssh_keys.find(user_name=owner)
        chunk, more = page(keys, lambda k: k.ssh_public_key_id, marker, max_items)
        listed = [
            {
                "UserName": k.user_name,
                "SSHPublicKeyId": k.ssh_public_key_id,
                "Status": k.status,
                "UploadDate": k.uploaded_at,
            }
            for k in chunk
        ]
        return {"SSHPublicKeys": listed, **more}

    def get_ssh_public_key(
        self, ctx: RequestContext, *, user_name: str, ssh_public_key_id: str, encoding: str
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            self._user(uow, user_name)
            record = self._ssh_key(uow, user_name, ssh_public_key_id)
        key = read_public_key(record.body)
        if encoding == "PEM":
            body = key.pem
        else:
            body = record.body if not record.body.startswith("-----BEGIN") else key.openssh
        return self._ssh_shape(record, body)

    def update_ssh_public_key(
        self, ctx: RequestContext, *, user_name: str, ssh_public_key_id: str, status: str
    ) -> dict[str, Any]:
        with self._changes() as uow:
            self._user(uow, user_name)
            record = self._ssh_key(uow, user_name, ssh_public_key_id)
            uow.ssh_keys.update(replace(record, status=status))
            self._commit(uow)
        return {}

    def delete_ssh_public_key(
        self, ctx: RequestContext, *, user_name: str, ssh_public_key_id: str
    ) -> dict[str, Any]:
        with self._changes() as uow:
            self._user(uow, user_name)
            self._ssh_key(uow, user_name, ssh_public_key_id)
            uow.ssh_keys.remove(ssh_public_key_id=ssh_public_key_id)
            self._commit(uow)
        return {}

    def verify_ssh_public_key(self, ssh_public_key_id: str, public_key: str) -> Principal | None:
        """The user whose Active key `ssh_public_key_id` is `public_key` (OpenSSH), if any.

        Not an AWS operation: the git SSH server calls it (the SSH user name is the key id)."""
        with self._store.reader() as uow:
            record = uow.ssh_keys.get(ssh_public_key_id=ssh_public_key_id)
            if record is None or record.status != ACTIVE:
                return None
            user = uow.users.get(user_name=record.user_name)
        if user is None or key_blob(read_public_key(record.body).openssh) != key_blob(public_key):
            return None
        return user_principal(self._account_id, user.arn, user.user_id, user.user_name)
