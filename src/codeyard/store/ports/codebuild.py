"""CodeBuild records: build projects, builds and their log chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ProjectRecord:
    """A build project. `definition` holds the project's configurable members as the API shapes
    them (camelCase keys: source, artifacts, environment, timeoutInMinutes…), defaults filled in;
    `tags` is the API's list of {"key", "value"}; `fleet_arn` the ARN of the fleet its environment
    names (None: on-demand), kept in a column of its own so that DeleteFleet finds its users."""

    region: str
    name: str
    arn: str
    created_at: datetime
    last_modified_at: datetime
    definition: dict[str, Any] = field(default_factory=dict)
    tags: list[dict[str, str]] = field(default_factory=list)
    fleet_arn: str | None = None


@dataclass(frozen=True)
class BuildRecord:
    """A build. `details` holds the Build shape's configuration members as the API shapes them
    (source, sourceVersion, resolvedSourceVersion, environment, artifacts, timeoutInMinutes, logs,
    exportedEnvironmentVariables…); `phases` the list of BuildPhase shapes so far."""

    id: str  # "<project>:<uuid>"
    region: str
    arn: str
    project_name: str
    build_number: int
    status: str
    current_phase: str
    build_complete: bool
    start_time: datetime
    initiator: str
    end_time: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)
    phases: list[dict[str, Any]] = field(default_factory=list)
    idempotency_token: str | None = None


@dataclass(frozen=True)
class BuildLogRecord:
    """That one chunk of a build's log is stored (its lines are in the log stream alone);
    (build_id, sequence) makes appends idempotent."""

    build_id: str
    sequence: int
    time: datetime
