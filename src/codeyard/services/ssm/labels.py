"""Parameter labels: AWS's label rules, and attaching labels so that each names one version."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from codeyard.services.ssm.errors import ParameterVersionLabelLimitExceeded
from codeyard.store.ports.ssm import ParameterVersionRecord

MAX_PER_VERSION = 10

_LABEL = re.compile(r"[a-zA-Z0-9_.\-]{1,100}")

LIMIT_MESSAGE = (
    f"A parameter version can have maximum {MAX_PER_VERSION} labels."
    "Move one or more labels to another version and try again."
)


def is_valid(label: str) -> bool:
    """Letters, digits, `.`, `-`, `_`; not starting with a digit, `aws` or `ssm` (any case)."""
    return (
        _LABEL.fullmatch(label) is not None
        and not label[0].isdigit()
        and not label.lower().startswith(("aws", "ssm"))
    )


@dataclass(frozen=True, slots=True)
class Relabelling:
    """The outcome of attaching labels: the versions to write back and the labels refused."""

    changed: list[ParameterVersionRecord]
    invalid: list[str]


def attach(versions: Sequence[ParameterVersionRecord], target: int, labels: Sequence[str]) -> Relabelling:
    """Attach `labels` to version `target`, moving any of them away from the other versions."""
    wanted: list[str] = []
    invalid: list[str] = []
    for label in labels:
        if not is_valid(label):
            if label not in invalid:
                invalid.append(label)
        elif label not in wanted:
            wanted.append(label)
    changed: list[ParameterVersionRecord] = []
    for record in versions:
        if record.version == target:
            merged = list(record.labels) + [label for label in wanted if label not in record.labels]
            if len(merged) > MAX_PER_VERSION:
                raise ParameterVersionLabelLimitExceeded(LIMIT_MESSAGE)
            if merged != list(record.labels):
                changed.append(dataclasses.replace(record, labels=merged))
        elif any(label in record.labels for label in wanted):
            kept = [label for label in record.labels if label not in wanted]
            changed.append(dataclasses.replace(record, labels=kept))
    return Relabelling(changed=changed, invalid=invalid)


def detach(record: ParameterVersionRecord, labels: Sequence[str]) -> tuple[list[str], list[str]]:
    """(removed, invalid): the labels taken off the version, and those it did not carry."""
    removed: list[str] = []
    invalid: list[str] = []
    for label in labels:
        if label in record.labels:
            if label not in removed:
                removed.append(label)
        elif label not in invalid:
            invalid.append(label)
    return removed, invalid
