"""Secrets Manager records: a secret and its versions, values sealed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SecretRecord:
    arn: str
    region: str
    name: str
    created_at: datetime
    last_changed_at: datetime
    description: str = ""
    kms_key_id: str | None = None
    last_accessed_at: datetime | None = None
    deleted_at: datetime | None = None
    purge_at: datetime | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    resource_policy: str | None = None


@dataclass(frozen=True)
class SecretVersionRecord:
    secret_arn: str
    version_id: str
    created_at: datetime
    stages: list[str] = field(default_factory=list)
    # True while the version carries a staging label: versions without one are deprecated, and
    # most reads skip them in the query.
    labelled: bool = True
    sealed_string: bytes | None = None
    sealed_binary: bytes | None = None
    last_accessed_at: datetime | None = None
