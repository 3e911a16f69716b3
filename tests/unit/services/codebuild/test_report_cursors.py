"""Report page tokens: only a token of the same list whose values have the order columns' types."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from codeyard.services.codebuild.errors import InvalidInputException
from codeyard.services.codebuild.report_shapes import cursor_of, cursor_token


def forged(kind: str, after: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([kind, after]).encode()).decode()


def test_a_token_gives_back_its_order_values() -> None:
    assert cursor_of(None, "k", (int,)) is None
    assert cursor_of(cursor_token("k", [41]), "k", (int,)) == (41,)
    assert cursor_of(cursor_token("k", [12.5, 3]), "k", (float, int)) == (12.5, 3)
    assert cursor_of(cursor_token("k", [100, 3]), "k", (float, int)) == (100, 3)
    assert cursor_of(cursor_token("k", ["src/a.py", 3]), "k", (str, int)) == ("src/a.py", 3)
    when = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)
    assert cursor_of(cursor_token("k", [when, "g"]), "k", (datetime, str)) == (when, "g")


@pytest.mark.parametrize(
    "after",
    [
        ["x"],  # text where an id goes: the database would fail on it
        [2**63],  # beyond a BIGINT
        [-1],
        [True],
        [1.5],
        [None],
        [1, 2],  # another width
    ],
)
def test_forged_id_tokens_are_refused(after: Any) -> None:
    with pytest.raises(InvalidInputException, match="Invalid next token"):
        cursor_of(forged("k", after), "k", (int,))


@pytest.mark.parametrize(
    ("types", "after"),
    [
        ((float, int), ["50", 1]),
        ((float, int), [float("nan"), 1]),
        ((str, int), [5, 1]),
        ((str, int), ["a\x00b", 1]),
        ((datetime, str), [1767225600, "g"]),  # a number where a time goes
        ((datetime, str), ["2026-03-01T12:00:00", "g"]),  # a time without its offset
        ((datetime, str), ["yesterday", "g"]),
        ((datetime, str), ["0001-01-01T00:00:00+01:00", "g"]),  # before year 1 in UTC
        ((datetime, str), ["9999-12-31T23:59:59-01:00", "g"]),  # after year 9999 in UTC
    ],
)
def test_forged_order_values_are_refused(types: tuple[type, ...], after: Any) -> None:
    with pytest.raises(InvalidInputException, match="Invalid next token"):
        cursor_of(forged("k", after), "k", types)


def test_a_token_of_another_list_is_refused() -> None:
    with pytest.raises(InvalidInputException, match="Invalid next token"):
        cursor_of(cursor_token("other", [1]), "k", (int,))
