"""One generic repository: rows of a table in, frozen records out, over cached statements."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Connection,
    Executable,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from codeyard.store.ports import Conflict

T = TypeVar("T")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class TableMapping(Generic[T]):
    """What a repository needs to know about one table, worked out once per store.

    Statements are built once per shape of query (which keys, which prefixes, which order) with
    bound parameters, so each call only executes: SQLAlchemy's compiled cache does the rest.
    """

    def __init__(self, table: Table, record_type: type[T]) -> None:
        self.table = table
        self.record_type = record_type
        self.fields = tuple(f.name for f in dataclasses.fields(record_type))  # type: ignore[arg-type]
        self.keys = tuple(c.name for c in table.primary_key.columns)
        self._statements: dict[tuple[Any, ...], Executable] = {}
        self._lock = threading.Lock()

    def record(self, row: Any) -> T:
        return self.record_type(**row._mapping)

    def values(self, record: T) -> dict[str, Any]:
        return {name: getattr(record, name) for name in self.fields}

    def statement(self, shape: tuple[Any, ...]) -> Executable:
        cached = self._statements.get(shape)
        if cached is None:
            cached = self._build(shape)
            with self._lock:
                self._statements[shape] = cached
        return cached

    def _conditions(self, equals: tuple[str, ...], nulls: tuple[str, ...], prefixes: tuple[str, ...]) -> Any:
        c = self.table.c
        clauses = [c[name] == bindparam(f"w_{name}") for name in equals]
        clauses += [c[name].is_(None) for name in nulls]
        clauses += [c[name].like(bindparam(f"p_{name}"), escape="\\") for name in prefixes]
        return and_(*clauses) if clauses else None

    def _build(self, shape: tuple[Any, ...]) -> Executable:
        kind = shape[0]
        if kind == "insert":
            return insert(self.table)
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
                statement = statement.with_for_update()
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

    def get(self, *, for_update: bool = False, **key: Any) -> T | None:
        rows = self.find(limit=1, for_update=for_update, **key)
        return rows[0] if rows else None

    def find(
        self,
        *,
        order_by: str | None = None,
        descending: bool = False,
        prefix: Mapping[str, str] | None = None,
        limit: int | None = None,
        for_update: bool = False,
        **equals: Any,
    ) -> list[T]:
        present, nulls, params = _split(equals)
        prefixes = tuple(sorted(k for k, v in (prefix or {}).items() if v))
        for name in prefixes:
            params[f"p_{name}"] = _escape_like((prefix or {})[name]) + "%"
        if limit is not None:
            params["limit_"] = limit
        shape = ("select", present, nulls, prefixes, order_by, descending, limit is not None, for_update)
        result = self._conn.execute(self._map.statement(shape), params)
        return [self._map.record(row) for row in result]

    def count(self, **equals: Any) -> int:
        present, nulls, params = _split(equals)
        result = self._conn.execute(self._map.statement(("count", present, nulls, ())), params)
        return int(result.scalar_one())

    def add(self, record: T) -> T:
        """Insert. After a Conflict the transaction is spoilt: the caller must give it up."""
        values = self._map.values(record)
        generated = [k for k in self._map.keys if values.get(k) is None]
        for key in generated:
            values.pop(key)
        try:
            result = self._conn.execute(self._map.statement(("insert",)), values)
        except IntegrityError as error:
            raise Conflict(str(error.orig)) from None
        if generated:
            primary = result.inserted_primary_key
            assert primary is not None
            names = list(self._map.keys)
            filled = {k: primary[names.index(k)] for k in generated}
            record = dataclasses.replace(record, **filled)  # type: ignore[type-var]
        return record

    def update(self, record: T) -> None:
        values = self._map.values(record)
        key = {k: values.pop(k) for k in self._map.keys}
        present, nulls, params = _split(key)
        params.update(values)
        self._conn.execute(self._map.statement(("update", present, nulls, ())), params)

    def remove(self, **equals: Any) -> int:
        present, nulls, params = _split(equals)
        result = self._conn.execute(self._map.statement(("delete", present, nulls, ())), params)
        return int(result.rowcount)
