"""The AWS query protocol: form-encoded requests in, XML documents out."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from botocore.model import OperationModel, Shape

from codeyard.errors import SerializationException


def parse_form(body: bytes, query_string: str) -> dict[str, str]:
    """Form fields from the body, falling back to the query string (presigned requests)."""
    try:
        text = body.decode() if body else ""
    except UnicodeDecodeError:
        raise SerializationException("The request body is not UTF-8 form data.") from None
    fields = dict(parse_qsl(query_string, keep_blank_values=True)) if query_string else {}
    fields.update(parse_qsl(text, keep_blank_values=True))
    return fields


def _scalar(shape: Shape, raw: str, key: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(raw)
        if kind in ("double", "float"):
            return float(raw)
    except ValueError:
        raise SerializationException(f"Value '{raw}' for {key} is not a number.") from None
    if kind == "boolean":
        lowered = raw.lower()
        if lowered not in ("true", "false"):
            raise SerializationException(f"Value '{raw}' for {key} is not a boolean.")
        return lowered == "true"
    return raw


def _has_prefix(fields: dict[str, str], prefix: str) -> bool:
    dotted = prefix + "."
    return any(key == prefix or key.startswith(dotted) for key in fields)


def _decode(shape: Shape, fields: dict[str, str], prefix: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            key = (
                f"{prefix}.{member.serialization.get('name', name)}"
                if prefix
                else member.serialization.get("name", name)
            )
            if _has_prefix(fields, key):
                out[name] = _decode(member, fields, key)
        return out
    if kind == "list":
        member = shape.member
        if shape.serialization.get("flattened"):
            base = prefix
        else:
            base = f"{prefix}.{member.serialization.get('name', 'member')}"
        if fields.get(prefix) == "" and not _has_prefix(fields, base + ".1"):
            return []
        items = []
        index = 1
        while _has_prefix(fields, f"{base}.{index}"):
            items.append(_decode(member, fields, f"{base}.{index}"))
            index += 1
        return items
    if kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        mapping: dict[str, Any] = {}
        index = 1
        while _has_prefix(fields, f"{base}.{index}"):
            entry = f"{base}.{index}"
            mapping[fields.get(f"{entry}.{key_name}", "")] = _decode(
                shape.value, fields, f"{entry}.{value_name}"
            )
            index += 1
        return mapping
    return _scalar(shape, fields.get(prefix, ""), prefix)


def decode_params(operation: OperationModel, fields: dict[str, str]) -> dict[str, Any]:
    shape = operation.input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = _decode(shape, fields, "")
    return params


def _timestamp(value: datetime) -> str:
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S") + (
        f".{value.microsecond // 1000:03d}Z" if value.microsecond else "Z"
    )


def _encode(shape: Shape, value: Any, name: str, out: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        out.append(f"<{name}>")
        for member_name, member in shape.members.items():
            item = value.get(member_name)
            if item is not None:
                _encode(member, item, member.serialization.get("name", member_name), out)
        out.append(f"</{name}>")
    elif kind == "list":
        member = shape.member
        member_name = member.serialization.get("name", "member")
        if shape.serialization.get("flattened"):
            for item in value:
                _encode(member, item, name, out)
        else:
            out.append(f"<{name}>")
            for item in value:
                _encode(member, item, member_name, out)
            out.append(f"</{name}>")
    elif kind == "map":
        out.append(f"<{name}>")
        for key, item in value.items():
            out.append("<entry>")
            _encode(shape.key, key, shape.key.serialization.get("name", "key"), out)
            _encode(shape.value, item, shape.value.serialization.get("name", "value"), out)
            out.append("</entry>")
        out.append(f"</{name}>")
    else:
        if kind == "timestamp" and isinstance(value, datetime):
            text = _timestamp(value)
        elif kind == "boolean":
            text = "true" if value else "false"
        elif kind == "blob":
            text = base64.b64encode(value).decode()
        else:
            text = str(value)
        out.append(f"<{name}>{escape(text)}</{name}>")


def dump_response(
    operation: OperationModel, namespace: str, result: dict[str, Any], request_id: str
) -> bytes:
    name = operation.name
    out = [f'<{name}Response xmlns="{namespace}">']
    shape = operation.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{name}Result")
        _encode(shape, result, wrapper, out)
    out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    out.append(f"</{name}Response>")
    return "".join(out).encode()


def dump_error(namespace: str, code: str, message: str, sender_fault: bool, request_id: str) -> bytes:
    kind = "Sender" if sender_fault else "Receiver"
    return (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
