"""HTTP/1.1 bytes on the wire: status lines, the Date header, chunk framing and canned error responses."""

from __future__ import annotations

import http
from email.utils import formatdate
from urllib.parse import unquote_to_bytes

import httptools

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
LAST_CHUNK = b"0\r\n\r\n"
CHUNKED = b"transfer-encoding: chunked\r\n"
CLOSE = b"connection: close\r\n"
KEEP_ALIVE = b"connection: keep-alive\r\n"
END = b"\r\n"
# Bodies at least this large are written beside their framing instead of copied into one buffer.
COPY_LIMIT = 16 * 1024


def _status_line(status: int) -> bytes:
    try:
        phrase = http.HTTPStatus(status).phrase.encode()
    except ValueError:
        phrase = b""
    return b"HTTP/1.1 %d %s\r\n" % (status, phrase)


STATUS_LINES = {status: _status_line(status) for status in range(100, 600)}


def date_line(now: float | None = None) -> bytes:
    """The Date header line (HTTP/1.1 servers with a clock send one); refreshed once a second."""
    return b"date: " + formatdate(now, usegmt=True).encode() + b"\r\n"


def chunk(body: bytes) -> bytes:
    """One chunk of a chunked body (empty input frames nothing: an empty chunk would end the body)."""
    return b"%x\r\n%b\r\n" % (len(body), body) if body else b""


def plain_response(status: int, text: str, date: bytes = b"") -> bytes:
    """A complete text/plain response that closes the connection."""
    body = text.encode()
    return b"".join(
        (
            STATUS_LINES[status],
            date,
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            CLOSE,
            END,
            body,
        )
    )


BAD_REQUEST = plain_response(400, "Invalid HTTP request.")
HEADERS_TOO_LARGE = plain_response(431, "Request header fields too large.")
INTERNAL_ERROR = plain_response(500, "Internal Server Error")


def split_target(url: bytes) -> tuple[str, bytes, bytes]:
    """The percent-decoded path, the raw path and the query string of a request target."""
    if url == b"/":
        return "/", url, b""
    if url.startswith(b"/"):
        raw_path, _, query = url.partition(b"?")
        raw_path = raw_path.partition(b"#")[0]
    else:  # absolute form, as sent to proxies
        parsed = httptools.parse_url(url)
        raw_path, query = parsed.path or b"/", parsed.query or b""
    if b"%" not in raw_path and raw_path.isascii():
        return raw_path.decode("ascii"), raw_path, query
    return unquote_to_bytes(raw_path).decode("utf-8", "replace"), raw_path, query
