"""The errors of CodeBuild: one class per error shape of the botocore model, named as the shape.

tests/unit/services/codebuild/test_errors.py checks each `code` against the installed model."""

from __future__ import annotations

from codeyard.errors import CodeyardError


class AccountLimitExceededException(CodeyardError):
    code = "AccountLimitExceededException"


class AccountSuspendedException(CodeyardError):
    code = "AccountSuspendedException"


class InvalidInputException(CodeyardError):
    code = "InvalidInputException"


class OAuthProviderException(CodeyardError):
    code = "OAuthProviderException"


class ResourceAlreadyExistsException(CodeyardError):
    code = "ResourceAlreadyExistsException"


class ResourceNotFoundException(CodeyardError):
    code = "ResourceNotFoundException"
