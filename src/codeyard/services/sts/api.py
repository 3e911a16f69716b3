"""The STS operations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import PrincipalKind, RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.store.ports import Store


class StsApi:
    service_name = "sts"
    always_allowed = frozenset({"GetCallerIdentity"})

    def __init__(self, store: Store, box: SecretBox, clock: Clock, ids: IdGenerator, account_id: str) -> None:
        self._store = store
        self._box = box
        self._clock = clock
        self._ids = ids
        self._account_id = account_id

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        if operation == "AssumeRole":
            return [str(params["RoleArn"])]
        return ["*"]

    def get_caller_identity(self, ctx: RequestContext) -> dict[str, Any]:
        principal = ctx.principal
        user_id = principal.user_id
        if principal.kind is PrincipalKind.ASSUMED_ROLE:
            user_id = f"{principal.user_id}:{principal.name}"
        return {"UserId": user_id, "Account": principal.account_id, "Arn": principal.arn}
