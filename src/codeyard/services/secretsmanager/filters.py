"""ListSecrets and BatchGetSecretValue filters: which secrets match a list of Filter structures.

AWS documents the keys (name, tag-key, tag-value, primary-region, owning-service: prefix match,
case-sensitive; description: prefix match, not case-sensitive; all: the value broken into words,
matched against the words of every attribute, not case-sensitive) and the `!` negation, but not
how values combine. We choose: the values of one filter are alternatives (any may match), the
filters all have to match, and a negated value `!x` matches a secret none of whose attributes
match `x`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from codeyard.services.secretsmanager.errors import InvalidParameter
from codeyard.store.ports.secrets import SecretRecord

_WORD_BREAK = re.compile(r"[^A-Za-z0-9]+")
_CAMEL = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# The tag AWS sets on secrets that another service manages.
OWNING_SERVICE_TAG = "aws:secretsmanager:owningService"


def _tag_keys(secret: SecretRecord) -> list[str]:
    return [tag["Key"] for tag in secret.tags]


def _tag_values(secret: SecretRecord) -> list[str]:
    return [tag["Value"] for tag in secret.tags]


def _owning_service(secret: SecretRecord) -> list[str]:
    return [tag["Value"] for tag in secret.tags if tag["Key"] == OWNING_SERVICE_TAG]


def _all_attributes(secret: SecretRecord) -> list[str]:
    return [secret.name, secret.description, *_tag_keys(secret), *_tag_values(secret)]


def words(text: str) -> list[str]:
    """The words of an attribute: split at punctuation and at lower-to-upper case changes."""
    found: list[str] = []
    for part in _WORD_BREAK.split(text):
        if part:
            found.append(part)
            found.extend(_CAMEL.findall(part))
    return list(dict.fromkeys(word.lower() for word in found))


def _prefix_match(value: str, attributes: Iterable[str], *, case_sensitive: bool) -> bool:
    if case_sensitive:
        return any(attribute.startswith(value) for attribute in attributes)
    lowered = value.lower()
    return any(attribute.lower().startswith(lowered) for attribute in attributes)


def _word_match(value: str, attributes: Iterable[str]) -> bool:
    wanted = words(value)
    if not wanted:
        return False
    available = [word for attribute in attributes for word in [attribute.lower(), *words(attribute)]]
    return all(any(word.startswith(w) for word in available) for w in wanted)


_Attributes = Callable[[SecretRecord], list[str]]
_KEYS: Mapping[str, tuple[_Attributes, bool | None]] = MappingProxyType(
    {
        # key -> (attributes, case-sensitive prefix match; None means word match)
        "name": (lambda s: [s.name], True),
        "description": (lambda s: [s.description] if s.description else [], False),
        "tag-key": (_tag_keys, True),
        "tag-value": (_tag_values, True),
        "primary-region": (lambda s: [s.region], True),
        "owning-service": (_owning_service, True),
        "all": (_all_attributes, None),
    }
)


def _value_matches(value: str, attributes: list[str], case_sensitive: bool | None) -> bool:
    negated = value.startswith("!")
    text = value[1:] if negated else value
    if case_sensitive is None:
        hit = _word_match(text, attributes)
    else:
        hit = _prefix_match(text, attributes, case_sensitive=case_sensitive)
    return hit != negated


def check_filters(filters: Sequence[Mapping[str, Any]]) -> None:
    for item in filters:
        key = item.get("Key")
        if key is None:
            raise InvalidParameter("Invalid filter key: every filter needs a Key.")
        if not item.get("Values"):
            raise InvalidParameter(f"Invalid filter values for key: {key}")


def matches(secret: SecretRecord, filters: Sequence[Mapping[str, Any]]) -> bool:
    for item in filters:
        attributes_of, case_sensitive = _KEYS[str(item["Key"])]
        attributes = attributes_of(secret)
        if not any(_value_matches(str(v), attributes, case_sensitive) for v in item["Values"]):
            return False
    return True
