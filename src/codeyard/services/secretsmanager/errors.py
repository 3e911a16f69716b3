"""The errors Secrets Manager answers, each carrying its botocore error shape name."""

from __future__ import annotations

from codeyard.errors import CodeyardError

SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret."
MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion."


class ResourceNotFound(CodeyardError):
    code = "ResourceNotFoundException"

    def __init__(self, message: str = SECRET_NOT_FOUND) -> None:
        super().__init__(message)


class ResourceExists(CodeyardError):
    code = "ResourceExistsException"


class InvalidRequest(CodeyardError):
    code = "InvalidRequestException"


class MarkedForDeletion(InvalidRequest):
    """The secret is scheduled for deletion: only describe, list, restore and delete touch it."""

    def __init__(self) -> None:
        super().__init__(MARKED_FOR_DELETION)


class InvalidParameter(CodeyardError):
    code = "InvalidParameterException"


class LimitExceeded(CodeyardError):
    code = "LimitExceededException"


class InvalidNextToken(CodeyardError):
    code = "InvalidNextTokenException"


class MalformedPolicyDocument(CodeyardError):
    code = "MalformedPolicyDocumentException"


class PublicPolicy(CodeyardError):
    code = "PublicPolicyException"
