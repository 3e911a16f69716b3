"""Outbox records: AWS events written in the same transaction as the change that caused them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class OutboxEvent:
    event_id: str
    source: str
    detail_type: str
    detail: dict[str, Any]
    region: str
    account: str
    time: datetime
    resources: list[str] = field(default_factory=list)
    delivered_at: datetime | None = None
    id: int | None = None
