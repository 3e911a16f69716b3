"""IAM errors; each `code` is the botocore error shape name."""

from __future__ import annotations

from codeyard.errors import CodeyardError


class NoSuchEntity(CodeyardError):
    code = "NoSuchEntityException"
    status = 404


class EntityAlreadyExists(CodeyardError):
    code = "EntityAlreadyExistsException"
    status = 409


class LimitExceeded(CodeyardError):
    code = "LimitExceededException"
    status = 409


class DeleteConflict(CodeyardError):
    code = "DeleteConflictException"
    status = 409


class MalformedPolicyDocument(CodeyardError):
    code = "MalformedPolicyDocumentException"


class InvalidInput(CodeyardError):
    code = "InvalidInputException"


class PasswordPolicyViolation(CodeyardError):
    code = "PasswordPolicyViolationException"


class InvalidPublicKey(CodeyardError):
    code = "InvalidPublicKeyException"


class DuplicateSshPublicKey(CodeyardError):
    code = "DuplicateSSHPublicKeyException"


class UnrecognizedPublicKeyEncoding(CodeyardError):
    code = "UnrecognizedPublicKeyEncodingException"


class ServiceNotSupported(CodeyardError):
    code = "ServiceNotSupportedException"
    status = 404


class ConcurrentModification(CodeyardError):
    code = "ConcurrentModificationException"
    status = 409
