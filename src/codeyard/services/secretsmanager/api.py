"""The Secrets Manager operations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.store.ports import Store


class SecretsManagerApi:
    service_name = "secretsmanager"

    def __init__(self, store: Store, box: SecretBox, clock: Clock, ids: IdGenerator) -> None:
        self._store = store
        self._box = box
        self._clock = clock
        self._ids = ids

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        return ["*"]
