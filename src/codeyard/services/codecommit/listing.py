"""Lists with `maxResults` and `nextToken`: the page size a caller may ask for, and a paged answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codeyard.services.codecommit.errors import InvalidMaxResultsException
from codeyard.services.codecommit.pages import page


def page_size(value: int | None, *, default: int, maximum: int) -> int:
    """The page size: `default` when none is asked for; InvalidMaxResultsException outside 1..maximum."""
    if value is None:
        return default
    if value < 1 or value > maximum:
        raise InvalidMaxResultsException(
            f"The maximum number of results {value} is not valid: it must be from 1 to {maximum}."
        )
    return value


def paged(member: str, items: Sequence[Any], token: str | None, size: int, kind: str) -> dict[str, Any]:
    """`{member: the page, "nextToken": …}` with the token only when more items follow."""
    chosen, following = page(items, token, size, kind)
    out: dict[str, Any] = {member: chosen}
    if following:
        out["nextToken"] = following
    return out
