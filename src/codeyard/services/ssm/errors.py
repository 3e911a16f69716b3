"""The errors of SSM Parameter Store, each carrying its botocore error shape name."""

from __future__ import annotations

from codeyard.errors import CodeyardError


class ParameterNotFound(CodeyardError):
    code = "ParameterNotFound"


class ParameterAlreadyExists(CodeyardError):
    code = "ParameterAlreadyExists"


class ParameterVersionNotFound(CodeyardError):
    code = "ParameterVersionNotFound"


class ParameterVersionLabelLimitExceeded(CodeyardError):
    code = "ParameterVersionLabelLimitExceeded"


class ParameterMaxVersionLimitExceeded(CodeyardError):
    code = "ParameterMaxVersionLimitExceeded"


class HierarchyLevelLimitExceeded(CodeyardError):
    code = "HierarchyLevelLimitExceededException"


class HierarchyTypeMismatch(CodeyardError):
    code = "HierarchyTypeMismatchException"


class InvalidAllowedPattern(CodeyardError):
    code = "InvalidAllowedPatternException"


class ParameterPatternMismatch(CodeyardError):
    code = "ParameterPatternMismatchException"


class UnsupportedParameterType(CodeyardError):
    code = "UnsupportedParameterType"


class InvalidKeyId(CodeyardError):
    code = "InvalidKeyId"


class InvalidFilterKey(CodeyardError):
    code = "InvalidFilterKey"


class InvalidFilterOption(CodeyardError):
    code = "InvalidFilterOption"


class InvalidFilterValue(CodeyardError):
    code = "InvalidFilterValue"


class InvalidNextToken(CodeyardError):
    code = "InvalidNextToken"


class InvalidResourceId(CodeyardError):
    code = "InvalidResourceId"


class InvalidResourceType(CodeyardError):
    code = "InvalidResourceType"


class TooManyTagsError(CodeyardError):
    code = "TooManyTagsError"


class TooManyUpdates(CodeyardError):
    code = "TooManyUpdates"


class PoliciesLimitExceeded(CodeyardError):
    code = "PoliciesLimitExceededException"


class InvalidPolicyType(CodeyardError):
    code = "InvalidPolicyTypeException"


class InvalidPolicyAttribute(CodeyardError):
    code = "InvalidPolicyAttributeException"


class IncompatiblePolicy(CodeyardError):
    code = "IncompatiblePolicyException"
