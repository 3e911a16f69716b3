"""Idempotency tokens of StartBuild, RetryBuild, StartBuildBatch and RetryBuildBatch, as AWS
documents them: a token holds for 5 minutes after the call that first used it; repeating the call
with it answers what that call made, and with changed parameters is a parameter mismatch.

A token is claimed in the transaction that makes the build or batch: its row is read locked and,
when free, inserted with the new target's id before anything else is written. Of two calls at once
with one token the second's insert then fails (on PostgreSQL it waits for the first to commit);
the caller gives up that transaction and runs again, when the claim finds the first call's row."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.idempotency import IdempotencyTokenRecord

WINDOW = timedelta(minutes=5)  # as AWS: a token names one call's result for 5 minutes
T = TypeVar("T")
MAX_TOKEN = 255  # characters
ATTEMPTS = 2  # a call that lost the race for its token runs once more, and then finds the winner's


@dataclass(frozen=True)
class TokenUse:
    """One call's use of a token: the operation, the token and the parameters that must match."""

    region: str
    operation: str
    token: str
    parameters: Any

    @property
    def request_hash(self) -> str:
        text = json.dumps(self.parameters, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def token_use(region: str, operation: str, token: str | None, parameters: Any) -> TokenUse | None:
    """The use to claim; None when the caller sent no token (or an empty one). A token is at most
    MAX_TOKEN characters (what the store keeps; AWS states no limit): InvalidInputException."""
    if token and len(token) > MAX_TOKEN:
        raise InvalidInputException(f"idempotencyToken must be at most {MAX_TOKEN} characters")
    return TokenUse(region, operation, token, parameters) if token else None


def earlier_target(uow: UnitOfWork, use: TokenUse, now: datetime, *, lock: bool = True) -> str | None:
    """The id of what the token's live earlier use made, when that use had these parameters;
    InvalidInputException when it had others; None when the token is free (an expired row is
    removed here, in a transaction that writes: `lock`)."""
    key = {"region": use.region, "operation": use.operation, "token": use.token}
    row = uow.idempotency_tokens.get(for_update=lock, **key)
    if row is None:
        return None
    if row.expires_at <= now:
        if lock:
            uow.idempotency_tokens.remove(**key)
        return None
    if row.request_hash != use.request_hash:
        raise InvalidInputException(
            f"Parameter mismatch: the idempotency token {use.token} was used with different "
            f"parameters by a {use.operation} request in the last 5 minutes"
        )
    return row.target_id


def claim(uow: UnitOfWork, use: TokenUse, target_id: str, now: datetime) -> None:
    """Notes the token as used by this call, which makes `target_id`; raises Conflict when
    another call claimed it meanwhile (the transaction is then spoilt: run the call again)."""
    uow.idempotency_tokens.add(
        IdempotencyTokenRecord(
            region=use.region,
            operation=use.operation,
            token=use.token,
            request_hash=use.request_hash,
            target_id=target_id,
            expires_at=now + WINDOW,
        )
    )


def earlier_made(
    uow: UnitOfWork, use: TokenUse, now: datetime, find: Callable[[str], T | None], *, lock: bool = True
) -> T | None:
    """What the token's live earlier use made (a build or batch `find` reads by id); None when
    the token is free. A target deleted within the 5 minutes frees its token: the call makes anew."""
    earlier = earlier_target(uow, use, now, lock=lock)
    if earlier is None:
        return None
    made = find(earlier)
    if made is None and lock:
        uow.idempotency_tokens.remove(region=use.region, operation=use.operation, token=use.token)
    return made


def once(token: str | None, call: Callable[[], T]) -> T:
    """Runs `call` (one transaction that claims the token); when another call claimed the token
    meanwhile (Conflict), runs it again, and then it finds and answers the other call's result."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return call()
        except Conflict:
            if not token or attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")
