"""Codeyard's own HTTP/1.1 server for ASGI apps: httptools parsing, on uvloop when installed."""

from codeyard.http.connection import Limits
from codeyard.http.cycle import ResponseAborted
from codeyard.http.server import HttpServer, serve

__all__ = ["HttpServer", "Limits", "ResponseAborted", "serve"]
