"""A CacheStore over the work API: the S3-type cache kept in the server's artifact store, streamed."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import httpx

from codeyard.runner.cache import CacheError

_CHUNK = 1 << 20
NOT_FOUND = 404


class RemoteCacheError(CacheError):
    """The server refused a cache call (the message says how): a cache error, which never fails a build."""


class WorkApiCacheStore:
    """The cache archives of one leased build, through `/jobs/<build id>/cache` (blocking calls,
    made from a worker thread)."""

    def __init__(self, http: httpx.Client, job_id: str) -> None:
        self._http = http
        self._base = f"/jobs/{quote(job_id, safe='')}/cache"

    def _url(self, name: str) -> str:
        return f"{self._base}/{quote(name, safe='')}"

    def open(self, name: str) -> BinaryIO | None:
        answer = self._http.send(self._http.build_request("GET", self._url(name)), stream=True)
        if answer.status_code == NOT_FOUND:
            answer.close()
            return None
        if answer.status_code != 200:
            answer.read()
            answer.close()
            raise RemoteCacheError(f"GET {name}: {answer.status_code} {answer.text}")
        return io.BufferedReader(_ResponseReader(answer), _CHUNK)

    def exists(self, name: str) -> bool:
        answer = self._http.head(self._url(name))
        if answer.status_code not in (200, NOT_FOUND):
            raise RemoteCacheError(f"HEAD {name}: {answer.status_code}")
        return answer.status_code == 200

    def put(self, name: str, source: Path, *, replace: bool) -> bool:
        with source.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size  # so that a server refuses too large a one at once
            answer = self._http.put(
                self._url(name),
                content=_chunks(handle),
                params={"replace": "1" if replace else "0"},
                headers={"content-length": str(size)},
            )
        if answer.status_code != 200:
            raise RemoteCacheError(f"PUT {name}: {answer.status_code} {_why(answer)}")
        return bool(answer.json().get("stored"))

    def newest(self, prefix: str) -> str | None:
        answer = self._http.get(self._base, params={"newest": prefix})
        if answer.status_code != 200:
            raise RemoteCacheError(f"newest {prefix}: {answer.status_code} {answer.text}")
        name = answer.json().get("name")
        return str(name) if name else None


class _ResponseReader(io.RawIOBase):
    """A streamed response body as a readable raw stream; closing it closes the response."""

    def __init__(self, answer: httpx.Response) -> None:
        self._answer = answer
        self._chunks = answer.iter_raw(_CHUNK)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        if not self.closed:
            self._answer.close()
        super().close()


def _why(answer: httpx.Response) -> str:
    """A refusal's `__type: message` as the work API answers it, else the answer's text."""
    try:
        error = answer.json()
    except ValueError:
        return answer.text
    if isinstance(error, dict) and "message" in error:
        return f"{error.get('__type', 'Error')}: {error['message']}"
    return answer.text


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.read(_CHUNK):
        yield chunk
