"""One generic repository: rows of a table in, frozen records out, over cached statements."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ClauseElement

from codeyard.store.ports import Conflict
from codeyard.store.sql.prepared import Prepared

T = TypeVar("T")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class TableMapping(Generic[T]):
    """What a repository needs to know about one table, worked out once per store.

    Statements are built once per shape of query (which keys, which prefixes, which order) with
    bound parameters, so each call only executes: SQLAlchemy's compiled cache does the rest.
    """

    def __init__(self, table: Table, record_type: type[T], dialect: Dialect) -> None:
        self.table = table
        self.record_type = record_type
        self.dialect = dialect
        self.integrity_error: type[Exception] = dialect.loaded_dbapi.IntegrityError
        self.fields = tuple(f.name for f in dataclasses.fields(record_type))  # type: ignore[arg-type]
        self.keys = tuple(c.name for c in table.primary_key.columns)
        columns = [c.name for c in table.columns]
        if sorted(columns) != sorted(self.fields):
            raise TypeError(f"{table.name} columns {columns} differ from {record_type.__name__} fields")
        order = [columns.index(name) for name in self.fields]
        self._field_order: list[int] | None = None if order == sorted(order) else order
        self._statements: dict[tuple[Any, ...], Prepared] = {}
        self._lock = threading.Lock()

    def record(self, row: tuple[Any, ...]) -> T:
        order = self._field_order
        return self.record_type(*row) if order is None else self.record_type(*(row[i] for i in order))

    def values(self, record: T) -> dict[str, Any]:
        return {name: getattr(record, name) for name in self.fields}

    def statement(self, shape: tuple[Any, ...], column_keys: tuple[str, ...] = ()) -> Prepared:
        cached = self._statements.get(shape)
        if cached is None:
            cached = Prepared(self._build(shape), self.dialect, column_keys)
            with self._lock:
                self._statements[shape] = cached
        return cached

    def _conditions(self, equals: tuple[str, ...], nulls: tuple[str, ...], prefixes: tuple[str, ...]) -> Any:
        c = self.table.c
        clauses = [c[name] == bindparam(f"w_{name}") for name in equals]
        clauses += [c[name].is_(None) for name in nulls]
        clauses += [c[name].like(bindparam(f"p_{name}"), escape="\\") for name in prefixes]
        return and_(*clauses) if clauses else None

    def _build(self, shape: tuple[Any, ...]) -> ClauseElement:
        kind = shape[0]
        if kind == "insert":
            generated = [self.table.c[k] for k in self.keys if k not in shape[1]]
            return insert(self.table).returning(*generated) if generated else insert(self.table)
        equals, nulls, prefixes = shape[1], shape[2], shape[3]
        where = self._conditions(equals, nulls, prefixes)
        if kind == "select":
            order_by, descending, limited = shape[4], shape[5], shape[6]
            statement = select(self.table)
            if where is not None:
                statement = statement.where(where)
            columns = [self.table.c[order_by]] if order_by else [self.table.c[k] for k in self.keys]
            statement = statement.order_by(*(col.desc() if descending else col.asc() for col in columns))
            if limited:
                statement = statement.limit(bindparam("limit_"))
            if shape[7]:
                statement = statement.with_for_update(skip_locked=shape[8])
            elif shape[9]:
                statement = statement.with_for_update(read=True, key_share=True)
            return statement
        if kind == "count":
            counted = select(func.count()).select_from(self.table)
            return counted.where(where) if where is not None else counted
        if kind == "update":
            changed = update(self.table)
            return changed.where(where) if where is not None else changed
        if kind == "delete":
            removed = delete(self.table)
            return removed.where(where) if where is not None else removed
        raise ValueError(f"unknown statement kind {kind}")


def _split(equals: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, Any]]:
    present = tuple(sorted(k for k, v in equals.items() if v is not None))
    nulls = tuple(sorted(k for k, v in equals.items() if v is None))
    return present, nulls, {f"w_{k}": equals[k] for k in present}


class SqlRepository(Generic[T]):
    def __init__(self, connection: Connection, mapping: TableMapping[T]) -> None:
        self._conn = connection
        self._map = mapping

    def get(self, *, for_update: bool = False, for_share: bool = False, **key: Any) -> T | None:
        rows = self.find(limit=1, for_update=for_update, for_share=for_share, **key)
        return rows[0] if rows else None

    def find(
        self,
        *,
        order_by: str | None = None,
        descending: bool = False,
        prefix: Mapping[str, str] | None = None,
        limit: int | None = None,
        for_update: bool = False,
        skip_locked: bool = False,
        for_share: bool = False,
        **equals: Any,
    ) -> list[T]:
        present, nulls, params = _split(equals)
        prefixes = tuple(sorted(k for k, v in (prefix or {}).items() if v))
        for name in prefixes:
            params[f"p_{name}"] = _escape_like((prefix or {})[name]) + "%"
        if limit is not None:
            params["limit_"] = limit
        locking = (for_update, for_update and skip_locked, for_share and not for_update)
        shape = ("select", present, nulls, prefixes, order_by, descending, limit is not None, *locking)
        record = self._map.record
        return [record(row) for row in self._map.statement(shape).rows(self._conn, params)]

    def count(self, **equals: Any) -> int:
        present, nulls, params = _split(equals)
        rows = self._map.statement(("count", present, nulls, ())).rows(self._conn, params)
        return int(rows[0][0])

    def add(self, record: T) -> T:
        """Insert. After a Conflict the transaction is spoilt: the caller must give it up."""
        values = self._map.values(record)
        generated = [k for k in self._map.keys if values.get(k) is None]
        for key in generated:
            values.pop(key)
        columns = tuple(values)
        prepared = self._map.statement(("insert", columns), columns)
        try:
            rows = prepared.rows(self._conn, values) if generated else None
            if rows is None:
                prepared.run(self._conn, values).close()
        except self._map.integrity_error as error:
            raise Conflict(str(error)) from None
        if rows:
            record = dataclasses.replace(record, **dict(zip(generated, rows[0], strict=True)))  # type: ignore[type-var]
        return record

    def update(self, record: T) -> None:
        values = self._map.values(record)
        key = {k: values.pop(k) for k in self._map.keys}
        present, nulls, params = _split(key)
        params.update(values)
        columns = tuple(values)
        try:
            self._map.statement(("update", present, nulls, (), columns), columns).run(
                self._conn, params
            ).close()
        except self._map.integrity_error as error:
            raise Conflict(str(error)) from None

    def remove(self, **equals: Any) -> int:
        present, nulls, params = _split(equals)
        cursor = self._map.statement(("delete", present, nulls, ())).run(self._conn, params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()
