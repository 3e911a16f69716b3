"""Log streams: create, delete and describe (by name or by last event time)."""

from __future__ import annotations

import dataclasses
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.logs.base import LogsBase, stream_arn
from codeyard.services.logs.errors import InvalidParameterException, ResourceAlreadyExistsException
from codeyard.services.logs.pages import page
from codeyard.store.ports import Conflict
from codeyard.store.ports.logs import LogStreamRecord

STREAM_EXISTS = "The specified log stream already exists"


class StreamsMixin(LogsBase):
    def create_log_stream(
        self, ctx: RequestContext, *, log_group_name: str, log_stream_name: str
    ) -> dict[str, Any]:
        with self._store.unit_of_work() as uow:
            group = self._group(uow, ctx.region, log_group_name)
            assert group.id is not None
            if uow.log_streams.get(group_id=group.id, name=log_stream_name) is not None:
                raise ResourceAlreadyExistsException(STREAM_EXISTS)
            record = LogStreamRecord(
                id=None,
                group_id=group.id,
                name=log_stream_name,
                arn=stream_arn(group.arn, log_stream_name),
                creation_time=self._now_ms(),
            )
            try:
                uow.log_streams.add(record)
            except Conflict:
                raise ResourceAlreadyExistsException(STREAM_EXISTS) from None
            uow.commit()
        return {}

    def delete_log_stream(
        self, ctx: RequestContext, *, log_group_name: str, log_stream_name: str
    ) -> dict[str, Any]:
        """Deletes the stream and its events; the group's stored bytes drop by the stream's."""
        with self._store.unit_of_work() as uow:
            group = self._group(uow, ctx.region, log_group_name, for_update=True)
            stream = self._stream(uow, group, log_stream_name, for_update=True)
            uow.log_events.remove(stream_id=stream.id)
            uow.log_streams.remove(id=stream.id)
            stored = max(0, group.stored_bytes - stream.stored_bytes)
            uow.log_groups.update(dataclasses.replace(group, stored_bytes=stored))
            uow.commit()
        return {}

    def describe_log_streams(
        self,
        ctx: RequestContext,
        *,
        log_group_name: str | None = None,
        log_group_identifier: str | None = None,
        log_stream_name_prefix: str | None = None,
        order_by: str | None = None,
        descending: bool | None = None,
        next_token: str | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        name = self._group_param(log_group_name, log_group_identifier)
        by_time = order_by == "LastEventTime"
        if by_time and log_stream_name_prefix is not None:
            raise InvalidParameterException("Cannot order by LastEventTime with a logStreamNamePrefix.")
        with self._reading() as uow:
            group = self._group(uow, ctx.region, name)
            streams = uow.log_streams.find(
                group_id=group.id, prefix={"name": log_stream_name_prefix or ""}, order_by="name"
            )
        if by_time:
            # Streams without events count as the oldest; ties go by name.
            streams.sort(key=lambda s: (s.last_event_timestamp or 0, s.name))
        if descending:
            streams.reverse()
        chosen, following = page(streams, next_token, limit or 50, "streams")
        out: dict[str, Any] = {"logStreams": [self._stream_shape(s) for s in chosen]}
        if following:
            out["nextToken"] = following
        return out
