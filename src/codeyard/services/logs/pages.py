"""Continuation tokens of CloudWatch Logs: opaque, checked, refused as AWS refuses them."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from codeyard.services.logs.errors import InvalidParameterException

T = TypeVar("T")

INVALID = "The specified nextToken is invalid."


def encode(kind: str, *values: Any) -> str:
    """A token of `kind` carrying `values` (ints and strings)."""
    raw = json.dumps([kind, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, kind: str, arity: int) -> list[Any]:
    """The values of a token of `kind`; InvalidParameterException for anything else."""
    try:
        raw = base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4))
        values = json.loads(raw)
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidParameterException(INVALID) from None
    if not isinstance(values, list) or len(values) != arity + 1 or values[0] != kind:
        raise InvalidParameterException(INVALID)
    if not all(isinstance(v, int | str) and not isinstance(v, bool) for v in values[1:]):
        raise InvalidParameterException(INVALID)
    return values[1:]


def page(items: Sequence[T], token: str | None, size: int, kind: str) -> tuple[list[T], str | None]:
    """The page of `items` that `token` points at, and the token of the next page (None at the end)."""
    start = 0
    if token:
        (start,) = decode(token, kind, 1)
        if not isinstance(start, int) or start < 0:
            raise InvalidParameterException(INVALID)
    end = start + size
    return list(items[start:end]), encode(kind, end) if end < len(items) else None
