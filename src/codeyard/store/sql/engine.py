"""Engines for SQLite (WAL, immediate write transactions) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

# Each thread that runs units of work keeps a connection (unit_of_work.ThreadConnections): the
# API's pool (16), anyio's worker threads (up to 40, idle ones live on for a few seconds) and the
# event loop's. The pool must hold them all, or a busy moment waits 30 s on it and fails.
POOL_SIZE = 10
MAX_OVERFLOW = 64


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    memory = not database or database == ":memory:"
    if not memory:
        Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if memory:
        kwargs["poolclass"] = NullPool
    else:
        kwargs.update(pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a deferred transaction that later writes can fail with
        # SQLITE_BUSY instead of waiting, and reads are cheap either way under WAL.
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        # Straight to the driver: this runs once per unit of work, on the hot path.
        connection.connection.dbapi_connection.execute(f"BEGIN {mode}")

    return engine
