"""Durations as the report formats write them (seconds, milliseconds, .NET time spans) in nanoseconds."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"[1-9]\d{0,2}(,\d{3})+(\.\d*)?")
_TIMESPAN = re.compile(r"(?:(\d+)\.)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)")


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def seconds_to_nanos(text: str | None) -> int | None:
    """Seconds as JUnit and NUnit write them ("0.012", "1,234.5", "0,5"); 0 when absent, None when invalid.

    A comma is a thousands separator when it groups digits by three after a non-zero lead ("1,234" and
    "1,234.5", as Maven Surefire writes them), and a decimal separator otherwise ("0,5", "12,25").
    """
    if text is None or text.strip() == "":
        return 0
    text = text.strip()
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    value = _decimal(text)
    return None if value is None else int((value * 1_000_000_000).to_integral_value())


def millis_to_nanos(text: str | None) -> int | None:
    """Milliseconds as TestNG writes them; 0 when absent, None when invalid."""
    if text is None or text.strip() == "":
        return 0
    value = _decimal(text.strip())
    return None if value is None else int((value * 1_000_000).to_integral_value())


def timespan_to_nanos(text: str | None) -> int | None:
    """A .NET time span ("00:00:01.2345678", "1.02:03:04") as Visual Studio TRX writes it."""
    if text is None or text.strip() == "":
        return 0
    match = _TIMESPAN.fullmatch(text.strip())
    if match is None:
        return None
    days, hours, minutes, seconds = match.groups()
    total = Decimal(seconds) + 60 * int(minutes) + 3600 * int(hours) + 86400 * int(days or 0)
    return int((total * 1_000_000_000).to_integral_value())
