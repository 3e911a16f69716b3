"""Continuation tokens for CodeBuild lists: an opaque offset, checked against the list it came from."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import TypeVar

from codeyard.services.codebuild.errors import InvalidInputException

T = TypeVar("T")


def page(items: Sequence[T], token: str | None, size: int, kind: str) -> tuple[list[T], str | None]:
    """The page of `items` that `token` points at, and the token of the next page (None at the end).
    A token made for another `kind` (another list, sort or order) is refused."""
    start = 0
    if token:
        try:
            label, _, offset = base64.urlsafe_b64decode(token.encode()).decode().rpartition(":")
            start = int(offset)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            label = ""
        if label != kind or start < 0:
            raise InvalidInputException(f"Invalid next token: {token}")
    end = start + size
    following = base64.urlsafe_b64encode(f"{kind}:{end}".encode()).decode() if end < len(items) else None
    return list(items[start:end]), following
