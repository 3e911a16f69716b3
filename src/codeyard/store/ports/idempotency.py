"""Idempotency tokens: which call a token was first used with, what it made, until when it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class IdempotencyTokenRecord:
    """A token's first use by one operation (`operation`, e.g. "StartBuild") in a region: the hash
    of that call's parameters, the id of what it made (a build or a batch) and when the token is
    free again. One live row per (region, operation, token): the primary key makes a second
    insert of it fail, so of two calls at once one alone wins."""

    region: str
    operation: str
    token: str
    request_hash: str
    target_id: str
    expires_at: datetime
