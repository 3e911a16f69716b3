"""Input validation against the model: types, required, unknown members, lengths, ranges,
patterns and enums, with AWS-style messages. Also converts blobs and timestamps."""

from __future__ import annotations

import base64
import binascii
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import regex
from botocore.model import Shape

from codeyard.errors import SerializationException, ValidationException


class _Patterns:
    """Compiled model patterns (Java syntax, matched whole); ones we cannot compile are skipped."""

    def __init__(self) -> None:
        self._compiled: dict[str, Callable[[str], object] | None] = {}
        self._lock = threading.Lock()

    def matcher(self, pattern: str) -> Callable[[str], object] | None:
        if pattern in self._compiled:
            return self._compiled[pattern]
        try:
            # No DOTALL: in Java, whose syntax the models use, "." does not match a line break.
            compiled: Callable[[str], object] | None = regex.compile(pattern).fullmatch
        except regex.error:
            compiled = None
        with self._lock:
            self._compiled[pattern] = compiled
        return compiled


# AWS integers are 32-bit and longs 64-bit; a larger number is a serialization error, not a value.
_INTEGER_BOUNDS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def _check_unicode(value: str, path: str) -> None:
    """A JSON string may carry a lone surrogate (\\ud800), which no store can hold."""
    try:
        value.encode()
    except UnicodeEncodeError:
        raise SerializationException(f"Invalid UTF-8 (a lone surrogate) at '{path}'.") from None


def _display(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 256 else f"'{value[:256]}…'"
    if isinstance(value, list | dict):
        return "'[...]'" if isinstance(value, list) else "'{...}'"
    return f"'{value}'"


def _path_join(path: str, name: str) -> str:
    head = name[:1].lower() + name[1:]
    return f"{path}.{head}" if path else head


def parse_timestamp(value: Any) -> datetime:
    """Epoch seconds (JSON), ISO 8601 text (query) or a datetime (CBOR) into an aware datetime."""
    if isinstance(value, datetime):  # CBOR's tag 1, already decoded
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        raise ValueError("boolean is not a timestamp")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("timestamp must be finite")
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        text = value.strip()
        try:
            return datetime.fromtimestamp(float(text), UTC)
        except ValueError:
            pass
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError("not a timestamp")


@dataclass(frozen=True, slots=True)
class Failure:
    """One broken constraint: where, which kind (required, length, range, enum, pattern, union,
    character) and the AWS-style text."""

    path: str
    kind: str
    text: str

    @property
    def member(self) -> str:
        """The name of the member at fault (the last name of the path, list indexes skipped)."""
        names = [part for part in self.path.split(".") if part and not part.isdigit() and part != "member"]
        return names[-1] if names else ""


class ModelValidationError(ValidationException):
    """A ValidationException that still knows each failure, so a service may answer its own codes."""

    def __init__(self, message: str, failures: list[Failure]) -> None:
        super().__init__(message)
        self.failures = failures


class Validator:
    """Checks one operation input; collects every constraint failure like AWS does."""

    def __init__(self) -> None:
        self._patterns = _Patterns()

    def validate(self, shape: Shape | None, params: Any) -> dict[str, Any]:
        if shape is None:
            return {}
        if not isinstance(params, dict):
            raise SerializationException("Start of structure or map found where not expected.")
        failures: list[Failure] = []
        converted = self._structure(shape, params, "", failures)
        if failures:
            count = len(failures)
            noun = "error" if count == 1 else "errors"
            text = "; ".join(f.text for f in failures)
            raise ModelValidationError(f"{count} validation {noun} detected: {text}", failures)
        return converted

    def _check(self, shape: Shape, value: Any, path: str, failures: list[Failure]) -> Any:
        kind = shape.type_name
        if kind == "structure":
            if not isinstance(value, dict):
                raise SerializationException(f"Expected a structure at '{path}'.")
            return self._structure(shape, value, path, failures)
        if kind == "list":
            if not isinstance(value, list):
                raise SerializationException(f"Expected a list at '{path}'.")
            self._length(shape, value, len(value), path, failures)
            return [
                self._check(shape.member, item, f"{path}.{i}.member", failures)
                for i, item in enumerate(value, 1)
            ]
        if kind == "map":
            if not isinstance(value, dict):
                raise SerializationException(f"Expected a map at '{path}'.")
            self._length(shape, value, len(value), path, failures)
            return {
                self._check(shape.key, k, f"{path}.key", failures): self._check(
                    shape.value, v, f"{path}.{k}", failures
                )
                for k, v in value.items()
            }
        if kind == "string":
            if not isinstance(value, str):
                raise SerializationException(f"Expected a string at '{path}', got {type(value).__name__}.")
            if not value.isascii():
                _check_unicode(value, path)
            self._string(shape, value, path, failures)
            return value
        if kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise SerializationException(f"Expected an integer at '{path}'.")
            low, high = _INTEGER_BOUNDS[kind]
            if not low <= value <= high:
                raise SerializationException(
                    f"Numeric value ({value}) at '{path}' is out of range of {kind}."
                )
            self._range(shape, value, path, failures)
            return value
        if kind in ("double", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise SerializationException(f"Expected a number at '{path}'.")
            self._range(shape, value, path, failures)
            return float(value)
        if kind == "boolean":
            if not isinstance(value, bool):
                raise SerializationException(f"Expected a boolean at '{path}'.")
            return value
        if kind == "timestamp":
            try:
                return parse_timestamp(value)
            except (ValueError, OverflowError, OSError):
                raise SerializationException(f"Expected a timestamp at '{path}'.") from None
        if kind == "blob":
            if isinstance(value, bytes):
                data = value
            elif isinstance(value, str):
                try:
                    data = base64.b64decode(value, validate=True)
                except (binascii.Error, ValueError):
                    raise SerializationException(f"Value at '{path}' is not valid base64.") from None
            else:
                raise SerializationException(f"Expected base64 text at '{path}'.")
            self._length(shape, value, len(data), path, failures)
            return data
        return value

    def _structure(
        self, shape: Any, value: dict[str, Any], path: str, failures: list[Failure]
    ) -> dict[str, Any]:
        members = shape.members
        unknown = [k for k in value if k not in members]
        if unknown:
            raise ValidationException(
                f'Unknown parameter in input: "{unknown[0]}", must be one of: {", ".join(members)}'
            )
        if shape.metadata.get("union"):
            given = [k for k, v in value.items() if v is not None]
            if len(given) != 1:
                failures.append(
                    Failure(
                        path or shape.name,
                        "union",
                        f"Value at '{path or shape.name}' failed to satisfy constraint: "
                        f"Exactly one member must be set, got {len(given)}",
                    )
                )
        for name in shape.required_members:
            if value.get(name) is None:
                where = _path_join(path, name)
                failures.append(
                    Failure(
                        where,
                        "required",
                        f"Value null at '{where}' failed to satisfy constraint: Member must not be null",
                    )
                )
        out: dict[str, Any] = {}
        for name, item in value.items():
            if item is None:
                continue
            out[name] = self._check(members[name], item, _path_join(path, name), failures)
        return out

    def _length(self, shape: Shape, value: Any, length: int, path: str, failures: list[Failure]) -> None:
        meta = shape.metadata
        low, high = meta.get("min"), meta.get("max")
        if low is not None and length < low:
            failures.append(
                Failure(
                    path,
                    "length",
                    f"Value {_display(value)} at '{path}' failed to satisfy constraint: "
                    f"Member must have length greater than or equal to {low}",
                )
            )
        if high is not None and length > high:
            failures.append(
                Failure(
                    path,
                    "length",
                    f"Value {_display(value)} at '{path}' failed to satisfy constraint: "
                    f"Member must have length less than or equal to {high}",
                )
            )

    def _string(self, shape: Any, value: str, path: str, failures: list[Failure]) -> None:
        self._length(shape, value, len(value), path, failures)
        if "\x00" in value:
            # Our choice, for every service alike: PostgreSQL text cannot hold U+0000 and the
            # SQLite store could, so it is refused here rather than stored on one backend only.
            failures.append(
                Failure(
                    path,
                    "character",
                    f"Value at '{path}' failed to satisfy constraint: Member must not contain the character U+0000",
                )
            )
        enum = shape.enum
        if enum and value not in enum:
            failures.append(
                Failure(
                    path,
                    "enum",
                    f"Value {_display(value)} at '{path}' failed to satisfy constraint: "
                    f"Member must satisfy enum value set: [{', '.join(enum)}]",
                )
            )
        pattern = shape.metadata.get("pattern")
        high = shape.metadata.get("max")
        # A value already too long is not matched too: no pattern gets to run over megabytes.
        if pattern and (high is None or len(value) <= high):
            matcher = self._patterns.matcher(pattern)
            if matcher is not None and matcher(value) is None:
                failures.append(
                    Failure(
                        path,
                        "pattern",
                        f"Value {_display(value)} at '{path}' failed to satisfy constraint: "
                        f"Member must satisfy regular expression pattern: {pattern}",
                    )
                )

    def _range(self, shape: Shape, value: float, path: str, failures: list[Failure]) -> None:
        meta = shape.metadata
        low, high = meta.get("min"), meta.get("max")
        if low is not None and value < low:
            failures.append(
                Failure(
                    path,
                    "range",
                    f"Value '{value}' at '{path}' failed to satisfy constraint: "
                    f"Member must have value greater than or equal to {low}",
                )
            )
        if high is not None and value > high:
            failures.append(
                Failure(
                    path,
                    "range",
                    f"Value '{value}' at '{path}' failed to satisfy constraint: "
                    f"Member must have value less than or equal to {high}",
                )
            )
