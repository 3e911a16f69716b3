"""The IAM epoch: a token every IAM change replaces, and the caches keyed by it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from codeyard.clock import Clock
from codeyard.ids import IdGenerator
from codeyard.store.ports import Store, UnitOfWork
from codeyard.store.ports.iam import IamEpochRecord

K = TypeVar("K")
V = TypeVar("V")

EPOCH_NAME = "iam"


def read_epoch(uow: UnitOfWork) -> str | None:
    """The current token; None on a fresh or wiped database."""
    record = uow.iam_epoch.get(name=EPOCH_NAME)
    return None if record is None else record.token


def bump_epoch(uow: UnitOfWork, ids: IdGenerator) -> str:
    """Replace the token in the transaction that changes IAM state.

    Tokens are unique rather than counted, so two concurrent changes can never leave behind a
    token that some server already cached older state under.
    """
    record = IamEpochRecord(name=EPOCH_NAME, token=ids.uuid())
    if uow.iam_epoch.get(name=EPOCH_NAME) is None:
        uow.iam_epoch.add(record)
    else:
        uow.iam_epoch.update(record)
    return record.token


class EpochCache(Generic[K, V]):
    """Values derived from IAM state, valid while the epoch token they were read under holds.

    This is a per-server memo, never state another server needs: every lookup compares the
    token read from the database in the same transaction as the caller's other reads.
    """

    def __init__(self, max_entries: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._epoch: str | None = None
        self._values: dict[K, V] = {}
        self._max_entries = max_entries

    def get(self, epoch: str | None, key: K) -> V | None:
        with self._lock:
            if epoch is None or epoch != self._epoch:
                return None
            return self._values.get(key)

    def put(self, epoch: str | None, key: K, value: V) -> None:
        if epoch is None:
            return
        with self._lock:
            if epoch != self._epoch or len(self._values) >= self._max_entries:
                self._epoch = epoch
                self._values = {}
            self._values[key] = value

    def replace(self, epoch: str | None, key: K, value: V) -> None:
        """Update an entry already cached under `epoch` (and only then)."""
        with self._lock:
            if epoch is not None and epoch == self._epoch and key in self._values:
                self._values[key] = value

    @property
    def epoch(self) -> str | None:
        with self._lock:
            return self._epoch


class IamEpoch:
    """The epoch token as this server knows it.

    It is read from the database at most once per FRESHNESS, and replaced at once when this server
    commits an IAM change: a change takes effect on the server that made it immediately, and on
    the other servers of a scaled-out deployment within FRESHNESS (IAM is eventually consistent
    in AWS too). Most requests therefore authenticate and authorise without any database read.
    """

    FRESHNESS = timedelta(seconds=1)

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._read_at: datetime | None = None
        self._generation = 0

    def current(self) -> str | None:
        now = self._clock.now()
        with self._lock:
            if self._read_at is not None and abs(now - self._read_at) < self.FRESHNESS:
                return self._token
            generation = self._generation
        with self._store.reader() as uow:
            token = read_epoch(uow)
        with self._lock:
            # A change committed here while we were reading is newer than what we read.
            if generation == self._generation:
                self._token, self._read_at = token, now
            return self._token if self._read_at is not None else token

    def committed(self, token: str) -> None:
        """This server committed an IAM change under `token`."""
        with self._lock:
            self._generation += 1
            self._token, self._read_at = token, self._clock.now()

    def forget(self) -> None:
        """Read afresh next time (after a test-mode reset)."""
        with self._lock:
            self._generation += 1
            self._token, self._read_at = None, None
