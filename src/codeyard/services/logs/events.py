"""Writing log events: PutLogEvents with AWS's rules, and append() for builds."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.logs.base import LogsBase, group_arn, sequence_token, stream_arn
from codeyard.services.logs.errors import InvalidParameterException
from codeyard.store.ports import Conflict, UnitOfWork
from codeyard.store.ports.logs import LogEventRecord, LogGroupRecord, LogStreamRecord

MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26  # bytes AWS counts per event on top of its UTF-8 message
DAY_MS = 24 * 3600 * 1000
TOO_OLD_MS = 14 * DAY_MS
TOO_NEW_MS = 2 * 3600 * 1000


class EventsMixin(LogsBase):
    def put_log_events(
        self,
        ctx: RequestContext,
        *,
        log_group_name: str,
        log_stream_name: str,
        log_events: Sequence[dict[str, Any]],
        sequence_token: str | None = None,
        entity: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Stores the batch; events too old, expired or too new are left out and reported (the
        sequence token is accepted and ignored, as AWS does)."""
        now = self._now_ms()
        batch = [(int(e["timestamp"]), str(e["message"])) for e in log_events]
        _check_batch(batch)
        retention = None
        with self._store.unit_of_work() as uow:
            group = self._group(uow, ctx.region, log_group_name, for_update=True)
            stream = self._stream(uow, group, log_stream_name, for_update=True)
            if group.retention_in_days is not None:
                retention = now - group.retention_in_days * DAY_MS
            rejected, accepted = _sort_out(batch, now, retention)
            stream = self._store_events(uow, group, stream, accepted, now)
            uow.commit()
        out: dict[str, Any] = {"nextSequenceToken": sequence_token_of(stream)}
        if rejected:
            out["rejectedLogEventsInfo"] = rejected
        return out

    def append(self, region: str, group: str, stream: str, events: Sequence[tuple[int, str]]) -> None:
        """Store `events` ((timestamp in ms, message) pairs) at the end of a stream, creating the log
        group and the stream when missing, in one transaction. Not an API operation: builds write
        their logs through it. No AWS batch rules apply; events are stored as given."""
        for attempt in range(2):
            try:
                self._append_once(region, group, stream, events)
                return
            except Conflict:
                if attempt:  # another writer created the group or stream first: retry once
                    raise

    def _append_once(
        self, region: str, group_name: str, stream_name: str, events: Sequence[tuple[int, str]]
    ) -> None:
        now = self._now_ms()
        with self._store.unit_of_work() as uow:
            group = uow.log_groups.get(region=region, name=group_name, for_update=True)
            if group is None:
                arn = group_arn(region, self._account_id, group_name)
                group = uow.log_groups.add(
                    LogGroupRecord(id=None, region=region, name=group_name, arn=arn, creation_time=now)
                )
            assert group.id is not None
            stream = uow.log_streams.get(group_id=group.id, name=stream_name, for_update=True)
            if stream is None:
                arn = stream_arn(group.arn, stream_name)
                stream = uow.log_streams.add(
                    LogStreamRecord(id=None, group_id=group.id, name=stream_name, arn=arn, creation_time=now)
                )
            self._store_events(uow, group, stream, list(events), now)
            uow.commit()

    @staticmethod
    def _store_events(
        uow: UnitOfWork,
        group: LogGroupRecord,
        stream: LogStreamRecord,
        events: Sequence[tuple[int, str]],
        now: int,
    ) -> LogStreamRecord:
        """Insert the events and move the stream's running figures and the group's bytes on."""
        assert group.id is not None
        assert stream.id is not None
        changed = dataclasses.replace(stream, upload_sequence=stream.upload_sequence + 1)
        if events:
            size = sum(len(message.encode()) for _, message in events)
            uow.log_events.add_many(
                [LogEventRecord(None, group.id, stream.id, ts, now, message) for ts, message in events]
            )
            first = min(ts for ts, _ in events)
            last = max(ts for ts, _ in events)
            changed = dataclasses.replace(
                changed,
                first_event_timestamp=min(first, stream.first_event_timestamp or first),
                last_event_timestamp=max(last, stream.last_event_timestamp or last),
                last_ingestion_time=now,
                stored_bytes=stream.stored_bytes + size,
            )
            uow.log_groups.update(dataclasses.replace(group, stored_bytes=group.stored_bytes + size))
        uow.log_streams.update(changed)
        return changed


def sequence_token_of(stream: LogStreamRecord) -> str:
    return sequence_token(stream.upload_sequence)


def _check_batch(batch: Sequence[tuple[int, str]]) -> None:
    """AWS's batch rules: at most 10,000 events and 1 MiB, in chronological order, within 24 hours."""
    if len(batch) > MAX_BATCH_EVENTS:
        raise InvalidParameterException(
            f"The batch of log events in a single PutLogEvents request cannot exceed {MAX_BATCH_EVENTS} events."
        )
    size = sum(len(message.encode()) + EVENT_OVERHEAD for _, message in batch)
    if size > MAX_BATCH_BYTES:
        raise InvalidParameterException(f"Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}")
    if any(batch[i][0] > batch[i + 1][0] for i in range(len(batch) - 1)):
        raise InvalidParameterException(
            "Log events in a single PutLogEvents request must be in chronological order."
        )
    if batch and batch[-1][0] - batch[0][0] > DAY_MS:
        raise InvalidParameterException(
            "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
        )


def _sort_out(
    batch: Sequence[tuple[int, str]], now: int, retention_start: int | None
) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """The rejectedLogEventsInfo of a chronological batch, and the events it accepts."""
    rejected: dict[str, int] = {}
    too_old = [i for i, (ts, _) in enumerate(batch) if ts < now - TOO_OLD_MS]
    expired = [i for i, (ts, _) in enumerate(batch) if retention_start is not None and ts < retention_start]
    too_new = [i for i, (ts, _) in enumerate(batch) if ts > now + TOO_NEW_MS]
    if too_old:
        rejected["tooOldLogEventEndIndex"] = too_old[-1]
    if expired:
        rejected["expiredLogEventEndIndex"] = expired[-1]
    if too_new:
        rejected["tooNewLogEventStartIndex"] = too_new[0]
    start = max(too_old[-1] if too_old else -1, expired[-1] if expired else -1) + 1
    end = too_new[0] if too_new else len(batch)
    return rejected, list(batch[start:end])
