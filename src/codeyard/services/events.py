"""Building AWS events for the outbox, shared by every service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.ids import IdGenerator
from codeyard.store.ports.events import OutboxEvent


class EventFactory:
    """Makes outbox events with the EventBridge envelope fields filled in."""

    def __init__(self, clock: Clock, ids: IdGenerator) -> None:
        self._clock = clock
        self._ids = ids

    def event(
        self,
        ctx: RequestContext,
        source: str,
        detail_type: str,
        detail: dict[str, Any],
        resources: Sequence[str] = (),
    ) -> OutboxEvent:
        return OutboxEvent(
            event_id=self._ids.uuid(),
            source=source,
            detail_type=detail_type,
            detail=detail,
            region=ctx.region,
            account=ctx.account_id,
            time=self._clock.now(),
            resources=list(resources),
        )


def envelope(event: OutboxEvent) -> dict[str, Any]:
    """An outbox event as EventBridge delivers it."""
    return {
        "version": "0",
        "id": event.event_id,
        "detail-type": event.detail_type,
        "source": event.source,
        "account": event.account,
        "time": event.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": event.region,
        "resources": list(event.resources),
        "detail": event.detail,
    }
