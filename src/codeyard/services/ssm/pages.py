"""Pages of results and their opaque NextToken: the position after the last item handed out."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from codeyard.services.ssm.errors import InvalidNextToken

T = TypeVar("T")
Position = str | int


def encode(kind: str, after: Position) -> str:
    body = json.dumps({"k": kind, "a": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(body).decode().rstrip("=")


def decode(token: str | None, kind: str) -> Position | None:
    """The position a token stands for; InvalidNextToken for anything we did not hand out."""
    if token is None:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        body = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidNextToken("The nextToken is not valid.") from None
    if not isinstance(body, dict) or body.get("k") != kind:
        raise InvalidNextToken("The nextToken is not valid.")
    after = body.get("a")
    if not isinstance(after, str | int) or isinstance(after, bool):
        raise InvalidNextToken("The nextToken is not valid.")
    return after


def page(
    items: Sequence[T], position: Callable[[T], Position], after: Position | None, size: int, kind: str
) -> tuple[list[T], str | None]:
    """Up to `size` items after the position `after` (items sorted by position), and the next token."""
    start = 0
    if after is not None:
        start = len(items)
        for index, item in enumerate(items):
            if _greater(position(item), after):
                start = index
                break
    chosen = list(items[start : start + size])
    more = start + size < len(items)
    return chosen, encode(kind, position(chosen[-1])) if more and chosen else None


def _greater(left: Position, right: Position) -> bool:
    if isinstance(left, int) and isinstance(right, int):
        return left > right
    return str(left) > str(right)
