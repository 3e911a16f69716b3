"""CodeBuild batch builds: one record per batch, its build groups held with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class BuildBatchRecord:
    """A batch build. `details` holds the BuildBatch shape's configuration members as the API
    shapes them (source, environment, artifacts, buildBatchConfig…) and the StartBuildBatch
    request; `phases` the BuildBatchPhase shapes so far (times in epoch milliseconds);
    `build_groups` one entry per member: identifier, dependsOn, ignoreFailure, the member's
    StartBuild request, the id of its current build (None until started) and of its prior ones.
    `due_at` is when the scheduler's tick must look at the batch: the end of its timeoutInMins, or
    at once while it fails fast with members not yet asked to stop; None when nothing is due
    (complete, stopping, or neither)."""

    id: str  # "<project>:<uuid>"
    region: str
    arn: str
    project_name: str
    build_batch_number: int
    status: str
    current_phase: str
    complete: bool
    start_time: datetime
    initiator: str
    end_time: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)
    phases: list[dict[str, Any]] = field(default_factory=list)
    build_groups: list[dict[str, Any]] = field(default_factory=list)
    idempotency_token: str | None = None
    due_at: datetime | None = None
