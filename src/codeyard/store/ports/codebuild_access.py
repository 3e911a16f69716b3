"""CodeBuild records of access and upkeep: source credentials, resource policies, cache resets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SourceCredentialRecord:
    """The credentials of one source provider (server type) in a region; the token is sealed.
    `resource` is the connection or secret ARN that CODECONNECTIONS and SECRETS_MANAGER name."""

    region: str
    server_type: str
    arn: str
    auth_type: str
    created_at: datetime
    sealed_token: bytes
    username: str | None = None
    resource: str | None = None


@dataclass(frozen=True)
class ResourcePolicyRecord:
    """The resource policy of a project or report group (`kind` "project" or "report-group").
    `shared` says whether it allows a principal: such a resource is shared with others."""

    resource_arn: str
    region: str
    kind: str
    policy: str
    shared: bool
    modified_at: datetime


@dataclass(frozen=True)
class CacheResetRecord:
    """How many times a project's cache was reset (InvalidateProjectCache) and when last: builds
    carry the generation, and runners drop LOCAL caches of an older one."""

    region: str
    project_name: str
    generation: int
    reset_at: datetime
