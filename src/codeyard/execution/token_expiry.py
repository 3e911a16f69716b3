"""Idempotency tokens forgotten once expired (5 minutes after the call that used them first).

An expired token is free already (the next call with it makes anew and replaces its row); the
sweep only keeps the table small, a batch of rows per transaction."""

from __future__ import annotations

from datetime import datetime

import anyio.to_thread

from codeyard.clock import Clock
from codeyard.store.ports import Store
from codeyard.store.ports.codebuild_reports import PageQuery

BATCH = 500  # rows deleted in one transaction
ORDER = ("expires_at", "region", "operation", "token")  # ix_cb_idempotency_tokens_expiry


class TokenExpiry:
    def __init__(self, store: Store, clock: Clock, batch: int = BATCH) -> None:
        self._store = store
        self._clock = clock
        self._batch = batch

    async def sweep(self) -> int:
        """Deletes every token expired by now; answers how many this call deleted."""
        now = self._clock.now()
        deleted = 0
        while True:
            found, removed = await anyio.to_thread.run_sync(self._delete_batch, now)
            deleted += removed
            if found < self._batch:
                return deleted

    def _delete_batch(self, now: datetime) -> tuple[int, int]:
        """Deletes up to a batch of the tokens expired by `now`, their rows locked (a call
        reusing one meanwhile waits, then finds it gone and claims it anew)."""
        with self._store.unit_of_work() as uow:
            query = PageQuery(order=ORDER, limit=self._batch, at_most={"expires_at": now})
            removed = 0
            expired = uow.idempotency_tokens.page(query)
            for row in expired:
                key = {"region": row.region, "operation": row.operation, "token": row.token}
                locked = uow.idempotency_tokens.get(for_update=True, **key)
                if locked is not None and locked.expires_at <= now:
                    removed += uow.idempotency_tokens.remove(**key)
            uow.commit()
        return len(expired), removed
