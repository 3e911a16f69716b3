"""Remote work records: leased jobs and the runners that lease them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class JobRecord:
    """A job of the work queue. `state` is QUEUED, LEASED or DONE; a LEASED job belongs to
    `runner_id` until `lease_expires_at`; `payload` is the job message (execution/messages.py)."""

    id: str
    kind: str
    region: str
    state: str
    created_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    runner_id: str | None = None
    lease_expires_at: datetime | None = None
    stop_requested: bool = False
    # The ARN of the fleet whose runners alone take the job (None: an on-demand build).
    fleet: str | None = None


@dataclass(frozen=True)
class RunnerRecord:
    """A registered runner; `token_hash` is the SHA-256 of its bearer token; `fleet` is the ARN of
    the fleet it serves (None: an on-demand runner); `last_seen_at` its latest poll."""

    runner_id: str
    name: str
    token_hash: str
    created_at: datetime
    last_seen_at: datetime | None = None
    fleet: str | None = None
