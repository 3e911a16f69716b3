"""Who is calling, from where: principals, the request context and the auth ports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class PrincipalKind(StrEnum):
    ROOT = "root"
    USER = "user"
    ASSUMED_ROLE = "assumed-role"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated identity. `arn` is what GetCallerIdentity answers."""

    kind: PrincipalKind
    arn: str
    account_id: str
    user_id: str
    name: str
    access_key_id: str = ""
    role_name: str = ""

    @property
    def is_root(self) -> bool:
        return self.kind is PrincipalKind.ROOT


@dataclass(frozen=True, slots=True)
class Credential:
    """What an access key id resolves to: its secret and the principal it signs as."""

    access_key_id: str
    secret_access_key: str
    principal: Principal
    session_token: str | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Passed to every service operation."""

    principal: Principal
    region: str
    account_id: str
    request_id: str
    source_ip: str = "127.0.0.1"

    def arn(self, service: str, resource: str, *, region: str | None = None) -> str:
        """An ARN in the caller's partition, region and account."""
        scope = self.region if region is None else region
        return f"arn:aws:{service}:{scope}:{self.account_id}:{resource}"


class CredentialResolver(Protocol):
    def resolve(self, access_key_id: str) -> Credential | None:
        """The credential for an access key id, or None when it is unknown or inactive."""
        ...

    def note_use(self, access_key_id: str, service: str, region: str) -> None:
        """Record the key's last use (AccessKeyLastUsed)."""
        ...


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    principal: Principal
    action: str
    resources: Sequence[str]
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict)


class Decision(StrEnum):
    """The outcome of a policy evaluation, as IAM names it."""

    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


class Authorizer(Protocol):
    def decide(self, request: AuthorizationRequest) -> Decision:
        """Allow when the principal's policies allow the action on every resource."""
        ...
