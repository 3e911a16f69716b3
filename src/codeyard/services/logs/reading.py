"""Reading log events: GetLogEvents over a stream and FilterLogEvents over a group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.logs import filter_patterns
from codeyard.services.logs.base import LogsBase
from codeyard.services.logs.errors import InvalidParameterException
from codeyard.services.logs.pages import INVALID, decode, encode
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.logs import EventRange, LogEventRecord, Position

MAX_EVENTS = 10_000
MAX_RESPONSE_BYTES = 1_048_576
EVENT_OVERHEAD = 26
SCAN_BATCH = 1_000
SCAN_LIMIT = 10_000  # events FilterLogEvents looks at per call before it answers with a nextToken
BEGINNING: Position = (-1, 0)
END: Position = (2**62, 0)


def _stream_token(direction: str, stream_id: int, position: Position) -> str:
    return f"{direction}/{encode('events', stream_id, *position)}"


def _read_stream_token(token: str, stream_id: int) -> tuple[str, Position]:
    direction, _, rest = token.partition("/")
    if direction not in ("f", "b"):
        raise InvalidParameterException(INVALID)
    owner, timestamp, event_id = decode(rest, "events", 3)
    if owner != stream_id or not isinstance(timestamp, int) or not isinstance(event_id, int):
        raise InvalidParameterException(INVALID)
    return direction, (timestamp, event_id)


def _within_size(events: Sequence[LogEventRecord], *, from_end: bool = False) -> list[LogEventRecord]:
    """The events (from the start, or from the end) whose sizes fit in one response."""
    ordered = list(reversed(events)) if from_end else list(events)
    kept: list[LogEventRecord] = []
    size = 0
    for event in ordered:
        size += len(event.message.encode()) + EVENT_OVERHEAD
        if size > MAX_RESPONSE_BYTES and kept:
            break
        kept.append(event)
    return list(reversed(kept)) if from_end else kept


class ReadingMixin(LogsBase):
    def get_log_events(
        self,
        ctx: RequestContext,
        *,
        log_stream_name: str,
        log_group_name: str | None = None,
        log_group_identifier: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        next_token: str | None = None,
        limit: int | None = None,
        start_from_head: bool | None = None,
        unmask: bool | None = None,
    ) -> dict[str, Any]:
        """Events of a stream in (timestamp, id) order. Tokens point between events: with nothing
        new after a forward token the same token comes back, which is how followers poll."""
        name = self._group_param(log_group_name, log_group_identifier)
        count = limit or MAX_EVENTS
        with self._reading() as uow:
            group = self._group(uow, ctx.region, name)
            stream = self._stream(uow, group, log_stream_name)
            assert stream.id is not None
            window = EventRange(start=start_time, end=end_time)
            direction, position = ("f" if start_from_head else "b"), (BEGINNING if start_from_head else END)
            if next_token:
                direction, position = _read_stream_token(next_token, stream.id)
            if direction == "f":
                window = EventRange(start_time, end_time, after=position)
                events = _within_size(uow.log_events.in_stream(stream.id, window, limit=count))
            else:
                window = EventRange(start_time, end_time, before=position)
                latest = uow.log_events.in_stream(stream.id, window, limit=count, backward=True)
                events = _within_size(list(reversed(latest)), from_end=True)
        if events:
            forward = _stream_token("f", stream.id, (events[-1].timestamp, events[-1].id or 0))
            backward = _stream_token("b", stream.id, (events[0].timestamp, events[0].id or 0))
        elif next_token:
            forward = next_token if direction == "f" else _stream_token("f", stream.id, position)
            backward = next_token if direction == "b" else _stream_token("b", stream.id, position)
        else:
            forward = _stream_token("f", stream.id, BEGINNING)
            backward = _stream_token("b", stream.id, END)
        return {
            "events": [
                {"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion_time}
                for e in events
            ],
            "nextForwardToken": forward,
            "nextBackwardToken": backward,
        }

    def filter_log_events(
        self,
        ctx: RequestContext,
        *,
        log_group_name: str | None = None,
        log_group_identifier: str | None = None,
        log_stream_names: Sequence[str] | None = None,
        log_stream_name_prefix: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        filter_pattern: str | None = None,
        next_token: str | None = None,
        limit: int | None = None,
        start_from_head: bool | None = None,
        interleaved: bool | None = None,
        unmask: bool | None = None,
    ) -> dict[str, Any]:
        """Matching events of a group (or of some of its streams) in (timestamp, id) order. A call
        looks at no more than SCAN_LIMIT events: it may answer few or none, with a nextToken."""
        name = self._group_param(log_group_name, log_group_identifier)
        if log_stream_names is not None and log_stream_name_prefix is not None:
            raise InvalidParameterException("You cannot specify both LogStreamNames and LogStreamNamePrefix.")
        pattern = filter_patterns.parse(filter_pattern)
        count = limit or MAX_EVENTS
        with self._reading() as uow:
            group = self._group(uow, ctx.region, name)
            assert group.id is not None
            cursor: Position | None = None
            if next_token:
                owner, timestamp, event_id = decode(next_token, "filter", 3)
                if owner != group.id or not isinstance(timestamp, int) or not isinstance(event_id, int):
                    raise InvalidParameterException(INVALID)
                cursor = (timestamp, event_id)
            found: list[LogEventRecord] = []
            scanned, exhausted = 0, False
            while len(found) < count and scanned < SCAN_LIMIT:
                window = EventRange(start_time, end_time, after=cursor)
                rows = uow.log_events.in_group(
                    group.id,
                    window,
                    limit=SCAN_BATCH,
                    stream_names=log_stream_names,
                    stream_prefix=log_stream_name_prefix,
                )
                for row in rows:
                    scanned += 1
                    cursor = (row.timestamp, row.id or 0)
                    if pattern.matches(row.message):
                        found.append(row)
                        if len(found) == count:
                            break
                if len(rows) < SCAN_BATCH and len(found) < count:
                    exhausted = True
                    break
            events = _within_size(found)
            if len(events) < len(found):
                exhausted, cursor = False, (events[-1].timestamp, events[-1].id or 0)
            names = _stream_names(uow, {e.stream_id for e in events})
        out: dict[str, Any] = {
            "events": [
                {
                    "logStreamName": names[e.stream_id],
                    "timestamp": e.timestamp,
                    "message": e.message,
                    "ingestionTime": e.ingestion_time,
                    "eventId": str(e.id),
                }
                for e in events
            ],
            "searchedLogStreams": [],
        }
        if not exhausted and cursor is not None:
            out["nextToken"] = encode("filter", group.id, *cursor)
        return out


def _stream_names(uow: UnitOfWork, stream_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for stream_id in stream_ids:
        stream = uow.log_streams.get(id=stream_id)
        names[stream_id] = stream.name if stream is not None else ""
    return names
