"""Repositories read in keyset pages (after the last row's order values) and written in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, bindparam, insert, or_, select, tuple_
from sqlalchemy.sql.elements import ClauseElement

from codeyard.store.ports.codebuild_reports import PageQuery
from codeyard.store.sql.repository import SqlRepository, TableMapping, _escape_like

T = TypeVar("T")


class PagedMapping(TableMapping[T]):
    """A table's statements: the generic ones, bulk inserts and keyset pages."""

    def _build(self, shape: tuple[Any, ...]) -> ClauseElement:
        kind = shape[0]
        if kind == "insert_many":
            return insert(self.table)
        if kind != "page":
            return super()._build(shape)
        _, equals, nulls, at_least, at_most, keyword_columns, order, descending, has_after = shape
        c = self.table.c
        clauses: list[Any] = [c[name] == bindparam(f"w_{name}") for name in equals]
        clauses += [c[name].is_(None) for name in nulls]
        clauses += [c[name] >= bindparam(f"ge_{name}") for name in at_least]
        clauses += [c[name] <= bindparam(f"le_{name}") for name in at_most]
        if keyword_columns:
            clauses.append(
                or_(*(c[name].ilike(bindparam("keyword"), escape="\\") for name in keyword_columns))
            )
        if has_after:
            position = tuple_(*(c[name] for name in order))
            last = tuple_(*(bindparam(f"a_{i}", type_=c[name].type) for i, name in enumerate(order)))
            clauses.append(position < last if descending else position > last)
        statement = select(self.table)
        if clauses:
            statement = statement.where(and_(*clauses))
        columns = [c[name].desc() if descending else c[name].asc() for name in order]
        return statement.order_by(*columns).limit(bindparam("limit_"))


class SqlPaged(SqlRepository[T]):
    """The PagedRepository port over one table."""

    def add_many(self, records: Sequence[T]) -> None:
        if not records:
            return
        columns = tuple(name for name in self._map.fields if name != "id")
        prepared = self._map.statement(("insert_many", columns), columns)
        rows: list[Any] = [prepared.parameters({name: getattr(r, name) for name in columns}) for r in records]
        cursor = self._conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(prepared.sql, rows)
        finally:
            cursor.close()

    def page(self, query: PageQuery) -> list[T]:
        present = tuple(sorted(k for k, v in query.equals.items() if v is not None))
        nulls = tuple(sorted(k for k, v in query.equals.items() if v is None))
        params: dict[str, Any] = {f"w_{k}": query.equals[k] for k in present}
        at_least = tuple(sorted(query.at_least))
        at_most = tuple(sorted(query.at_most))
        params.update({f"ge_{k}": query.at_least[k] for k in at_least})
        params.update({f"le_{k}": query.at_most[k] for k in at_most})
        keyword_columns = query.keyword_columns if query.keyword else ()
        if query.keyword:
            params["keyword"] = "%" + _escape_like(query.keyword) + "%"
        if query.after is not None:
            if len(query.after) != len(query.order):
                raise ValueError("a page cursor needs one value per order column")
            params.update({f"a_{i}": value for i, value in enumerate(query.after)})
        params["limit_"] = query.limit
        shape = (
            "page",
            present,
            nulls,
            at_least,
            at_most,
            keyword_columns,
            query.order,
            query.descending,
            query.after is not None,
        )
        record = self._map.record
        return [record(row) for row in self._map.statement(shape).rows(self._conn, params)]
