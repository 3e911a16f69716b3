"""The SSM Parameter Store operations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.services.events import EventFactory
from codeyard.store.ports import Store


class SsmApi:
    service_name = "ssm"

    def __init__(
        self, store: Store, box: SecretBox, clock: Clock, ids: IdGenerator, events: EventFactory
    ) -> None:
        self._store = store
        self._box = box
        self._clock = clock
        self._ids = ids
        self._events = events

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        return ["*"]
