"""The errors of CloudWatch Logs: one class per error shape of the botocore model, named as the shape.

tests/unit/services/logs/test_errors.py checks each `code` against the installed model."""

from __future__ import annotations

from codeyard.errors import CodeyardError


class AccessDeniedException(CodeyardError):
    code = "AccessDeniedException"


class ConflictException(CodeyardError):
    code = "ConflictException"


class DataAlreadyAcceptedException(CodeyardError):
    code = "DataAlreadyAcceptedException"


class InternalServerException(CodeyardError):
    code = "InternalServerException"


class InternalStreamingException(CodeyardError):
    code = "InternalStreamingException"


class InvalidOperationException(CodeyardError):
    code = "InvalidOperationException"


class InvalidParameterException(CodeyardError):
    code = "InvalidParameterException"


class InvalidSequenceTokenException(CodeyardError):
    code = "InvalidSequenceTokenException"


class LimitExceededException(CodeyardError):
    code = "LimitExceededException"


class MalformedQueryException(CodeyardError):
    code = "MalformedQueryException"


class OperationAbortedException(CodeyardError):
    code = "OperationAbortedException"


class ResourceAlreadyExistsException(CodeyardError):
    code = "ResourceAlreadyExistsException"


class ResourceNotFoundException(CodeyardError):
    code = "ResourceNotFoundException"


class ServiceQuotaExceededException(CodeyardError):
    code = "ServiceQuotaExceededException"


class ServiceUnavailableException(CodeyardError):
    code = "ServiceUnavailableException"


class SessionStreamingException(CodeyardError):
    code = "SessionStreamingException"


class SessionTimeoutException(CodeyardError):
    code = "SessionTimeoutException"


class ThrottlingException(CodeyardError):
    code = "ThrottlingException"


class TooManyTagsException(CodeyardError):
    code = "TooManyTagsException"


class UnrecognizedClientException(CodeyardError):
    code = "UnrecognizedClientException"


class ValidationException(CodeyardError):
    code = "ValidationException"
