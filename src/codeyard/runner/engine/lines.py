"""The line splitter: bytes read from a pipe cut into decoded log lines, with a cap on line length."""

from __future__ import annotations

import re
from collections.abc import Callable

# A line longer than this is logged in pieces of at most this many bytes (memory stays bounded).
MAX_LINE_BYTES = 256 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


class LineSplitter:
    """Collects chunks and hands out complete lines; a partial line waits for the rest or a flush."""

    def __init__(
        self, safe_cut: Callable[[str, int], int] | None = None, limit: int = MAX_LINE_BYTES
    ) -> None:
        self._partial = b""
        self._limit = limit
        self._safe_cut = safe_cut

    def feed(self, chunk: bytes) -> list[str]:
        """The lines that `chunk` completes (without their newline)."""
        data = self._partial + chunk
        parts = data.split(b"\n")
        self._partial = parts.pop()
        lines = [_decode(part) for part in parts]
        while len(self._partial) > self._limit:
            text = _decode(self._partial)
            cut = self._limit // 4
            if self._safe_cut is not None:
                cut = self._safe_cut(text, cut)
            lines.append(text[:cut])
            self._partial = text[cut:].encode()
        return lines

    def flush(self) -> list[str]:
        """The partial line, if any, as a line of its own."""
        rest, self._partial = self._partial, b""
        return [_decode(rest)] if rest else []


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removesuffix("\r")


def utf8_safe(text: str) -> str:
    """The text with each lone surrogate (an undecodable byte of a file name, as Python keeps it)
    replaced by U+FFFD, so that it can be encoded as UTF-8: into JSON, a zip entry's name."""
    return _SURROGATE.sub("\ufffd", text)
