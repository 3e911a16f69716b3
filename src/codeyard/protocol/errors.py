"""Errors to HTTP responses, in one place: wire code and status from the service model."""

from __future__ import annotations

from dataclasses import dataclass

from codeyard.errors import AuthenticationError, CodeyardError
from codeyard.protocol.models import ServiceSpec

# Generic errors raised across services, named as each query-protocol service spells them.
_QUERY_CODES = {
    "ValidationException": "ValidationError",
    "SerializationException": "MalformedInput",
    "AccessDeniedException": "AccessDenied",
    "UnrecognizedClientException": "InvalidClientTokenId",
    "InvalidSignatureException": "SignatureDoesNotMatch",
    "ExpiredTokenException": "ExpiredToken",
    "UnknownOperationException": "InvalidAction",
    "InvalidParameterException": "InvalidParameterValue",
}


@dataclass(frozen=True, slots=True)
class WireError:
    code: str
    status: int
    message: str
    sender_fault: bool


def wire_error(error: CodeyardError, spec: ServiceSpec | None, protocol: str) -> WireError:
    """The wire code and status of `error` for the service (when known) and protocol."""
    code, status = error.code, error.status
    modelled = None
    # Authentication happens before any service: a service's own shape of the same name (STS
    # models ExpiredTokenException for SAML assertions, with status 400) does not apply.
    if spec is not None and not isinstance(error, AuthenticationError):
        modelled = spec.error_codes.get(error.code)
    if modelled is not None:
        code = modelled[0]
        status = error.status if error.status >= 500 else modelled[1]
    elif protocol == "query" and code in _QUERY_CODES:
        code = _QUERY_CODES[code]
        # The query services (IAM, STS) answer a denial with 403, where JSON services use 400.
        status = 403 if code == "AccessDenied" else status
    return WireError(code=code, status=status, message=error.message, sender_fault=error.sender_fault)
