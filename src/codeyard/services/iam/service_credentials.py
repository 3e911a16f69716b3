"""Service-specific credentials: the user name and password a user gives git (and Keyspaces)."""

from __future__ import annotations

import hmac
from dataclasses import replace
from typing import Any

from codeyard.accounts import Principal, RequestContext
from codeyard.services.iam.arns import user_principal
from codeyard.services.iam.base import IamBase
from codeyard.services.iam.credentials import ACTIVE
from codeyard.services.iam.errors import InvalidInput, LimitExceeded, NoSuchEntity, ServiceNotSupported
from codeyard.services.iam.pages import page
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.iam import ServiceCredentialRecord

CODECOMMIT = "codecommit.amazonaws.com"
# AWS documents user-name/password credentials for CodeCommit and Amazon Keyspaces. Its newer
# API-key kind (Bedrock, CloudWatch Logs: an alias and a bearer secret) needs bearer-token
# authentication, which Codeyard does not have, so those services answer NotSupportedService.
SUPPORTED_SERVICES = (CODECOMMIT, "cassandra.amazonaws.com")
MAX_PER_SERVICE = 2
PASSWORD_LENGTH = 44


class ServiceCredentialsMixin(IamBase):
    def _credential(
        self, uow: UnitOfWork, credential_id: str, user_name: str | None
    ) -> ServiceCredentialRecord:
        record = uow.service_credentials.get(service_specific_credential_id=credential_id)
        if record is None or (user_name is not None and record.user_name != user_name):
            raise NoSuchEntity(f"No such credential {credential_id} exists")
        return record

    @staticmethod
    def _metadata(record: ServiceCredentialRecord) -> dict[str, Any]:
        return {
            "UserName": record.user_name,
            "Status": record.status,
            "ServiceUserName": record.service_user_name,
            "CreateDate": record.created_at,
            "ServiceSpecificCredentialId": record.service_specific_credential_id,
            "ServiceName": record.service_name,
        }

    def _with_password(self, record: ServiceCredentialRecord, password: str) -> dict[str, Any]:
        return {"ServiceSpecificCredential": {**self._metadata(record), "ServicePassword": password}}

    def _service_user_name(self, uow: UnitOfWork, user_name: str, service_name: str) -> str:
        """`<user>-at-<account>`, then `<user>+1-at-<account>` for a second credential, like AWS."""
        taken = {c.service_user_name for c in uow.service_credentials.find(service_name=service_name)}
        for suffix in ("", *(f"+{n}" for n in range(1, MAX_PER_SERVICE + 1))):
            candidate = f"{user_name}{suffix}-at-{self._account_id}"
            if candidate not in taken:
                return candidate
        raise LimitExceeded(
            f"Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {MAX_PER_SERVICE}"
        )

    def create_service_specific_credential(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        service_name: str,
        credential_age_days: int | None = None,
    ) -> dict[str, Any]:
        if service_name not in SUPPORTED_SERVICES:
            raise ServiceNotSupported(
                f"Service {service_name} is not supported for service-specific credentials."
            )
        if credential_age_days is not None:
            raise InvalidInput(
                "CredentialAgeDays is only valid for services that support long-term API keys."
            )
        password = self._ids.secret(PASSWORD_LENGTH)
        with self._changes() as uow:
            self._user(uow, user_name)
            if (
                uow.service_credentials.count(user_name=user_name, service_name=service_name)
                >= MAX_PER_SERVICE
            ):
                raise LimitExceeded(
                    f"Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {MAX_PER_SERVICE}"
                )
            record = ServiceCredentialRecord(
                service_specific_credential_id=self._ids.aws_id("ACCA"),
                user_name=user_name,
                service_name=service_name,
                service_user_name=self._service_user_name(uow, user_name, service_name),
                password_digest=self._box.digest(password),
                status=ACTIVE,
                created_at=self._clock.now(),
            )
            uow.service_credentials.add(record)
            self._commit(uow)
        return self._with_password(record, password)

    def list_service_specific_credentials(
        self,
        ctx: RequestContext,
        *,
        user_name: str | None = None,
        service_name: str | None = None,
        all_users: bool | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self._store.reader() as uow:
            if all_users:
                records = uow.service_credentials.find()
            else:
                owner = self._target_user(ctx, user_name)
                self._user(uow, owner)
                records = uow.service_credentials.find(user_name=owner)
        if service_name:
            records = [r for r in records if r.service_name == service_name]
        chunk, more = page(
            records, lambda r: f"{r.user_name}\x00{r.service_specific_credential_id}", marker, max_items
        )
        return {"ServiceSpecificCredentials": [self._metadata(r) for r in chunk], **more}

    def reset_service_specific_credential(
        self, ctx: RequestContext, *, service_specific_credential_id: str, user_name: str | None = None
    ) -> dict[str, Any]:
        password = self._ids.secret(PASSWORD_LENGTH)
        with self._changes() as uow:
            record = self._credential(uow, service_specific_credential_id, user_name)
            record = replace(record, password_digest=self._box.digest(password))
            uow.service_credentials.update(record)
            self._commit(uow)
        return self._with_password(record, password)

    def update_service_specific_credential(
        self,
        ctx: RequestContext,
        *,
        service_specific_credential_id: str,
        status: str,
        user_name: str | None = None,
    ) -> dict[str, Any]:
        with self._changes() as uow:
            record = self._credential(uow, service_specific_credential_id, user_name)
            uow.service_credentials.update(replace(record, status=status))
            self._commit(uow)
        return {}

    def delete_service_specific_credential(
        self, ctx: RequestContext, *, service_specific_credential_id: str, user_name: str | None = None
    ) -> dict[str, Any]:
        with self._changes() as uow:
            self._credential(uow, service_specific_credential_id, user_name)
            uow.service_credentials.remove(service_specific_credential_id=service_specific_credential_id)
            self._commit(uow)
        return {}

    def verify_service_password(
        self, service_user_name: str, password: str, service_name: str = CODECOMMIT
    ) -> Principal | None:
        """The user a service user name and password belong to (git over HTTPS), if Active.

        Not an AWS operation: the git layer calls it.
        """
        with self._store.reader() as uow:
            record = uow.service_credentials.get(
                service_name=service_name, service_user_name=service_user_name
            )
            if record is None or record.status != ACTIVE:
                return None
            if not hmac.compare_digest(record.password_digest, self._box.digest(password)):
                return None
            user = uow.users.get(user_name=record.user_name)
        if user is None:
            return None
        return user_principal(self._account_id, user.arn, user.user_id, user.user_name)
