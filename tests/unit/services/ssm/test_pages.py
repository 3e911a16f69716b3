"""Pages and their NextToken."""

from __future__ import annotations

import pytest

from codeyard.services.ssm import pages
from codeyard.services.ssm.errors import InvalidNextToken


def test_walks_every_item_once() -> None:
    items = [f"/p{n:02d}" for n in range(23)]
    seen: list[str] = []
    token: str | None = None
    while True:
        chunk, token = pages.page(items, lambda item: item, pages.decode(token, "k"), 10, "k")
        seen.extend(chunk)
        if token is None:
            break
    assert seen == items


def test_exact_fit_has_no_next_token() -> None:
    assert pages.page([1, 2], lambda item: item, None, 2, "h") == ([1, 2], None)


def test_position_survives_deleted_items() -> None:
    token = pages.encode("k", "/b")
    assert pages.page(["/a", "/c", "/d"], lambda item: item, pages.decode(token, "k"), 5, "k") == (
        ["/c", "/d"],
        None,
    )


def test_versions_compare_as_numbers() -> None:
    chunk, _ = pages.page([9, 10, 11], lambda item: item, pages.decode(pages.encode("h", 9), "h"), 5, "h")
    assert chunk == [10, 11]


@pytest.mark.parametrize(
    "token", ["", "not base64!", "bm90IGpzb24", pages.encode("other", "x"), pages.encode("k", True)]
)
def test_foreign_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidNextToken):
        pages.decode(token, "k")
