"""Parameter values: tiers and sizes, AllowedPattern and data types."""

from __future__ import annotations

import pytest

from codeyard.errors import CodeyardError, ValidationException
from codeyard.services.ssm import values
from codeyard.services.ssm.errors import (
    InvalidAllowedPattern,
    ParameterPatternMismatch,
    UnsupportedParameterType,
)

SMALL = "x"
BIG = "x" * 5000


@pytest.mark.parametrize(
    ("requested", "current", "value", "policies", "tier"),
    [
        (None, None, SMALL, False, "Standard"),
        (None, "Advanced", SMALL, False, "Advanced"),
        ("Advanced", None, BIG, False, "Advanced"),
        ("Advanced", "Standard", SMALL, False, "Advanced"),
        ("Intelligent-Tiering", None, SMALL, False, "Standard"),
        ("Intelligent-Tiering", None, BIG, False, "Advanced"),
        ("Intelligent-Tiering", None, SMALL, True, "Advanced"),
        ("Intelligent-Tiering", "Advanced", SMALL, False, "Advanced"),
        ("Standard", "Standard", "x" * 4096, False, "Standard"),
    ],
)
def test_resolve_tier(
    requested: str | None, current: str | None, value: str, policies: bool, tier: str
) -> None:
    assert values.resolve_tier(requested, current, value, policies) == tier


@pytest.mark.parametrize(
    ("requested", "current", "value", "policies", "fragment"),
    [
        (None, None, "x" * 4097, False, "4096"),
        ("Standard", "Advanced", SMALL, False, "downgrade"),
        ("Advanced", None, "x" * 8193, False, "8192"),
        ("Intelligent-Tiering", None, "x" * 8193, False, "8192"),
        (None, None, SMALL, True, "policies"),
    ],
)
def test_resolve_tier_refusals(
    requested: str | None, current: str | None, value: str, policies: bool, fragment: str
) -> None:
    with pytest.raises(ValidationException) as excinfo:
        values.resolve_tier(requested, current, value, policies)
    assert fragment in excinfo.value.message


def test_allowed_pattern() -> None:
    values.check_pattern("123", r"^\d+$")
    values.check_pattern("anything", "")
    values.check_pattern("abc-123", r"\d+")  # unanchored patterns match anywhere
    with pytest.raises(ParameterPatternMismatch):
        values.check_pattern("abc", r"^\d+$")
    with pytest.raises(InvalidAllowedPattern):
        values.compile_pattern("(unclosed")


def test_catastrophic_pattern_gives_up_instead_of_hanging() -> None:
    with pytest.raises(ParameterPatternMismatch):
        values.check_pattern("a" * 40 + "!", r"^(a+)+$")


@pytest.mark.parametrize(
    ("data_type", "value"),
    [
        ("text", "anything"),
        ("aws:ec2:image", "ami-0123456789abcdef0"),
        ("aws:ec2:image", "ami-12345678"),
        ("aws:ssm:integration", "x"),
        ("aws:region", "eu-west-1"),
        ("aws:account:id", "123456789012"),
        ("boolean", "true"),
        ("integer", "-42"),
        ("float", "3.5"),
        ("json", '{"a": 1}'),
        ("ipv4-address", "10.0.0.1"),
        ("ipv6-address", "::1"),
        ("url", "https://example.com/x"),
        ("hostname", "db.internal"),
        ("email", "a@b.co"),
        ("binary", "aGVsbG8="),
    ],
)
def test_data_types_accept(data_type: str, value: str) -> None:
    values.check_data_type(data_type, "String", value)


@pytest.mark.parametrize(
    ("data_type", "parameter_type", "value", "error"),
    [
        ("aws:ec2:image", "String", "ami-xyz", ValidationException),
        ("boolean", "String", "yes", ValidationException),
        ("integer", "String", "4.2", ValidationException),
        ("json", "String", "{", ValidationException),
        ("ipv4-address", "String", "::1", ValidationException),
        ("Text", "String", "x", ValidationException),
        ("aws:ec2:image", "SecureString", "ami-12345678", UnsupportedParameterType),
        ("integer", "StringList", "1", UnsupportedParameterType),
    ],
)
def test_data_types_refuse(
    data_type: str, parameter_type: str, value: str, error: type[CodeyardError]
) -> None:
    with pytest.raises(error):
        values.check_data_type(data_type, parameter_type, value)


def test_text_data_type_fits_every_parameter_type() -> None:
    for parameter_type in ("String", "StringList", "SecureString"):
        values.check_data_type("text", parameter_type, "v")


@pytest.mark.parametrize("value", ["", "{{ssm:/other}}", "a {{resolve}} b"])
def test_check_value_refusals(value: str) -> None:
    with pytest.raises(ValidationException):
        values.check_value(value)
