"""The AWS query protocol: form-encoded requests in, XML documents out."""

from __future__ import annotations

import base64
import re
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


_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _scalar(shape: Shape, raw: str, key: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        if _INTEGER.fullmatch(raw) is None or len(raw) > 20:
            raise SerializationException(f"Value '{raw[:64]}' for {key} is not an integer.")
        return int(raw)
    if kind in ("double", "float"):
        if _NUMBER.fullmatch(raw) is None or len(raw) > 64:
            raise SerializationException(f"Value '{raw[:64]}' for {key} is not a number.")
        return float(raw)
    if kind == "boolean":
        lowered = raw.lower()
        if lowered not in ("true", "false"):
            raise SerializationException(f"Value '{raw[:64]}' for {key} is not a boolean.")
        return lowered == "true"
    return raw


class _Form:
    """The fields of a form with every dotted prefix of their names, for O(1) presence tests."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        prefixes: set[str] = set()
        for key in fields:
            prefixes.add(key)
            end = key.find(".")
            while end != -1:
                prefixes.add(key[:end])
                end = key.find(".", end + 1)
        self.prefixes = prefixes

    def has(self, prefix: str) -> bool:
        return prefix in self.prefixes


def _list_base(shape: Shape, prefix: str) -> str:
    """Where a list's items are numbered: `L.member.N`, or flattened `L.N` (renamed by the member)."""
    member_name = shape.member.serialization.get("name")
    if not shape.serialization.get("flattened"):
        return f"{prefix}.{member_name or 'member'}"
    if member_name:
        head, _, _ = prefix.rpartition(".")
        return f"{head}.{member_name}" if head else member_name
    return prefix


def _decode(shape: Shape, form: _Form, prefix: str) -> Any:
    kind = shape.type_name
    fields = form.fields
    if kind == "structure":
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            wire_name = member.serialization.get("name", name)
            key = f"{prefix}.{wire_name}" if prefix else wire_name
            if form.has(key) or (member.type_name == "list" and form.has(_list_base(member, key))):
                out[name] = _decode(member, form, key)
        return out
    if kind == "list":
        member = shape.member
        base = _list_base(shape, prefix)
        items = []
        index = 1
        while form.has(f"{base}.{index}"):
            items.append(_decode(member, form, f"{base}.{index}"))
            index += 1
        return items
    if kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        mapping: dict[str, Any] = {}
        index = 1
        while form.has(f"{base}.{index}"):
            entry = f"{base}.{index}"
            mapping[fields.get(f"{entry}.{key_name}", "")] = _decode(
                shape.value, form, f"{entry}.{value_name}"
            )
            index += 1
        return mapping
    return _scalar(shape, fields.get(prefix, ""), prefix)


def decode_params(operation: OperationModel, fields: dict[str, str]) -> dict[str, Any]:
    """The operation's input from form fields: `A.member.1`, `M.entry.1.key`, `S.Member` and so on.

    Lists count from 1 and stop at the first missing index; `Name=` alone is the empty list
    (what botocore sends for []); fields the input shape does not name are ignored, as AWS does.
    """
    shape = operation.input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = _decode(shape, _Form(fields), "")
    return params


# Characters XML 1.0 cannot carry, even escaped: dropped from text, so the document stays parseable.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text escaped for an XML element."""
    return escape(_NOT_XML.sub("", text))


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
        out.append(f"<{name}>{xml_text(text)}</{name}>")


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
        f"<Code>{xml_text(code)}</Code><Message>{xml_text(message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
