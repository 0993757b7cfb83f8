"""Run a parsed SuiteQL query on the store and shape rows the way NetSuite returns them.

Columns hold Oracle-like values: numbers, text ('' is NULL), 'T'/'F' for booleans and UTC
datetimes. Output values are strings; dates use the user's date preference unless TO_CHAR
formats them; NULL columns are left out of the row. Comparisons follow SQL's three-valued
logic, and a string compared with a date or number is converted as Oracle would.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mocks.like import like
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
from mocks.netsuite.query.suiteql import (
    Between,
    Column,
    Compare,
    CountStar,
    Func,
    InList,
    IsNull,
    Like,
    Literal,
    Logical,
    Not,
    Query,
    SelectItem,
    SuiteQLError,
)
from mocks.netsuite.query.tables import TABLES, Getter, Table, column_value, find_table
from mocks.netsuite.query.values import (
    as_date,
    call_function,
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
            seek = find_seek(query)
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
        if len(rest) == len(parts):
            return [r for r in records if env.truth(where, r) is True]
        if not rest:
            return records
        left = rest[0] if len(rest) == 1 else Logical("AND", tuple(rest))
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

        def visit(node: Any, in_order: bool) -> None:
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
                        visit(part, in_order)

        for item in query.items or ():
            visit(item.expr, False)
        if query.where is not None:
            if contains_count(query.where):
                raise SuiteQLError("COUNT(*) is not allowed in WHERE")
            visit(query.where, False)
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


class SqlEnv:
    """Evaluates conditions and values over rows of one table (`relational` extends it)."""

    def __init__(self, executor: Executor, columns: dict[str, Getter]) -> None:
        self.date_format = executor.date_format
        self.columns = columns
        self._sets: dict[int, frozenset[str] | None] = {}
        self._numbers: dict[int, frozenset[int | float] | None] = {}
        # Functions of literals only (the keyset query's TO_TIMESTAMP('...', '...')), by node
        # id: computed for the first row, then reused. A failing one is not kept, so it
        # fails again the same way on every row, as before.
        self._constants: dict[int, Any] = {}

    def value(self, node: Any, rec: Any) -> Any:
        if isinstance(node, Column):
            return self.columns[node.name](rec)
        if isinstance(node, Literal):
            return None if node.value == "" else node.value
        if isinstance(node, Func):
            key = id(node)
            if key in self._constants:
                return self._constants[key]
            args = [self.value(a, rec) for a in node.args]
            result = call_function(node.name, args, self.date_format)
            if all(isinstance(a, Literal) or id(a) in self._constants for a in node.args):
                self._constants[key] = result
            return result
        raise SuiteQLError("a condition cannot be used as a value")

    def _as_date(self, text: str) -> datetime:
        return as_date(text, self.date_format)

    def compare(self, a: Any, b: Any) -> int | None:
        if a is None or b is None:
            return None
        if isinstance(a, datetime) or isinstance(b, datetime):
            a, b = (self._as_date(x) if isinstance(x, str) else x for x in (a, b))
        elif isinstance(a, int | float) != isinstance(b, int | float):
            a, b = (_number(x) if isinstance(x, str) else x for x in (a, b))
        if type(a) is not type(b) and not (
            isinstance(a, int | float) and isinstance(b, int | float)
        ):
            raise SuiteQLError(f"cannot compare {a!r} with {b!r}")
        return (a > b) - (a < b)

    def truth(self, node: Any, rec: Any) -> bool | None:
        if isinstance(node, Logical):
            results = [self.truth(item, rec) for item in node.items]
            decisive = node.op == "OR"  # OR is decided by a True, AND by a False
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        if isinstance(node, Not):
            inner = self.truth(node.expr, rec)
            return None if inner is None else not inner
        if isinstance(node, IsNull):
            return (self.value(node.expr, rec) is None) != node.negated
        if isinstance(node, Compare):
            sign = self.compare(self.value(node.left, rec), self.value(node.right, rec))
            return None if sign is None else _SIGN_TESTS[node.op](sign)
        if isinstance(node, InList):
            left = self.value(node.expr, rec)
            literals = self._string_set(node)
            if literals is not None and isinstance(left, str):
                # An external-id lookup lists hundreds of strings: test membership once.
                return (left in literals) != node.negated
            numbers = self._number_set(node)
            if numbers is not None and _is_number(left):
                # A page of internal ids (`parent IN (...)`): the same, by number.
                return (left in numbers) != node.negated
            signs = [self.compare(left, self.value(i, rec)) for i in node.items]
            found = True if 0 in signs else (None if None in signs else False)
            return None if found is None else found != node.negated
        if isinstance(node, Like):
            return self._like(node, rec)
        if isinstance(node, Between):
            value = self.value(node.expr, rec)
            low = self.compare(value, self.value(node.low, rec))
            high = self.compare(value, self.value(node.high, rec))
            if low is None or high is None:
                return None
            return (low >= 0 and high <= 0) != node.negated
        raise SuiteQLError("expected a condition")

    def _number_set(self, node: InList) -> frozenset[int | float] | None:
        """The IN list as a set when every item is a number literal (else None)."""
        key = id(node)
        if key not in self._numbers:
            items = node.items
            plain = all(isinstance(i, Literal) and _is_number(i.value) for i in items)
            self._numbers[key] = frozenset(i.value for i in items) if plain else None
        return self._numbers[key]

    def _string_set(self, node: InList) -> frozenset[str] | None:
        """The IN list as a set when every item is a non-empty string literal (else None)."""
        key = id(node)
        if key not in self._sets:
            items = node.items
            plain = all(isinstance(i, Literal) and isinstance(i.value, str) and i.value
                        for i in items)  # fmt: skip
            self._sets[key] = frozenset(str(i.value) for i in items) if plain else None
        return self._sets[key]

    def _like(self, node: Like, rec: Any) -> bool | None:
        value = format_value(self.value(node.expr, rec), self.date_format)
        pattern = self.value(node.pattern, rec)
        if value is None or pattern is None:
            return None
        # Linear whatever the pattern (a `.*` regex backtracks for minutes on many `%`).
        matched = like(value, str(pattern), ignore_case=False, backslash_escapes=False)
        return matched != node.negated


_SIGN_TESTS: dict[str, Callable[[int], bool]] = {
    "=": lambda s: s == 0,
    "<>": lambda s: s != 0,
    "<": lambda s: s < 0,
    "<=": lambda s: s <= 0,
    ">": lambda s: s > 0,
    ">=": lambda s: s >= 0,
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SuiteQLError(f"invalid number {text!r}") from None
