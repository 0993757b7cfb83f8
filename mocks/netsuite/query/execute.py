"""Run a parsed SuiteQL query on the store and shape rows the way NetSuite returns them.

Columns hold Oracle-like values: numbers, text ('' is NULL), 'T'/'F' for booleans and UTC
datetimes. Output values are strings; dates use the user's date preference unless TO_CHAR
formats them; NULL columns are left out of the row. Comparisons follow SQL's three-valued
logic, and a string compared with a date or number is converted as Oracle would.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

from mocks.netsuite.query.compile import (
    compile_projection,
    equal_texts,
    ordered,
    read_in_order,
    value_vector,
)
from mocks.netsuite.query.keyset import Seek, find_seek, rows_after, stable
from mocks.netsuite.query.nodes import conjuncts
from mocks.netsuite.query.rowcache import ROW_CACHE, cacheable
from mocks.netsuite.query.rownum import ROWNUM, is_rownum, mentions_rownum
from mocks.netsuite.query.sqlenv import SqlEnv
from mocks.netsuite.query.suiteql import (
    Column,
    CountStar,
    Literal,
    Logical,
    Query,
    SelectItem,
    SuiteQLError,
)
from mocks.netsuite.query.tables import TABLES, Table, column_value, find_table
from mocks.netsuite.query.values import (
    contains_count,
    external_ids,
    format_value,
    internal_ids,
    item_key,
    pinned_ids,
)
from mocks.store import RecordStore

__all__ = ["MAX_ROWS", "Executor", "Result", "SqlEnv", "column_value", "format_value"]

MAX_ROWS = 100_000


@dataclass(frozen=True)
class Result:
    total: int
    rows: list[dict[str, Any]]  # only the requested page, already formatted


class Executor:
    def __init__(self, store: RecordStore, date_format: str) -> None:
        self.store = store
        self.date_format = date_format

    def cached_page(self, query: Query, *, limit: int, offset: int) -> Result | None:
        """A page of a result set nothing has changed since it was computed, else None (the
        query ran without error then, so `run` would skip to the same page). Reads no store
        lock: cheap enough to serve on the event loop."""
        cache_key = _cache_key(query, self.store, self.date_format)
        cached = _RESULTS.get(self.store, {}).get(cache_key) if cache_key else None
        if cached is None:
            return None
        records, project = cached
        return Result(len(records), project(records[offset : offset + limit]))

    def run(self, query: Query, *, limit: int, offset: int) -> Result:
        # Imported here: `relational` builds on this module (`SqlEnv`, `order_expr`).
        from mocks.netsuite.query.relational import needs_relational

        if needs_relational(query):
            return self._run_relational(query, limit=limit, offset=offset)
        table = find_table(query.table)
        if table is None:
            known = ", ".join(sorted(TABLES))
            raise SuiteQLError(f"Record '{query.table}' was not found; this mock has: {known}")
        columns = table.columns
        aliases = {item.alias for item in query.items or () if item.alias}
        self._check_columns(query, table, aliases)
        hit = self.cached_page(query, limit=limit, offset=offset)
        if hit is not None:  # the next page of a result set nothing has changed since
            return hit
        cache_key = _cache_key(query, self.store, self.date_format)
        records = self._matching(query, table)
        items = query.items or tuple(SelectItem(Column(c), None) for c in columns)
        if any(isinstance(item.expr, CountStar) for item in items):
            if not all(isinstance(item.expr, CountStar) for item in items):
                raise SuiteQLError("COUNT(*) cannot be mixed with columns without GROUP BY")
            counted: dict[str, Any] = {"links": []}
            total = str(len(records))
            counted.update({item_key(item, i): total for i, item in enumerate(items, 1)})
            return Result(1, [counted][offset : offset + limit])
        _check_size(len(records))
        for n, order in enumerate(reversed(query.order_by)):  # stable sorts, last key first
            expr = self.order_expr(order.expr, items)
            if n == 0 and not order.descending and read_in_order(expr, table, records):
                continue  # ORDER BY id of a table of records: read in that order
            keys = value_vector(expr, table, self.date_format)(records)
            records = ordered(records, keys, order.descending)
        project = compile_projection(items, table, self.date_format)
        if cacheable(items, table):  # each record's row reused while the record is unchanged
            project = ROW_CACHE.wrap(self.store, items, table, self.date_format, project)
        if cache_key is not None:
            _keep(self.store, cache_key, (records, project))
        return Result(len(records), project(records[offset : offset + limit]))

    def _matching(self, query: Query, table: Table) -> list[Any]:
        """The table's rows that meet the WHERE: external ids looked up, a keyset page read
        from its ordered index (`keyset`), else every row tested."""
        env = SqlEnv(self, table.columns)
        wanted = external_ids(query.where) if table.record_types else None
        ids = internal_ids(query.where) if table.record_types else None
        if wanted is not None:  # the full WHERE still applies to these candidates below
            records = table.rows_by_external_id(self.store, wanted)
        elif ids is not None:  # likewise
            records = table.rows_by_id(self.store, ids)
        elif (parents := self._parents(query, table)) is not None:  # a page's lines: likewise
            records = parents
        else:
            # An index keeps the rows its conditions select; ROWNUM depends on the others.
            seek = None if mentions_rownum(query.where) else find_seek(query)
            after = self._seek(seek, table, env) if seek is not None else None
            if after is not None:  # the index holds the rows meeting the other conditions
                return after
            records = list(table.rows(self.store))
        return self._filtered(query.where, table, env, records)

    def _filtered(self, where: Any, table: Table, env: SqlEnv, records: list[Any]) -> list[Any]:
        """The records meeting `where`: its `column = 'text'` conditions a column at a time
        (`equal_texts`), the rest row by row."""
        if where is None:
            return records
        parts = conjuncts(where)
        records, rest = equal_texts(parts, table, self.date_format, records)
        if not rest:
            return records
        left = rest[0] if len(rest) == 1 else Logical("AND", tuple(rest))
        if mentions_rownum(where):
            return env.numbered(left, records)
        return [r for r in records if env.truth(left, r) is True]

    def _parents(self, query: Query, table: Table) -> list[Any] | None:
        """A line table's rows of the parents `<parent> IN (...)` pins, else None."""
        parents = table.parents
        if parents is None or query.where is None:
            return None
        names = frozenset(n for n in (table.name, query.table, query.alias) if n)
        pinned = pinned_ids(query.where, parents.column, names)
        return None if pinned is None else parents.rows(self.store, pinned)

    def _seek(self, seek: Seek, table: Table, env: SqlEnv) -> list[Any] | None:
        """The rows past a keyset page's key and within its bounds, in order; None when the
        index cannot serve it."""
        columns = table.columns
        if seek.column not in columns or "id" not in columns or not stable(seek.rest):
            return None
        try:
            stamp, lower, upper = seek.stamps(lambda expr: env.value(expr, None))
        except (SuiteQLError, ValueError):
            return None  # the row-by-row test reports it as it always did

        def rows() -> list[Any]:  # read only when the index is (re)built
            every = list(table.rows(self.store))
            kept, rest = equal_texts(list(seek.rest), table, self.date_format, every)
            return [r for r in kept if all(env.truth(c, r) is True for c in rest)]

        after = None if stamp is None else (stamp, seek.last_id)
        return rows_after(self.store, (table.name, seek.column, seek.rest), rows,
                          columns[seek.column], columns["id"], after, lower, upper)  # fmt: skip

    def _run_relational(self, query: Query, *, limit: int, offset: int) -> Result:
        """Joins, groups, subqueries and BUILTIN.DF; the result set is kept like any other."""
        from mocks.netsuite.query.relational import ordered_output

        hit = self.cached_page(query, limit=limit, offset=offset)
        if hit is not None:
            return hit
        rows, project = ordered_output(self, query)
        _check_size(len(rows))
        cache_key = _cache_key(query, self.store, self.date_format)
        if cache_key is not None:
            _keep(self.store, cache_key, (rows, project))
        return Result(len(rows), project(rows[offset : offset + limit]))

    def _check_columns(self, query: Query, table: Table, aliases: set[str]) -> None:
        allowed_qualifiers = {table.name, query.table, query.alias}
        columns = table.columns

        def visit(node: Any, in_order: bool, in_where: bool = False) -> None:
            if in_where and is_rownum(node) and ROWNUM not in columns:
                return
            if isinstance(node, Column):
                if node.qualifier is not None and node.qualifier not in allowed_qualifiers:
                    raise SuiteQLError(f"unknown table or alias '{node.qualifier}'")
                if node.name not in columns and not (in_order and node.name in aliases):
                    raise SuiteQLError(
                        f"Field '{node.name}' for record '{table.name}' was not found"
                    )
                return
            for child in vars(node).values() if hasattr(node, "__dataclass_fields__") else ():
                for part in child if isinstance(child, tuple) else (child,):
                    if hasattr(part, "__dataclass_fields__"):
                        visit(part, in_order, in_where)

        for item in query.items or ():
            visit(item.expr, False)
        if query.where is not None:
            if contains_count(query.where):
                raise SuiteQLError("COUNT(*) is not allowed in WHERE")
            visit(query.where, False, True)
        for order in query.order_by:
            visit(order.expr, True)

    def order_expr(self, expr: Any, items: tuple[SelectItem, ...]) -> Any:
        """What an ORDER BY item sorts by: a select item (by position or alias) or itself."""
        if isinstance(expr, Literal) and isinstance(expr.value, int):
            if not 1 <= expr.value <= len(items):
                raise SuiteQLError(f"ORDER BY position {expr.value} is out of range")
            return items[expr.value - 1].expr
        if isinstance(expr, Column) and expr.qualifier is None:
            return next((i.expr for i in items if i.alias == expr.name), expr)
        return expr


# Sorted result sets by store, reused while the store is unchanged: a client paging through
# 50,000 keys asks the same query 50 times, and NetSuite itself serves a result set, not a
# fresh scan, per page. Any write to the store starts a new set (its change sequence moves).
_RESULTS: weakref.WeakKeyDictionary[RecordStore, dict[tuple[Any, ...], Any]] = (
    weakref.WeakKeyDictionary()
)
_CACHED_RESULTS = 8
_RESULTS_LOCK = threading.Lock()


def _keep(store: RecordStore, cache_key: tuple[Any, ...], result: Any) -> None:
    with _RESULTS_LOCK:  # queries run on several threadpool threads at once
        kept = _RESULTS.setdefault(store, {})
        while len(kept) >= _CACHED_RESULTS:
            kept.pop(next(iter(kept)))
        kept[cache_key] = result


def _check_size(rows: int) -> None:
    if rows > MAX_ROWS:
        raise SuiteQLError(
            f"the query matches {rows} rows, more than the {MAX_ROWS} a SuiteQL"
            " query may return; narrow it (for example WHERE id > <last id> ORDER BY id)"
        )


def _cache_key(query: Query, store: RecordStore, date_format: str) -> tuple[Any, ...] | None:
    try:
        hash(query)
    except TypeError:
        return None
    return (query, store.state_token, date_format)
