"""Marker pagination of IAM lists."""

from __future__ import annotations

import pytest

from codeyard.services.iam.errors import InvalidInput
from codeyard.services.iam.pages import DEFAULT_MAX_ITEMS, page


def test_pages_walk_everything_in_order() -> None:
    items = [f"user{i:03d}" for i in range(7)][::-1]
    seen: list[str] = []
    marker = None
    while True:
        chunk, more = page(items, lambda s: s, marker, 3)
        seen += chunk
        if not more["IsTruncated"]:
            assert "Marker" not in more
            break
        marker = more["Marker"]
    assert seen == sorted(items)


def test_marker_survives_changes_before_it() -> None:
    items = ["a", "b", "c", "d"]
    _, more = page(items, lambda s: s, None, 2)
    chunk, _ = page(["a", "d", "c", "aa"], lambda s: s, more["Marker"], 2)
    assert chunk == ["c", "d"]


def test_default_page_size_and_bad_marker() -> None:
    chunk, more = page(list(range(150)), lambda i: f"{i:04d}", None, None)
    assert len(chunk) == DEFAULT_MAX_ITEMS
    assert more["IsTruncated"]
    with pytest.raises(InvalidInput):
        page(["a"], lambda s: s, "%%%", 1)
