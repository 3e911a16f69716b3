"""Work notifications between servers on one PostgreSQL database: NOTIFY when a job is queued, LISTEN to wake."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

CHANNEL = "codeyard_work"
LISTEN_TIMEOUT = 1.0  # seconds between looks at the stop flag
log = logging.getLogger(__name__)


class WorkNotifications:
    """`notify()` tells every server's listener that work was queued; `listen(callback)` calls back
    (on a thread of its own) for each notification until `close()`. Does nothing on SQLite, whose
    servers are one process."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._enabled = engine.dialect.name == "postgresql"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def notify(self) -> None:
        if not self._enabled:
            return
        try:
            with self._engine.connect() as connection:
                connection.exec_driver_sql(f"NOTIFY {CHANNEL}")
                connection.commit()
        except Exception:  # the other servers look at the queue every second anyway
            log.warning("cannot notify the other servers of queued work", exc_info=True)

    def listen(self, callback: Callable[[], None]) -> None:
        if not self._enabled or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._listen, args=(callback,), name="codeyard-listen", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(LISTEN_TIMEOUT * 3)
            self._thread = None

    def _listen(self, callback: Callable[[], None]) -> None:
        while not self._stop.is_set():
            try:
                self._listen_once(callback)
            except Exception:  # the database went away: listen again once it is back
                log.warning("listening for queued work failed; listening again", exc_info=True)
                self._stop.wait(LISTEN_TIMEOUT)

    def _listen_once(self, callback: Callable[[], None]) -> None:
        raw = self._engine.raw_connection()
        try:
            driver: Any = raw.driver_connection
            driver.autocommit = True
            driver.execute(f"LISTEN {CHANNEL}")
            while not self._stop.is_set():
                for _ in driver.notifies(timeout=LISTEN_TIMEOUT):
                    callback()
        finally:
            with contextlib.suppress(Exception):
                raw.invalidate()  # a connection in autocommit with a LISTEN is not returned to the pool
