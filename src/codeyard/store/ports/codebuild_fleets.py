"""CodeBuild fleets: named pools of runners (CodeBuild's reserved-capacity fleets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class FleetRecord:
    """A fleet of a region. `definition` holds the Fleet shape's settings as given (baseCapacity,
    environmentType, computeType, scalingConfiguration, ...); `overflow_behavior` is QUEUE or
    ON_DEMAND, the one setting the work queue reads."""

    region: str
    name: str
    arn: str
    id: str
    created_at: datetime
    last_modified_at: datetime
    overflow_behavior: str
    definition: dict[str, Any] = field(default_factory=dict)
    tags: list[dict[str, str]] = field(default_factory=list)
