"""SuiteQL beyond one table: joins, GROUP BY with aggregates, HAVING, `IN (SELECT ...)`
subqueries and `BUILTIN.DF`.

A row of a joined query is a tuple with one table row per source (FROM first, then each
JOIN in order); a source a LEFT JOIN found no match for is None, so all its columns are
NULL. An ON condition that pairs columns of the new table with columns of the tables
before it by `=` is run as a hash join (each side's key computed once); any other ON
condition is tried on every pair, up to `MAX_PAIRS`. Values, comparisons, NULL logic and
output formatting are the single-table engine's (`execute.SqlEnv`, `values.format_value`),
so a column reads the same whichever path serves the query.

Plain single-table queries never come here (`needs_relational`): the connectors' keyset
and key-lookup queries keep the columnar fast path of `execute` and `compile`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["evaluate", "needs_relational", "output_rows"]

from mocks.netsuite.query.compile import equal_texts, ordered
from mocks.netsuite.query.display import display_value
from mocks.netsuite.query.execute import Executor, SqlEnv
from mocks.netsuite.query.folds import distinct_rows, fold
from mocks.netsuite.query.joins import columns_of, hash_key, join
from mocks.netsuite.query.nodes import children, conjuncts, walk
from mocks.netsuite.query.rownum import is_rownum, mentions_rownum
from mocks.netsuite.query.suiteql import (
    DISPLAY,
    Aggregate,
    Column,
    CountStar,
    Func,
    InQuery,
    Literal,
    Logical,
    Query,
    SelectItem,
    SuiteQLError,
)
from mocks.netsuite.query.tables import TABLES, Getter, Table, find_table
from mocks.netsuite.query.values import format_value, internal_ids, item_key, pinned_ids

_NO_LINKS = ()  # a SuiteQL row's `links`: always an empty array
_ARGUMENTS = object()  # marks an aggregate argument's values among a group's done values


def _is_aggregate(node: Any) -> bool:
    return isinstance(node, Aggregate | CountStar)


def needs_relational(query: Query) -> bool:
    """Whether the query uses anything past the single-table engine of `execute`."""
    if query.joins or query.group_by or query.having is not None or query.distinct:
        return True
    parts = [*(i.expr for i in query.items or ()), query.where, *(o.expr for o in query.order_by)]
    for node in (n for part in parts if part is not None for n in walk(part)):
        if isinstance(node, Aggregate | InQuery) or (
            isinstance(node, Func) and node.name == DISPLAY
        ):
            return True
    counts = [isinstance(i.expr, CountStar) for i in query.items or ()]
    return any(counts) and not all(counts)


@dataclass(frozen=True)
class _Source:
    name: str  # what columns are qualified with: the alias, else the table name
    table: Table


@dataclass
class _Group:
    """The rows of one GROUP BY key; its plain columns read its first row."""

    first: tuple[Any, ...] | None
    rows: list[tuple[Any, ...]]
    done: dict[Any, Any] = field(default_factory=dict)  # aggregate node -> its value


def _sources(query: Query) -> list[_Source]:
    out: list[_Source] = []
    for name, alias in [(query.table, query.alias), *((j.table, j.alias) for j in query.joins)]:
        table = find_table(name)
        if table is None:
            known = ", ".join(sorted(TABLES))
            raise SuiteQLError(f"Record '{name}' was not found; this mock has: {known}")
        source = _Source(alias or table.name, table)
        if any(s.name == source.name for s in out):
            raise SuiteQLError(f"the table alias '{source.name}' is used twice")
        out.append(source)
    return out


class JoinEnv(SqlEnv):
    """Evaluates expressions over joined rows (tuples) and groups."""

    def __init__(self, executor: Executor, sources: list[_Source]) -> None:
        super().__init__(executor, {})
        self.executor = executor
        self.store = executor.store
        self.sources = sources
        self._getters: dict[Column, tuple[int, Getter]] = {}
        self._subqueries: dict[int, tuple[frozenset[Any], bool]] = {}

    def locate(self, col: Column) -> tuple[int, Getter]:
        """Which source a column reads and its getter; unknown or ambiguous names fail."""
        found = self._getters.get(col)
        if found is not None:
            return found
        if col.qualifier is not None:
            named = [i for i, s in enumerate(self.sources) if s.name == col.qualifier]
            if not named:
                raise SuiteQLError(f"unknown table or alias '{col.qualifier}'")
        else:
            named = [i for i, s in enumerate(self.sources) if col.name in s.table.columns]
            if len(named) > 1:
                raise SuiteQLError(f"column '{col.name}' is ambiguously defined; qualify it")
        table = self.sources[named[0] if named else 0].table
        getter = table.columns.get(col.name)
        if getter is None:
            raise SuiteQLError(f"Field '{col.name}' for record '{table.name}' was not found")
        self._getters[col] = (named[0], getter)
        return self._getters[col]

    def value(self, node: Any, row: Any) -> Any:
        if isinstance(node, Column):
            if self.rownum is not None and is_rownum(node):
                return self.rownum
            index, getter = self.locate(node)
            part = _plain_row(row)
            base = None if part is None else part[index]
            return None if base is None else getter(base)
        if _is_aggregate(node):
            return self._aggregate(node, row)
        if isinstance(node, Func) and node.name == DISPLAY:
            return self._display(node.args[0], row)
        return super().value(node, row)

    def truth(self, node: Any, row: Any) -> bool | None:
        if isinstance(node, InQuery):
            left = self.value(node.expr, row)
            if left is None:
                return None
            values, has_null = self._subquery(node.query)
            if hash_key(left) in values:
                return not node.negated
            return None if has_null else node.negated
        return super().truth(node, row)

    def _display(self, arg: Any, row: Any) -> Any:
        value = self.value(arg, row)
        if value is None or not isinstance(arg, Column):
            return value
        index, _ = self.locate(arg)
        part = _plain_row(row)
        base = None if part is None else part[index]
        target = self.sources[index].table.refs.get(arg.name)
        return display_value(self.store, None if target is None else target(base), value)

    def _aggregate(self, node: Any, row: Any) -> Any:
        if not isinstance(row, _Group):
            raise SuiteQLError("an aggregate function is not allowed here (only in SELECT,"
                               " HAVING and ORDER BY)")  # fmt: skip
        if node in row.done:
            return row.done[node]
        if isinstance(node, CountStar):
            result: Any = len(row.rows)
        else:
            values = [v for v in self._arguments(node.arg, row) if v is not None]
            if node.distinct:
                values = list(dict.fromkeys(values))
            result = fold(node.name, values)
        row.done[node] = result
        return result

    def _arguments(self, arg: Any, group: _Group) -> list[Any]:
        """`arg` over the group's rows, computed once for all the aggregates that take it
        (`MIN(x)` and `MAX(x)` side by side); a plain column a column at a time."""
        key = (_ARGUMENTS, arg)
        if key in group.done:
            return group.done[key]  # type: ignore[no-any-return]
        if isinstance(arg, Column):
            index, getter = self.locate(arg)
            bases = [row[index] for row in group.rows]
            values = [None if base is None else getter(base) for base in bases]
        else:
            values = [self.value(arg, r) for r in group.rows]
        group.done[key] = values
        return values

    def _subquery(self, query: Query) -> tuple[frozenset[Any], bool]:
        """The values an uncorrelated subquery selects (as keys), and whether one is NULL."""
        if id(query) not in self._subqueries:
            values = [row[0] for row in evaluate(self.executor, query)[1]]
            found = frozenset(hash_key(v) for v in values if v is not None)
            self._subqueries[id(query)] = (found, None in values)
        return self._subqueries[id(query)]


def _plain_row(row: Any) -> tuple[Any, ...] | None:
    return row.first if isinstance(row, _Group) else row


def _star(sources: list[_Source]) -> tuple[SelectItem, ...]:
    names: dict[str, Column] = {}
    for source in sources:
        for name in source.table.columns:
            names.setdefault(name, Column(name, source.name))
    return tuple(SelectItem(col, None) for col in names.values())


def _group(env: JoinEnv, query: Query, items: tuple[SelectItem, ...], rows: list[Any]) -> list[Any]:
    groups: dict[tuple[Any, ...], list[Any]] = {(): rows}  # no GROUP BY: one row, even for none
    if query.group_by:
        groups = {}
        for row in rows:
            key = tuple(hash_key(env.value(expr, row)) for expr in query.group_by)
            groups.setdefault(key, []).append(row)
    for item in items:
        _check_grouped(env, item.expr, query.group_by)
    out = [_Group(members[0] if members else None, members) for members in groups.values()]
    if query.having is not None:
        out = [g for g in out if env.truth(query.having, g) is True]
    return out


def _check_grouped(env: JoinEnv, node: Any, group_by: tuple[Any, ...]) -> None:
    """Oracle's rule: a selected value outside an aggregate must be a GROUP BY expression."""
    if _is_aggregate(node) or isinstance(node, Literal):
        return
    if any(_same(env, node, g) for g in group_by):
        return
    if isinstance(node, Column):
        raise SuiteQLError(f"'{node.name}' is not a GROUP BY expression")
    for part in children(node):
        _check_grouped(env, part, group_by)


def _same(env: JoinEnv, a: Any, b: Any) -> bool:
    if isinstance(a, Column) and isinstance(b, Column):
        return env.locate(a) == env.locate(b)
    return bool(a == b)


def _sort(env: JoinEnv, query: Query, items: tuple[SelectItem, ...], rows: list[Any]) -> list[Any]:
    for order in reversed(query.order_by):  # stable sorts, last key first
        expr = env.executor.order_expr(order.expr, items)
        keys = [env.value(expr, row) for row in rows]
        try:
            rows = ordered(rows, keys, order.descending)
        except TypeError:
            raise SuiteQLError("ORDER BY compares values of different types") from None
    return rows


def _prepare(executor: Executor, query: Query) -> tuple[JoinEnv, tuple[SelectItem, ...]]:
    """The query's sources and select items, every name in it (and in its subqueries)
    checked before any row is read, so a mistake fails even when no row would reach it."""
    sources = _sources(query)
    items = query.items or _star(sources)
    env = JoinEnv(executor, sources)
    aliases = {item.alias for item in items if item.alias}
    last = len(sources) - 1

    def check(node: Any, visible: int, *, aggregates: bool = False, order: bool = False,
              where: bool = False) -> None:  # fmt: skip
        for part in walk(node):
            if where and is_rownum(part):
                continue  # Oracle's row number, not a column
            if isinstance(part, Column) and not (order and part.name in aliases):
                if env.locate(part)[0] > visible:
                    raise SuiteQLError(
                        f"'{part.qualifier or part.name}' is joined after this ON condition"
                    )
            elif isinstance(part, InQuery):
                _, sub_items = _prepare(executor, part.query)
                if part.query.items is None or len(sub_items) != 1:
                    raise SuiteQLError("a subquery after IN must select exactly one column")
            elif _is_aggregate(part) and not aggregates:
                raise SuiteQLError("an aggregate function is not allowed in WHERE, ON or GROUP"
                                   " BY; use HAVING")  # fmt: skip

    for item in items:
        check(item.expr, last, aggregates=True)
    for visible, clause in enumerate(query.joins, start=1):
        check(clause.on, visible)
    check(query.where, last, where=True)
    for part in query.group_by:
        check(part, last)
    check(query.having, last, aggregates=True)
    for order_item in query.order_by:
        check(order_item.expr, last, aggregates=True, order=True)
    return env, items


def evaluate(executor: Executor, query: Query) -> tuple[list[str], list[list[Any]]]:
    """The query's column names and every result row's values (unformatted), in order."""
    env, items, rows = _ordered(executor, query)
    keys = [item_key(item, i) for i, item in enumerate(items, 1)]
    values = [[env.value(item.expr, row) for item in items] for row in rows]
    return keys, distinct_rows(values) if query.distinct else values


def _ordered(executor: Executor, query: Query) -> tuple[JoinEnv, tuple[SelectItem, ...], list[Any]]:
    """The query's rows (joined, filtered, grouped, sorted), not yet projected."""
    env, items = _prepare(executor, query)
    early, late, by_number = _split_where(query, env)
    first = env.sources[0].table
    records = list(_first_rows(executor, first, env.sources[0].name, early))
    # Conditions on the first table alone filter before the joins, as a planner would: its
    # `column = 'text'` ones a column at a time, the rest row by row.
    records, early = equal_texts(early, first, executor.date_format, records)
    rows: list[Any] = [(rec,) for rec in records]
    if early:
        rows = [row for row in rows if all(env.truth(c, row) is True for c in early)]
    for new, clause in enumerate(query.joins, start=1):
        rows = join(env, rows, new, clause.on, clause.outer)
    if late:
        rows = [row for row in rows if all(env.truth(c, row) is True for c in late)]
    if by_number:  # ROWNUM numbers the rows every other condition kept, before grouping
        rows = env.numbered(Logical("AND", tuple(by_number)), rows)
    grouped = (
        query.group_by
        or query.having is not None
        or any(_is_aggregate(n) for item in items for n in walk(item.expr))
    )
    if grouped:
        rows = _group(env, query, items, rows)
    return env, items, _sort(env, query, items, rows)


def _first_rows(executor: Executor, first: Table, name: str, early: list[Any]) -> Iterable[Any]:
    """The first table's rows the early conditions may keep: `id IN (...)` reads those
    records, a line table's `<parent> IN (...)` those parents' lines, else the whole table
    (the conditions still apply to them all afterwards)."""
    where = Logical("AND", tuple(early)) if early else None
    store = executor.store
    ids = internal_ids(where) if where is not None and first.record_types else None
    if ids is not None:
        return first.rows_by_id(store, ids)
    parents = first.parents
    if where is not None and parents is not None:
        pinned = pinned_ids(where, parents.column, frozenset({name}))
        if pinned is not None:
            return parents.rows(store, pinned)
    return first.rows(store)


def _split_where(query: Query, env: JoinEnv) -> tuple[list[Any], list[Any], list[Any]]:
    """The WHERE's ANDed conditions that read only the first table (safe to apply before
    its joins: inner and left joins keep or repeat its rows, never change them), the rest,
    and those naming ROWNUM (tested last, as rows are numbered). Without joins every
    condition but those is early."""
    if query.where is None:
        return [], [], []
    parts = conjuncts(query.where)
    by_number = [p for p in parts if mentions_rownum(p)]
    parts = [p for p in parts if not mentions_rownum(p)]
    if not query.joins:
        return parts, [], by_number
    early = [p for p in parts if columns_of(p, env) <= {0}]
    return early, [p for p in parts if all(p is not e for e in early)], by_number


def output_rows(executor: Executor, query: Query) -> list[dict[str, Any]]:
    """The query's rows as NetSuite returns them: strings, NULL columns left out."""
    rows, project = ordered_output(executor, query)
    return project(rows)


def ordered_output(
    executor: Executor, query: Query
) -> tuple[list[Any], Callable[[list[Any]], list[dict[str, Any]]]]:
    """The query's rows in order, and the projection making a slice of them into output rows:
    a page projects (and formats, and looks up display names for) its own rows only."""
    if query.distinct:  # which rows are distinct is known only once every row is projected
        keys, values = evaluate(executor, query)
        rows = [_output(keys, v, executor.date_format) for v in values]
        return rows, list
    env, items, in_order = _ordered(executor, query)
    keys = [item_key(item, i) for i, item in enumerate(items, 1)]

    def project(part: list[Any]) -> list[dict[str, Any]]:
        values = ([env.value(item.expr, row) for item in items] for row in part)
        return [_output(keys, v, executor.date_format) for v in values]

    return in_order, project


def _output(keys: list[str], values: list[Any], fmt: str) -> dict[str, Any]:
    row: dict[str, Any] = {"links": _NO_LINKS}
    for key, value in zip(keys, values, strict=True):
        text = format_value(value, fmt)
        if text is not None:
            row[key] = text
    return row
