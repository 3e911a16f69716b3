"""The log events repository: bulk inserts and range queries over (timestamp, id) cursors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, insert, select, tuple_
from sqlalchemy.sql.elements import ClauseElement

from codeyard.store.ports.logs import EventRange, LogEventRecord
from codeyard.store.sql import tables
from codeyard.store.sql.repository import SqlRepository, TableMapping


class LogEventMapping(TableMapping[LogEventRecord]):
    """The events table's statements: the generic ones and the log-reading ones."""

    def _build(self, shape: tuple[Any, ...]) -> ClauseElement:
        kind = shape[0]
        c = self.table.c
        if kind == "insert_many":
            return insert(self.table)
        if kind == "after_id":
            return (
                select(self.table)
                .where(c.stream_id == bindparam("stream"), c.id > bindparam("after"))
                .order_by(c.id)
                .limit(bindparam("limit_"))
            )
        if kind in ("stream", "group"):
            _, has_start, has_end, cursor, backward, names, has_prefix = shape
            owner = c.stream_id if kind == "stream" else c.group_id
            clauses = [owner == bindparam("owner")]
            if has_start:
                clauses.append(c.timestamp >= bindparam("start"))
            if has_end:
                clauses.append(c.timestamp < bindparam("end"))
            position = tuple_(c.timestamp, c.id)
            if cursor == "after":
                clauses.append(position > tuple_(bindparam("c_time"), bindparam("c_id")))
            elif cursor == "before":
                clauses.append(position < tuple_(bindparam("c_time"), bindparam("c_id")))
            streams = tables.log_streams.c
            if names:
                chosen: list[Any] = [bindparam(f"name_{i}") for i in range(names)]
                clauses.append(
                    c.stream_id.in_(
                        select(streams.id).where(
                            streams.group_id == bindparam("owner"), streams.name.in_(chosen)
                        )
                    )
                )
            if has_prefix:
                clauses.append(
                    c.stream_id.in_(
                        select(streams.id).where(
                            streams.group_id == bindparam("owner"),
                            streams.name.like(bindparam("prefix"), escape="\\"),
                        )
                    )
                )
            order = (c.timestamp.desc(), c.id.desc()) if backward else (c.timestamp, c.id)
            return select(self.table).where(and_(*clauses)).order_by(*order).limit(bindparam("limit_"))
        return super()._build(shape)


class SqlLogEvents(SqlRepository[LogEventRecord]):
    """The LogEvents port over the events table."""

    def add_many(self, records: Sequence[LogEventRecord]) -> None:
        if not records:
            return
        columns = tuple(name for name in self._map.fields if name != "id")
        cursor = self._conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if self._map.dialect.name == "postgresql":
                # COPY: a build's chunk of thousands of lines in one round trip (ids in the given order).
                names = ", ".join(columns)
                with cursor.copy(f"COPY {self._map.table.name} ({names}) FROM STDIN") as copy:
                    for record in records:
                        copy.write_row(tuple(getattr(record, name) for name in columns))
                return
            prepared = self._map.statement(("insert_many", columns), columns)
            rows: list[Any] = [
                prepared.parameters({name: getattr(r, name) for name in columns}) for r in records
            ]
            cursor.executemany(prepared.sql, rows)
        finally:
            cursor.close()

    def in_stream(
        self, stream_id: int, window: EventRange, *, limit: int, backward: bool = False
    ) -> list[LogEventRecord]:
        return self._range("stream", stream_id, window, limit, backward, (), None)

    def in_group(
        self,
        group_id: int,
        window: EventRange,
        *,
        limit: int,
        stream_names: Sequence[str] | None = None,
        stream_prefix: str | None = None,
    ) -> list[LogEventRecord]:
        return self._range("group", group_id, window, limit, False, tuple(stream_names or ()), stream_prefix)

    def after_id(self, stream_id: int, after: int, *, limit: int) -> list[LogEventRecord]:
        params = {"stream": stream_id, "after": after, "limit_": limit}
        return [self._map.record(row) for row in self._map.statement(("after_id",)).rows(self._conn, params)]

    def _range(
        self,
        kind: str,
        owner: int,
        window: EventRange,
        limit: int,
        backward: bool,
        names: tuple[str, ...],
        prefix: str | None,
    ) -> list[LogEventRecord]:
        params: dict[str, Any] = {"owner": owner, "limit_": limit}
        if window.start is not None:
            params["start"] = window.start
        if window.end is not None:
            params["end"] = window.end
        cursor = "after" if window.after else "before" if window.before else ""
        position = window.after or window.before
        if position is not None:
            params["c_time"], params["c_id"] = position
        for i, name in enumerate(names):
            params[f"name_{i}"] = name
        if prefix:
            params["prefix"] = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        shape = (
            kind,
            window.start is not None,
            window.end is not None,
            cursor,
            backward,
            len(names),
            bool(prefix),
        )
        return [self._map.record(row) for row in self._map.statement(shape).rows(self._conn, params)]
