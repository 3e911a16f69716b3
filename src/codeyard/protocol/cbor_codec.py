"""CBOR (RFC 8949) bodies of the Smithy RPC v2 protocol: request decoding, response encoding."""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime
from typing import Any

from codeyard.errors import SerializationException

MAX_DEPTH = 64
_BREAK = 0xFF
_EPOCH_TAG = 1
_UNSIGNED_BIGNUM_TAG = 2
_NEGATIVE_BIGNUM_TAG = 3
_SIMPLE = {20: False, 21: True, 22: None, 23: None}
_FLOATS = {25: (">e", 2), 26: (">f", 4), 27: (">d", 8)}


class _Reader:
    """A cursor over one CBOR document; every malformation is a SerializationException."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, count: int) -> bytes:
        end = self.at + count
        if end > len(self.data):
            raise SerializationException("The CBOR body ends in the middle of a data item.")
        chunk = self.data[self.at : end]
        self.at = end
        return chunk

    def argument(self, info: int) -> int | None:
        """The argument of the initial byte; None for an indefinite length."""
        if info < 24:
            return info
        if info == 31:
            return None
        if info > 27:
            raise SerializationException(f"Reserved CBOR additional information {info}.")
        return int.from_bytes(self.take(1 << (info - 24)), "big")

    def item(self, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise SerializationException("The CBOR body is nested too deeply.")
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 31
        if major == 7:
            return self._simple(info)
        argument = self.argument(info)
        if major == 0:
            return self._definite(argument)
        if major == 1:
            return -1 - self._definite(argument)
        if major in (2, 3):
            return self._string(major, argument)
        if major == 4:
            if argument is None:
                return list(self._until_break(depth))
            return [self.item(depth + 1) for _ in range(argument)]
        if major == 5:
            return self._map(argument, depth)
        return self._tag(self._definite(argument), depth)

    @staticmethod
    def _definite(argument: int | None) -> int:
        if argument is None:
            raise SerializationException("An indefinite length is not allowed here in CBOR.")
        return argument

    def _simple(self, info: int) -> Any:
        if info in _SIMPLE:
            return _SIMPLE[info]
        if info in _FLOATS:
            fmt, size = _FLOATS[info]
            return float(struct.unpack(fmt, self.take(size))[0])
        raise SerializationException(f"Unsupported CBOR simple value {info}.")

    def _string(self, major: int, argument: int | None) -> str | bytes:
        if argument is not None:
            raw = self.take(argument)
        else:
            chunks = []
            while self.data[self.at : self.at + 1] != bytes([_BREAK]):
                initial = self.take(1)[0]
                if initial >> 5 != major:
                    raise SerializationException("A CBOR string chunk of another type.")
                chunks.append(self.take(self._definite(self.argument(initial & 31))))
            self.take(1)
            raw = b"".join(chunks)
        if major == 2:
            return raw
        try:
            return raw.decode()
        except UnicodeDecodeError:
            raise SerializationException("A CBOR text string is not valid UTF-8.") from None

    def _until_break(self, depth: int) -> Any:
        while True:
            if self.data[self.at : self.at + 1] == bytes([_BREAK]):
                self.at += 1
                return
            yield self.item(depth + 1)

    def _map(self, argument: int | None, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        keys = (
            self._until_break(depth) if argument is None else (self.item(depth + 1) for _ in range(argument))
        )
        for key in keys:
            if not isinstance(key, str):
                raise SerializationException("CBOR map keys must be text strings.")
            out[key] = self.item(depth + 1)
        return out

    def _tag(self, tag: int, depth: int) -> Any:
        value = self.item(depth + 1)
        if tag == _EPOCH_TAG:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise SerializationException("A CBOR timestamp (tag 1) must be a finite number.")
            try:
                return datetime.fromtimestamp(value, UTC)
            except (OverflowError, OSError, ValueError):
                raise SerializationException("A CBOR timestamp (tag 1) is out of range.") from None
        if tag in (_UNSIGNED_BIGNUM_TAG, _NEGATIVE_BIGNUM_TAG) and isinstance(value, bytes):
            number = int.from_bytes(value, "big")
            return number if tag == _UNSIGNED_BIGNUM_TAG else -1 - number
        raise SerializationException(f"Unsupported CBOR tag {tag}.")


def decode(data: bytes) -> Any:
    """One CBOR data item; an empty body is an empty map (an operation without input)."""
    if not data:
        return {}
    reader = _Reader(data)
    value = reader.item()
    if reader.at != len(data):
        raise SerializationException("The CBOR body has bytes after its data item.")
    return value


def _head(major: int, argument: int, out: bytearray) -> None:
    if argument < 24:
        out.append(major << 5 | argument)
    elif argument < 1 << 8:
        out += bytes((major << 5 | 24, argument))
    elif argument < 1 << 16:
        out.append(major << 5 | 25)
        out += argument.to_bytes(2, "big")
    elif argument < 1 << 32:
        out.append(major << 5 | 26)
        out += argument.to_bytes(4, "big")
    elif argument < 1 << 64:
        out.append(major << 5 | 27)
        out += argument.to_bytes(8, "big")
    else:
        raise TypeError(f"integer {argument} does not fit CBOR's 64 bits")


def _encode(value: Any, out: bytearray) -> None:
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, str):
        raw = value.encode()
        _head(3, len(raw), out)
        out += raw
    elif isinstance(value, int):
        _head(0, value, out) if value >= 0 else _head(1, -1 - value, out)
    elif isinstance(value, float):
        out.append(0xFB)
        out += struct.pack(">d", value)
    elif isinstance(value, dict):
        items = [(k, v) for k, v in value.items() if v is not None]
        _head(5, len(items), out)
        for key, item in items:
            _encode(key, out)
            _encode(item, out)
    elif isinstance(value, list | tuple | set | frozenset):
        _head(4, len(value), out)
        for item in value:
            _encode(item, out)
    elif isinstance(value, bytes | bytearray):
        _head(2, len(value), out)
        out += value
    elif isinstance(value, datetime):
        out.append(0xC0 | _EPOCH_TAG)
        stamp = value.timestamp()
        _encode(int(stamp) if stamp.is_integer() else stamp, out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


def dump(value: Any) -> bytes:
    """A response body: members that are None are left out, as in the JSON protocol."""
    out = bytearray()
    _encode(value, out)
    return bytes(out)
