"""Parameter labels: AWS's label rules, and the label -> version map each parameter keeps."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from codeyard.services.ssm.errors import ParameterVersionLabelLimitExceeded

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


def of_version(labels: Mapping[str, int], version: int) -> list[str]:
    """The labels on one version, in the order they were attached."""
    return [label for label, labelled in labels.items() if labelled == version]


@dataclass(frozen=True, slots=True)
class Relabelling:
    """The outcome of attaching labels: the new map and the labels refused."""

    labels: dict[str, int]
    invalid: list[str]

    def changed(self, before: Mapping[str, int]) -> bool:
        return self.labels != dict(before)


def attach(labels: Mapping[str, int], target: int, wanted: Sequence[str]) -> Relabelling:
    """Attach `wanted` to version `target`; a label on another version moves to it."""
    result = dict(labels)
    invalid: list[str] = []
    for label in wanted:
        if not is_valid(label):
            if label not in invalid:
                invalid.append(label)
        elif result.get(label) != target:
            result.pop(label, None)
            result[label] = target
    if len(of_version(result, target)) > MAX_PER_VERSION:
        raise ParameterVersionLabelLimitExceeded(LIMIT_MESSAGE)
    return Relabelling(labels=result, invalid=invalid)


def detach(
    labels: Mapping[str, int], version: int, unwanted: Sequence[str]
) -> tuple[dict[str, int], list[str], list[str]]:
    """(new map, removed, invalid): the labels taken off the version, and those it did not carry."""
    result = dict(labels)
    removed: list[str] = []
    invalid: list[str] = []
    for label in unwanted:
        if result.get(label) == version:
            del result[label]
            removed.append(label)
        elif label not in removed and label not in invalid:
            invalid.append(label)
    return result, removed, invalid
