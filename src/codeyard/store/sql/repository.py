"""One generic repository: rows of a table in, frozen records out."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from codeyard.store.ports import Conflict

T = TypeVar("T")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlRepository(Generic[T]):
    def __init__(self, connection: Connection, table: Table, record_type: type[T]) -> None:
        self._conn = connection
        self._table = table
        self._type = record_type
        self._fields = [f.name for f in dataclasses.fields(record_type)]  # type: ignore[arg-type]
        self._keys = [c.name for c in table.primary_key.columns]

    def _where(
        self, equals: Mapping[str, Any], prefix: Mapping[str, str] | None = None
    ) -> list[ColumnElement[bool]]:
        columns = self._table.c
        clauses: list[ColumnElement[bool]] = []
        for name, value in equals.items():
            clauses.append(columns[name].is_(None) if value is None else columns[name] == value)
        for name, start in (prefix or {}).items():
            if start:
                clauses.append(columns[name].like(_escape_like(start) + "%", escape="\\"))
        return clauses

    def _record(self, row: Any) -> T:
        return self._type(**dict(row._mapping))

    def get(self, **key: Any) -> T | None:
        statement = select(self._table).where(and_(*self._where(key)))
        row = self._conn.execute(statement).first()
        return None if row is None else self._record(row)

    def find(
        self,
        *,
        order_by: str | None = None,
        descending: bool = False,
        prefix: Mapping[str, str] | None = None,
        limit: int | None = None,
        **equals: Any,
    ) -> list[T]:
        statement = select(self._table)
        clauses = self._where(equals, prefix)
        if clauses:
            statement = statement.where(and_(*clauses))
        if order_by:
            column = self._table.c[order_by]
            statement = statement.order_by(column.desc() if descending else column.asc())
        else:
            statement = statement.order_by(*(self._table.c[k] for k in self._keys))
        if limit is not None:
            statement = statement.limit(limit)
        return [self._record(row) for row in self._conn.execute(statement)]

    def count(self, **equals: Any) -> int:
        statement = select(func.count()).select_from(self._table)
        clauses = self._where(equals)
        if clauses:
            statement = statement.where(and_(*clauses))
        return int(self._conn.execute(statement).scalar_one())

    def add(self, record: T) -> T:
        """Insert. After a Conflict the transaction is spoilt: the caller must give it up."""
        values = dataclasses.asdict(record)  # type: ignore[call-overload]
        generated = [k for k in self._keys if values.get(k) is None]
        for key in generated:
            values.pop(key)
        try:
            result = self._conn.execute(insert(self._table).values(**values))
        except IntegrityError as error:
            raise Conflict(str(error.orig)) from None
        if generated:
            primary = result.inserted_primary_key
            assert primary is not None
            record = dataclasses.replace(record, **{k: primary[i] for i, k in enumerate(self._keys)})  # type: ignore[type-var]
        return record

    def update(self, record: T) -> None:
        values = dataclasses.asdict(record)  # type: ignore[call-overload]
        key = {k: values.pop(k) for k in self._keys}
        self._conn.execute(update(self._table).where(and_(*self._where(key))).values(**values))

    def remove(self, **equals: Any) -> int:
        statement = delete(self._table)
        clauses = self._where(equals)
        if clauses:
            statement = statement.where(and_(*clauses))
        return int(self._conn.execute(statement).rowcount)
