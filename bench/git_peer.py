"""The peer of bench/git.py: bare `git http-backend` behind a minimal loopback HTTP/1.1 server.

No authentication, no authorisation, no events: the least any git server can do over smart HTTP.
Request bodies (Content-Length or chunked) and responses (chunked) are streamed, a thread per
connection, keep-alive between requests.

    python bench/git_peer.py --root DIR --port PORT
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

CHUNK = 64 * 1024


def _copy_body(source: BinaryIO, headers: dict[str, str], sink: BinaryIO) -> None:
    """Copy a request body (Content-Length or chunked) into the backend's stdin, then close it."""
    try:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int(source.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while source.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                remaining = size
                while remaining:
                    data = source.read(min(remaining, CHUNK))
                    if not data:
                        return
                    sink.write(data)
                    remaining -= len(data)
                source.readline()
        else:
            remaining = int(headers.get("content-length", "0") or 0)
            while remaining:
                data = source.read(min(remaining, CHUNK))
                if not data:
                    return
                sink.write(data)
                remaining -= len(data)
    except BrokenPipeError:
        pass
    finally:
        with contextlib.suppress(BrokenPipeError):
            sink.close()


class GitHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root = Path()
    git = shutil.which("git") or "git"

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        self._backend()

    def do_POST(self) -> None:
        self._backend()

    def _backend(self) -> None:
        path, _, query = self.path.partition("?")
        headers = {k.lower(): v for k, v in self.headers.items()}
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": headers.get("content-type", ""),
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_USER": "bench",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": "/nonexistent",
        }
        if "git-protocol" in headers:
            env["GIT_PROTOCOL"] = headers["git-protocol"]
        if "content-encoding" in headers:
            env["HTTP_CONTENT_ENCODING"] = headers["content-encoding"]
        process = subprocess.Popen(
            [self.git, "http-backend"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdin is not None
        assert process.stdout is not None
        feeder = threading.Thread(target=_copy_body, args=(self.rfile, headers, process.stdin))
        feeder.start()
        status, response_headers = 200, []
        while True:
            line = process.stdout.readline().decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            else:
                response_headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in response_headers:
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        while data := process.stdout.read1(CHUNK):  # type: ignore[attr-defined]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        feeder.join()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    GitHandler.root = args.root
    server = ThreadingHTTPServer(("127.0.0.1", args.port), GitHandler)
    server.daemon_threads = True
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
