"""The IAM epoch: a token every IAM change replaces, and the caches keyed by it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from codeyard.clock import Clock
from codeyard.ids import IdGenerator
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.iam import IamEpochRecord

K = TypeVar("K")
V = TypeVar("V")

EPOCH_NAME = "iam"


def read_epoch(uow: UnitOfWork) -> str | None:
    """The current token; None on a fresh or wiped database."""
    record = uow.iam_epoch.get(name=EPOCH_NAME)
    return None if record is None else record.token


def bump_epoch(uow: UnitOfWork, ids: IdGenerator) -> None:
    """Replace the token in the transaction that changes IAM state.

    Tokens are unique rather than counted, so two concurrent changes can never leave behind a
    token that some server already cached older state under.
    """
    record = IamEpochRecord(name=EPOCH_NAME, token=ids.uuid())
    if uow.iam_epoch.get(name=EPOCH_NAME) is None:
        uow.iam_epoch.add(record)
    else:
        uow.iam_epoch.update(record)


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


class RequestEpochs:
    """The epoch token each thread read when it last resolved an access key.

    A request is handled on one thread: the resolver reads the epoch to authenticate it, and the
    authorizer and the resource lookup of the same request take that token instead of reading it
    again (each read is a transaction). The token is used only for the same access key and only
    briefly, so a caller that skipped resolving (no access key) always reads afresh.
    """

    WINDOW = timedelta(seconds=1)

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._local = threading.local()

    def note(self, access_key_id: str, epoch: str | None) -> None:
        self._local.seen = (access_key_id, epoch, self._clock.now())

    def recent(self, access_key_id: str) -> tuple[bool, str | None]:
        """(True, token) when this thread just read `token` resolving `access_key_id`."""
        seen: tuple[str, str | None, datetime] | None = getattr(self._local, "seen", None)
        if seen is None or not access_key_id or seen[0] != access_key_id:
            return False, None
        if abs(self._clock.now() - seen[2]) > self.WINDOW:
            return False, None
        return True, seen[1]
