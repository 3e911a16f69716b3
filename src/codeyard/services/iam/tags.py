"""Tags on users, roles and policies: merge, remove, limits."""

from __future__ import annotations

from collections.abc import Sequence

from codeyard.services.iam.errors import InvalidInput, LimitExceeded

MAX_TAGS = 50

Tag = dict[str, str]


def merged(current: Sequence[Tag], new: Sequence[Tag], quota: str) -> list[Tag]:
    """`current` with `new` added or overwritten; tag keys compare case-insensitively."""
    keys = [t["Key"].lower() for t in new]
    if len(set(keys)) != len(keys):
        raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    replaced = set(keys)
    result = [dict(t) for t in current if t["Key"].lower() not in replaced]
    result.extend({"Key": t["Key"], "Value": t.get("Value", "")} for t in new)
    if len(result) > MAX_TAGS:
        raise LimitExceeded(f"Cannot exceed quota for {quota}: {MAX_TAGS}.")
    return result


def without(current: Sequence[Tag], keys: Sequence[str]) -> list[Tag]:
    gone = {k.lower() for k in keys}
    return [dict(t) for t in current if t["Key"].lower() not in gone]
