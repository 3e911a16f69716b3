"""SSM Parameter Store records: a parameter and each of its versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ParameterRecord:
    """The current state of a parameter; its values live in its versions."""

    region: str
    name: str
    type: str
    version: int
    last_modified_at: datetime
    last_modified_user: str
    description: str = ""
    allowed_pattern: str = ""
    key_id: str | None = None
    tier: str = "Standard"
    data_type: str = "text"
    policies: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    # Every label of every version, label -> version: a label names one version at a time.
    labels: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ParameterVersionRecord:
    """One version. A SecureString's value is only in `sealed_value`."""

    region: str
    name: str
    version: int
    type: str
    value: str | None
    sealed_value: bytes | None
    last_modified_at: datetime
    last_modified_user: str
    description: str = ""
    allowed_pattern: str = ""
    key_id: str | None = None
    tier: str = "Standard"
    data_type: str = "text"
    policies: list[dict[str, Any]] = field(default_factory=list)
