"""IAM and STS records: identities, keys, policies and credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class UserRecord:
    user_name: str
    user_id: str
    path: str
    arn: str
    created_at: datetime
    permissions_boundary: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class GroupRecord:
    group_name: str
    group_id: str
    path: str
    arn: str
    created_at: datetime


@dataclass(frozen=True)
class GroupMemberRecord:
    group_name: str
    user_name: str


@dataclass(frozen=True)
class RoleRecord:
    role_name: str
    role_id: str
    path: str
    arn: str
    created_at: datetime
    assume_role_policy_document: str
    description: str = ""
    max_session_duration: int = 3600
    permissions_boundary: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class AccessKeyRecord:
    """An access key; `user_name` None is the root user's."""

    access_key_id: str
    user_name: str | None
    secret_sealed: bytes
    status: str
    created_at: datetime
    last_used_at: datetime | None = None
    last_used_service: str | None = None
    last_used_region: str | None = None


@dataclass(frozen=True)
class ManagedPolicyRecord:
    arn: str
    policy_name: str
    policy_id: str
    path: str
    default_version_id: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    next_version: int = 2
    tags: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PolicyVersionRecord:
    policy_arn: str
    version_id: str
    document: str
    created_at: datetime


@dataclass(frozen=True)
class InlinePolicyRecord:
    """A policy embedded in a user, group or role (`owner_type`)."""

    owner_type: str
    owner_name: str
    policy_name: str
    document: str


@dataclass(frozen=True)
class PolicyAttachmentRecord:
    owner_type: str
    owner_name: str
    policy_arn: str


@dataclass(frozen=True)
class ServiceCredentialRecord:
    """Service-specific credentials; the password is kept only as a keyed digest."""

    service_specific_credential_id: str
    user_name: str
    service_name: str
    service_user_name: str
    password_digest: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class SshKeyRecord:
    ssh_public_key_id: str
    user_name: str
    body: str
    fingerprint: str
    status: str
    uploaded_at: datetime


@dataclass(frozen=True)
class LoginProfileRecord:
    user_name: str
    password_hash: str
    created_at: datetime
    password_reset_required: bool = False


@dataclass(frozen=True)
class SessionCredentialRecord:
    """Temporary credentials from STS, for a user session or an assumed role."""

    access_key_id: str
    secret_sealed: bytes
    session_token_sealed: bytes
    principal_kind: str
    principal_arn: str
    principal_id: str
    principal_name: str
    role_name: str
    source_user_name: str | None
    created_at: datetime
    expires_at: datetime
    session_policy: str | None = None
    session_policy_arns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IamEpochRecord:
    """A token replaced by every IAM change; caches of IAM state are keyed by it."""

    name: str
    token: str
