"""CloudWatch Logs records: log groups, log streams, log events, and the event queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

# A position in a stream or group: events are ordered by (timestamp, id).
Position = tuple[int, int]


@dataclass(frozen=True)
class LogGroupRecord:
    """A log group. Times are epoch milliseconds, as the API has them; `tags` maps key to value."""

    id: int | None
    region: str
    name: str
    arn: str
    creation_time: int
    log_group_class: str = "STANDARD"
    retention_in_days: int | None = None
    kms_key_id: str | None = None
    stored_bytes: int = 0
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LogStreamRecord:
    """A log stream with the running figures of its events: first and last event timestamps, last
    ingestion time, stored bytes and the count of uploads (the sequence token's number)."""

    id: int | None
    group_id: int
    name: str
    arn: str
    creation_time: int
    first_event_timestamp: int | None = None
    last_event_timestamp: int | None = None
    last_ingestion_time: int | None = None
    stored_bytes: int = 0
    upload_sequence: int = 0


@dataclass(frozen=True)
class LogEventRecord:
    """One log event; `id` is assigned on insert and orders events of equal timestamp."""

    id: int | None
    group_id: int
    stream_id: int
    timestamp: int
    ingestion_time: int
    message: str


@dataclass(frozen=True)
class EventRange:
    """Which events a query wants: a time window [start, end) and a cursor to continue after."""

    start: int | None = None
    end: int | None = None
    after: Position | None = None
    before: Position | None = None


class LogEvents(Protocol):
    """The events table: bulk inserts and the range queries that reading logs needs."""

    def remove(self, **equals: Any) -> int: ...

    def count(self, **equals: Any) -> int: ...

    def add_many(self, records: Sequence[LogEventRecord]) -> None:
        """Insert many events at once (their ids are assigned in order, not returned)."""
        ...

    def in_stream(
        self, stream_id: int, window: EventRange, *, limit: int, backward: bool = False
    ) -> list[LogEventRecord]:
        """Events of a stream in the window by (timestamp, id); `backward` gives the latest first
        (before `window.before` when set)."""
        ...

    def in_group(
        self,
        group_id: int,
        window: EventRange,
        *,
        limit: int,
        stream_names: Sequence[str] | None = None,
        stream_prefix: str | None = None,
    ) -> list[LogEventRecord]:
        """Events of a group in the window by (timestamp, id), optionally of the named streams or
        of the streams whose names start with a prefix."""
        ...

    def after_id(self, stream_id: int, after: int, *, limit: int) -> list[LogEventRecord]:
        """Events of a stream stored after the event `after`, in the order they were stored."""
        ...
