"""Parameter filters of DescribeParameters and GetParametersByPath: their rules and matching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codeyard.errors import ValidationException
from codeyard.services.ssm import names
from codeyard.services.ssm.errors import InvalidFilterKey, InvalidFilterOption, InvalidFilterValue
from codeyard.store.ports.ssm import ParameterRecord

DESCRIBE_KEYS = ("Path", "Name", "Type", "KeyId", "Tier", "DataType")
BY_PATH_KEYS = ("Type", "KeyId", "Label")
TYPES = ("String", "StringList", "SecureString")
TIERS = ("Standard", "Advanced", "Intelligent-Tiering")


@dataclass(frozen=True, slots=True)
class StringFilter:
    """One ParameterStringFilter; `option` is already defaulted (OneLevel for Path, else Equals)."""

    key: str
    option: str
    values: tuple[str, ...]

    @classmethod
    def of(cls, key: str, option: str | None, values: Sequence[str]) -> StringFilter:
        return cls(key, option or ("OneLevel" if key == "Path" else "Equals"), tuple(values))


def _options(key: str, by_path: bool) -> tuple[str, ...]:
    if key == "Path":
        return ("Recursive", "OneLevel")
    if by_path and key == "Label":
        return ("Equals",)
    if not by_path and key == "Name":
        return ("Equals", "BeginsWith", "Contains")
    return ("Equals", "BeginsWith")


def check(filters: Sequence[StringFilter], *, by_path: bool) -> None:
    """Refuse what AWS refuses: keys the operation does not take, repeats, bad options and values."""
    valid_keys = BY_PATH_KEYS if by_path else DESCRIBE_KEYS
    seen: set[str] = set()
    for item in filters:
        key = item.key
        if key.startswith("tag:") and not by_path:
            pass
        elif key not in valid_keys:
            raise InvalidFilterKey(
                f"The following filter key is not valid: {key}. "
                f"Valid filter keys include: [{', '.join(valid_keys)}]."
            )
        if key in seen:
            raise InvalidFilterKey(
                f"The following filter is duplicated in the request: {key}. "
                "A request can contain only one occurrence of a specific filter."
            )
        seen.add(key)
        options = _options(key, by_path)
        if item.option not in options:
            raise InvalidFilterOption(
                f"The following filter option is not valid: {item.option}. "
                f"Valid options include: [{', '.join(options)}]."
            )
        if not item.values and not key.startswith("tag:"):
            raise InvalidFilterValue(f"The following filter values are missing : null for filter key {key}.")
        allowed = TYPES if key == "Type" else TIERS if key == "Tier" else ()
        for value in item.values:
            if allowed and value not in allowed:
                raise InvalidFilterValue(
                    f"The following filter value is not valid: {value}. "
                    f"Valid values include: [{', '.join(allowed)}]."
                )
            if key == "Path":
                if value.removeprefix("/").lower().startswith(("aws", "ssm")):
                    raise ValidationException(
                        'Filters for common parameters can\'t be prefixed with "aws" or "ssm" '
                        "(case-insensitive). When using global parameters, please specify within a "
                        "global namespace."
                    )
                names.check_path(value)


def legacy(key: str, values: Sequence[str]) -> StringFilter:
    """A deprecated ParametersFilter (Name, Type, KeyId): Name matches by prefix, the others exactly."""
    return StringFilter(key, "BeginsWith" if key == "Name" else "Equals", tuple(values))


def _compare(option: str, subject: str, values: Sequence[str]) -> bool:
    if option == "BeginsWith":
        return any(subject.startswith(value) for value in values)
    if option == "Contains":
        return any(value in subject for value in values)
    return subject in values


def _qualified(name: str) -> str:
    return name if name.startswith("/") else "/" + name


def matches(record: ParameterRecord, item: StringFilter) -> bool:
    """Whether one parameter passes one filter (Label is matched against versions elsewhere)."""
    key, option, values = item.key, item.option, item.values
    if key == "Name":
        if option == "Contains":
            return _compare(option, record.name, values)
        return _compare(option, _qualified(record.name), [_qualified(v) for v in values])
    if key == "Path":
        recursive = option == "Recursive"
        return any(names.under(record.name, names.check_path(v), recursive) for v in values)
    if key.startswith("tag:"):
        tag_key = key[4:]
        found = [tag["Value"] for tag in record.tags if tag.get("Key") == tag_key]
        if not found:
            return False
        return not values or any(_compare(option, value, values) for value in found)
    subject = {
        "Type": record.type,
        "KeyId": record.key_id,
        "Tier": record.tier,
        "DataType": record.data_type,
    }.get(key)
    return subject is not None and _compare(option, subject, values)


def matches_all(record: ParameterRecord, filters: Sequence[StringFilter]) -> bool:
    return all(matches(record, item) for item in filters if item.key != "Label")
