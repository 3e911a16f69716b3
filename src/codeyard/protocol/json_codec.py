"""AWS JSON 1.1 bodies: request parsing and response serialisation."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from botocore.model import Shape

from codeyard.errors import SerializationException


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# Stateless once made: made once, not per request (json.loads with options makes one per call).
_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def parse_body(body: bytes) -> Any:
    """The JSON document of a request (UTF-8, as every SDK sends); an empty body is an empty object."""
    if not body.strip():
        return {}
    try:
        return _DECODER.decode(body.decode())
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN, a 5000-digit integer
        raise SerializationException(f"The request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise SerializationException("The request body is nested too deeply.") from None


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, frozenset | set | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def dump(value: Any) -> bytes:
    return json.dumps(_prune(value), default=_default, separators=(",", ":")).encode()


def check_output(shape: Shape | None, value: Any, path: str = "") -> list[str]:
    """Members the output shape does not have: used in test mode to keep services honest."""
    if shape is None:
        return [f"{path or 'output'}: operation has no output"] if value else []
    problems: list[str] = []
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        for key, item in value.items():
            if item is None:
                continue
            if key not in members:
                problems.append(f"{path}.{key}: not a member of {shape.name}")
            else:
                problems.extend(check_output(members[key], item, f"{path}.{key}"))
    elif kind == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            problems.extend(check_output(shape.member, item, f"{path}[{i}]"))
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            problems.extend(check_output(shape.value, item, f"{path}.{key}"))
    elif kind in ("structure", "list", "map"):
        problems.append(f"{path}: expected {kind}, got {type(value).__name__}")
    return problems
