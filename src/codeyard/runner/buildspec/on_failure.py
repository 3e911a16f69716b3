"""A phase's `on-failure`: ABORT, CONTINUE, RETRY, RETRY-<count>, RETRY-<regex> or RETRY-<count>-<regex>."""

from __future__ import annotations

import re

import yaml

from codeyard.runner.buildspec.model import DEFAULT_RETRY_COUNT, DEFAULT_RETRY_REGEX, FailureAction
from codeyard.runner.buildspec.model_options import OnFailure
from codeyard.runner.buildspec.nodes import Reader

MAX_RETRIES = 100
_COUNT_AND_REGEX = re.compile(r"(\d+)-(.*)\Z", re.DOTALL)
_FORMS = "ABORT, CONTINUE, RETRY, RETRY-<count>, RETRY-<regex> or RETRY-<count>-<regex>"


def parse_on_failure(value: str) -> OnFailure:
    """The OnFailure a value names; RETRY forms get the default count (3) and regex (`.*`) filled in.

    Raises ValueError with the reason."""
    if value in (FailureAction.ABORT, FailureAction.CONTINUE):
        return OnFailure(FailureAction(value))
    if value == FailureAction.RETRY:
        return OnFailure(FailureAction.RETRY, DEFAULT_RETRY_COUNT, DEFAULT_RETRY_REGEX)
    if not value.startswith("RETRY-"):
        raise ValueError(f"unknown on-failure value `{value}`")
    rest = value.removeprefix("RETRY-")
    count, regex = DEFAULT_RETRY_COUNT, rest
    if rest.isdigit():
        count, regex = int(rest), DEFAULT_RETRY_REGEX
    elif match := _COUNT_AND_REGEX.match(rest):
        count, regex = int(match.group(1)), match.group(2)
    if not regex:
        raise ValueError(f"`{value}` has an empty regex")
    if count > MAX_RETRIES:
        raise ValueError(f"`{value}` retries {count} times; the most is {MAX_RETRIES}")
    try:
        re.compile(regex)
    except re.error as error:
        raise ValueError(f"the regex of `{value}` does not compile: {error}") from None
    return OnFailure(FailureAction.RETRY, count, regex)


def read_on_failure(reader: Reader, node: yaml.Node, where: str) -> OnFailure | None:
    """The `on-failure` of a phase, or None with an error."""
    value = reader.text(node, f"`on-failure` of {where}", required=True)
    if value is None:
        return None
    try:
        return parse_on_failure(value)
    except ValueError as error:
        hint = f"one of {_FORMS}"
        if value.upper() in ("ABORT", "CONTINUE", "RETRY"):
            hint = f"write `{value.upper()}`"
        elif value.upper().startswith("RETRY-") and not value.startswith("RETRY-"):
            hint = f"write `RETRY-{value[6:]}`"
        reader.report(node, f"{error} in {where}", hint)
        return None
