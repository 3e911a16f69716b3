"""What a service package offers the protocol layer: its name and the resources of a call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from codeyard.accounts import RequestContext


class ServiceApi(Protocol):
    """One AWS service. Operations are methods named by `botocore.xform_name` of the operation,
    taking the request context and keyword-only arguments named the same way."""

    service_name: str

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        """The ARNs an IAM policy is checked against for this call ("*" when none)."""
        ...


def implemented_operations(api: object, operations: Sequence[str], xform: Any) -> dict[str, str]:
    """Operation name -> method name, for the operations `api` defines on its class."""
    found: dict[str, str] = {}
    for operation in operations:
        method = xform(operation)
        if callable(getattr(type(api), method, None)):
            found[operation] = method
    return found
