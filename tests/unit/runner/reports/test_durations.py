"""Durations: seconds with grouping or decimal commas, milliseconds, .NET time spans."""

from __future__ import annotations

import pytest

from codeyard.runner.reports.durations import millis_to_nanos, seconds_to_nanos, timespan_to_nanos


@pytest.mark.parametrize(
    ("text", "nanos"),
    [
        (None, 0),
        ("", 0),
        ("  ", 0),
        ("0", 0),
        ("0.000", 0),
        ("0.001", 1_000_000),
        ("12", 12_000_000_000),
        (" 1.5 ", 1_500_000_000),
        ("1e-3", 1_000_000),
        ("0.0000000004", 0),
        ("0.0000000006", 1),
        ("1,234", 1_234_000_000_000),
        ("1,234.5", 1_234_500_000_000),
        ("12,345,678.25", 12_345_678_250_000_000),
        ("0,5", 500_000_000),
        ("12,25", 12_250_000_000),
        ("1,2345", 1_234_500_000),
        ("-1", None),
        ("NaN", None),
        ("inf", None),
        ("1,2,3", None),
        ("soon", None),
    ],
)
def test_seconds(text: str | None, nanos: int | None) -> None:
    assert seconds_to_nanos(text) == nanos


@pytest.mark.parametrize(
    ("text", "nanos"), [(None, 0), ("25", 25_000_000), ("1.5", 1_500_000), ("x", None), ("-2", None)]
)
def test_milliseconds(text: str | None, nanos: int | None) -> None:
    assert millis_to_nanos(text) == nanos


@pytest.mark.parametrize(
    ("text", "nanos"),
    [
        (None, 0),
        ("00:00:00", 0),
        ("00:00:00.0000001", 100),
        ("00:00:01.5000000", 1_500_000_000),
        ("01:02:03", 3_723_000_000_000),
        ("2.00:00:00", 172_800_000_000_000),
        ("1s", None),
        ("00:00", None),
    ],
)
def test_timespans(text: str | None, nanos: int | None) -> None:
    assert timespan_to_nanos(text) == nanos
