"""Marker/MaxItems pagination of IAM list operations."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from codeyard.services.iam.errors import InvalidInput

T = TypeVar("T")

DEFAULT_MAX_ITEMS = 100


def _decode(marker: str) -> str:
    try:
        return base64.b64decode(marker.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput("Invalid Marker.") from None


def page(
    items: Sequence[T], key: Callable[[T], str], marker: str | None, max_items: int | None
) -> tuple[list[T], dict[str, Any]]:
    """One page of `items` in key order, and the IsTruncated/Marker members of the answer.

    The marker is the (encoded) key of the first item of the next page, so a page stays right
    when items before it are added or removed between calls.
    """
    ordered = sorted(items, key=key)
    start = 0
    if marker:
        after = _decode(marker)
        start = next((i for i, item in enumerate(ordered) if key(item) >= after), len(ordered))
    limit = max_items or DEFAULT_MAX_ITEMS
    chunk = ordered[start : start + limit]
    if start + limit < len(ordered):
        following = key(ordered[start + limit])
        return chunk, {
            "IsTruncated": True,
            "Marker": base64.urlsafe_b64encode(following.encode()).decode(),
        }
    return chunk, {"IsTruncated": False}
