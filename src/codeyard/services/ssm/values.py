"""Parameter values: the tier a value lands in and its size, AllowedPattern, and data types."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import regex

from codeyard.errors import ValidationException
from codeyard.services.ssm.errors import (
    InvalidAllowedPattern,
    ParameterPatternMismatch,
    UnsupportedParameterType,
)

STANDARD = "Standard"
ADVANCED = "Advanced"
INTELLIGENT = "Intelligent-Tiering"
MAX_CHARACTERS = {STANDARD: 4096, ADVANCED: 8192}

# A pathological AllowedPattern must not hold a server thread: matching gives up after this.
PATTERN_TIMEOUT = 0.25

_NESTED = re.compile(r"\{\{.*\}\}", re.DOTALL)


def check_value(value: str) -> None:
    if not value:
        raise ValidationException(
            "1 validation error detected: Value '' at 'value' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1."
        )
    if _NESTED.search(value):
        raise ValidationException(
            'Parameter value can\'t nest another parameter. Do not use "{{}}" in the value.'
        )


def resolve_tier(requested: str | None, current: str | None, value: str, has_policies: bool) -> str:
    """Standard or Advanced, checking the value's size and AWS's one-way tier upgrade.

    With no tier in the request a new parameter is Standard (AWS's default tier setting) and an
    existing one keeps its tier. Intelligent-Tiering picks Advanced only when the request needs it.
    """
    if requested is None:
        tier = current or STANDARD
    elif requested == INTELLIGENT:
        needs_advanced = len(value) > MAX_CHARACTERS[STANDARD] or has_policies or current == ADVANCED
        tier = ADVANCED if needs_advanced else STANDARD
    else:
        tier = requested
    if tier == STANDARD and current == ADVANCED:
        raise ValidationException(
            "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the "
            "advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the "
            "advanced parameter and recreate it as a standard parameter."
        )
    if tier == STANDARD and len(value) > MAX_CHARACTERS[STANDARD]:
        raise ValidationException(
            f"Standard tier parameters support a maximum parameter value of {MAX_CHARACTERS[STANDARD]} "
            "characters. To create a larger parameter value, upgrade the parameter to use the "
            "advanced-parameter tier. For more information, see "
            "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
        )
    if tier == ADVANCED and len(value) > MAX_CHARACTERS[ADVANCED]:
        raise ValidationException(
            f"Advanced tier parameters support a maximum parameter value of {MAX_CHARACTERS[ADVANCED]} characters."
        )
    if tier == STANDARD and has_policies:
        raise ValidationException(
            "Standard tier parameters don't support parameter policies. To attach policies, use the "
            "advanced-parameter tier or Intelligent-Tiering."
        )
    return tier


def compile_pattern(pattern: str) -> Any:
    """The compiled AllowedPattern (Java-style syntax), or InvalidAllowedPatternException."""
    try:
        return regex.compile(pattern)
    except (regex.error, ValueError, OverflowError):
        raise InvalidAllowedPattern(
            f"The allowed pattern is not a valid regular expression: {pattern}"
        ) from None


def check_pattern(value: str, pattern: str) -> None:
    """The value must match the AllowedPattern.

    AWS does not document whether the pattern must match the whole value; its own examples carry
    `^...$` anchors, so we search (an unanchored pattern matches anywhere in the value), and a
    StringList is checked as one string.
    """
    if not pattern:
        return
    compiled = compile_pattern(pattern)
    try:
        matched = compiled.search(value, timeout=PATTERN_TIMEOUT) is not None
    except TimeoutError:
        matched = False
    if not matched:
        raise ParameterPatternMismatch(
            f"Parameter value, cannot be validated against allowedPattern: {pattern}"
        )


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _is_ip(version: int) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            return ipaddress.ip_address(value).version == version
        except ValueError:
            return False

    return check


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _matches(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern)
    return lambda value: compiled.fullmatch(value) is not None


# The data types of the PutParameter documentation, with the format check each one gets here.
# `aws:ec2:image` is only checked for its `ami-…` form: AWS also checks, asynchronously, that the
# image exists, which has no meaning on Codeyard. Types without a useful check accept any text.
_DATA_TYPES: Mapping[str, Callable[[str], bool]] = MappingProxyType(
    {
        "text": lambda _value: True,
        "aws:ec2:image": _matches(r"ami-[0-9a-zA-Z]{8,17}"),
        "aws:ssm:integration": lambda _value: True,
        "aws:region": _matches(r"[a-z]{2}(-[a-z]+)+-\d+"),
        "aws:account:id": _matches(r"\d{12}"),
        "boolean": lambda value: value in ("true", "false"),
        "integer": _matches(r"[+-]?\d+"),
        "float": _is_float,
        "binary": _is_base64,
        "hostname": _matches(
            r"[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*"
        ),
        "email": _matches(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
        "ipv4-address": _is_ip(4),
        "ipv6-address": _is_ip(6),
        "url": _matches(r"https?://\S+"),
        "json": _is_json,
        "jsonc": lambda _value: True,
    }
)


def check_data_type(data_type: str, parameter_type: str, value: str) -> None:
    check = _DATA_TYPES.get(data_type)
    if check is None:
        raise ValidationException(
            f"The following data type is not supported: {data_type} (Data type names are all lowercase.)"
        )
    # Every data type but text describes the value of a plain String parameter. AWS does not
    # document the error for another type; UnsupportedParameterType is the closest it has.
    if data_type != "text" and parameter_type != "String":
        raise UnsupportedParameterType(
            f"The data type {data_type} is only supported for parameters of type String."
        )
    if not check(value):
        raise ValidationException(f"The parameter value isn't valid for the data type {data_type}.")
