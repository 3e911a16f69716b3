"""The one error tree: every error a caller can see carries its AWS error code."""

from __future__ import annotations

from typing import ClassVar


class CodeyardError(Exception):
    """Base of every error answered to a caller.

    `code` is the botocore error shape name; the protocol layer turns it into the wire code and
    HTTP status of the service model, in one place.
    """

    code: ClassVar[str] = "InternalFailure"
    sender_fault: ClassVar[bool] = True
    status: ClassVar[int] = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class ValidationException(CodeyardError):
    code = "ValidationException"


class SerializationException(CodeyardError):
    code = "SerializationException"


class AccessDeniedException(CodeyardError):
    code = "AccessDeniedException"


class InvalidParameter(CodeyardError):
    """A parameter has a value the service refuses, beyond what the model can say."""

    code = "InvalidParameterException"


class NotImplementedOperation(CodeyardError):
    code = "NotImplemented"
    status = 501


class UnknownOperation(CodeyardError):
    code = "UnknownOperationException"


class AuthenticationError(CodeyardError):
    """A request that is not, or not correctly, signed."""

    status = 403


class MissingAuthenticationToken(AuthenticationError):
    code = "MissingAuthenticationToken"


class IncompleteSignature(AuthenticationError):
    code = "IncompleteSignature"


class InvalidSignature(AuthenticationError):
    code = "InvalidSignatureException"


class UnrecognizedClient(AuthenticationError):
    code = "UnrecognizedClientException"


class ExpiredToken(AuthenticationError):
    code = "ExpiredTokenException"


class RequestEntityTooLarge(CodeyardError):
    code = "RequestEntityTooLarge"
    status = 413


class InternalFailure(CodeyardError):
    code = "InternalFailure"
    sender_fault = False
    status = 500
