"""Temporary credentials: ASIA keys with a sealed secret and session token, stored for the resolver."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.services.iam.credentials import access_key_context, session_token_context
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.iam import SessionCredentialRecord

TOKEN_BYTES = 240


@dataclass(frozen=True)
class SessionIdentity:
    """Who a session acts as: what GetCallerIdentity and the authorizer will see."""

    kind: str
    arn: str
    principal_id: str
    name: str
    role_name: str = ""
    source_user_name: str | None = None


class SessionIssuer:
    """Makes session credentials and records them in the caller's unit of work."""

    def __init__(self, box: SecretBox, clock: Clock, ids: IdGenerator) -> None:
        self._box = box
        self._clock = clock
        self._ids = ids

    def issue(
        self,
        uow: UnitOfWork,
        identity: SessionIdentity,
        duration_seconds: int,
        *,
        session_policy: str | None = None,
        session_policy_arns: list[str] | None = None,
    ) -> dict[str, Any]:
        """Store a new session and answer the `Credentials` structure of STS."""
        key_id = self._ids.aws_id("ASIA")
        secret = self._ids.secret(40)
        token = base64.b64encode(self._ids.token_bytes(TOKEN_BYTES)).decode()
        now = self._clock.now()
        expires: datetime = now + timedelta(seconds=duration_seconds)
        uow.session_credentials.add(
            SessionCredentialRecord(
                access_key_id=key_id,
                secret_sealed=self._box.seal_text(secret, access_key_context(key_id)),
                session_token_sealed=self._box.seal_text(token, session_token_context(key_id)),
                principal_kind=identity.kind,
                principal_arn=identity.arn,
                principal_id=identity.principal_id,
                principal_name=identity.name,
                role_name=identity.role_name,
                source_user_name=identity.source_user_name,
                created_at=now,
                expires_at=expires,
                session_policy=session_policy,
                session_policy_arns=list(session_policy_arns or []),
            )
        )
        return {
            "AccessKeyId": key_id,
            "SecretAccessKey": secret,
            "SessionToken": token,
            "Expiration": expires,
        }
