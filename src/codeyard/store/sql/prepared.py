"""Statements compiled once per dialect and run straight on the driver's cursor.

SQLAlchemy builds and compiles every statement (and owns the schema, the migrations and the
transactions); only the execution of these few repository statements skips its per-call execution
context, which cost more than the query itself on the API's hot path. Type conversion is the
column types' own bind and result processors, so values round-trip exactly as through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

Processor = Callable[[Any], Any] | None


class Prepared:
    """One statement, compiled for one dialect, with its parameter order and value processors."""

    def __init__(
        self, statement: ClauseElement, dialect: Dialect, column_keys: Sequence[str] | None = None
    ) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self._defaults = dict(compiled.params)
        self._positional = dialect.paramstyle in ("qmark", "format", "numeric")
        self._order: list[str] = (
            list(compiled.positiontup or []) if self._positional else list(compiled.binds)
        )
        self._binders: dict[str, Processor] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        columns = getattr(statement, "selected_columns", None)
        self._readers: list[Processor] = (
            [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
            if columns is not None
            else []
        )
        if compiled.returning:
            self._readers = [
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in compiled.returning
            ]

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        merged = {**self._defaults, **values} if self._defaults else values
        converted = {}
        for name in self._order:
            value = merged.get(name)
            binder = self._binders.get(name)
            converted[name] = binder(value) if binder is not None and value is not None else value
        if self._positional:
            return [converted[name] for name in self._order]
        return converted

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        cursor = self.run(connection, values)
        try:
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        readers = self._readers
        if not any(readers):
            return [tuple(row) for row in fetched]
        return [
            tuple(
                reader(value) if reader is not None else value
                for reader, value in zip(readers, row, strict=True)
            )
            for row in fetched
        ]

    def run(self, connection: Connection, values: Mapping[str, Any]) -> Any:
        """Execute on the connection's driver cursor (in its current transaction)."""
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(self.sql, self.parameters(values))
        except BaseException:
            cursor.close()
            raise
        return cursor
