"""CodeBuild records: build projects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ProjectRecord:
    """A build project. `definition` holds the project's configurable members as the API shapes
    them (camelCase keys: source, artifacts, environment, timeoutInMinutes…), defaults filled in;
    `tags` is the API's list of {"key", "value"}."""

    region: str
    name: str
    arn: str
    created_at: datetime
    last_modified_at: datetime
    definition: dict[str, Any] = field(default_factory=dict)
    tags: list[dict[str, str]] = field(default_factory=list)
