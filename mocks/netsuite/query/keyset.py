"""Keyset pages read from an ordered index instead of a scan of the whole table.

Clients page SuiteQL by keyset: `WHERE ... AND (lastmodifieddate > T OR (lastmodifieddate = T
AND id > N)) ORDER BY lastmodifieddate, id`. Tested row by row, every page of a read costs a
pass over the whole table, so reading N records by pages of P costs N * N / P tests: 40
million for 200,000 records, where NetSuite answers from an index. Here a table's rows are
kept sorted by (that column, id) for as long as the store is unchanged; a keyset page starts
at its key by bisection. The page's other conditions (the record type, a window's bound) are
part of the index: tested once per index, not once per page. The rows
and their order are exactly those the row-by-row test gives: the same column getters make
the keys, and a row whose column is NULL fails the keyset test either way.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from math import inf
from typing import Any

from mocks.netsuite.query.nodes import conjuncts
from mocks.netsuite.query.suiteql import Column, Compare, Func, Literal, Logical, Query
from mocks.store import RecordStore

Getter = Callable[[Any], Any]
_INDEXES: weakref.WeakKeyDictionary[RecordStore, dict[tuple[str, str], Any]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()
_KEPT = 16  # indexes kept per store: a read's windows and the reads running beside it
_CLOCK = frozenset({"SYSDATE", "SYSTIMESTAMP", "CURRENT_DATE", "CURRENT_TIMESTAMP"})


Bound = tuple[Any, bool]  # a constant expression, and whether the bound includes it


@dataclass(frozen=True)
class Seek:
    """A keyset page: rows after (`stamp`, `last_id`) in (`column`, id) order (from the start
    when `stamp` is None) and within the `lower` and `upper` bounds on `column` (a stamp
    span's), of which those meeting every condition in `rest`."""

    column: str
    stamp: Any  # a constant expression (a literal, or TO_TIMESTAMP of literals), or None
    last_id: int
    rest: tuple[Any, ...]
    lower: Bound | None = None
    upper: Bound | None = None

    def stamps(self, value: Callable[[Any], Any]) -> tuple[
        datetime | None, tuple[datetime, bool] | None, tuple[datetime, bool] | None
    ]:  # fmt: skip
        """The key's stamp and the bounds, evaluated by `value`; ValueError when one is not
        a stamp (the row-by-row test decides such a query)."""

        def stamp(expr: Any) -> datetime | None:
            found = None if expr is None else value(expr)
            if expr is not None and not isinstance(found, datetime):
                raise ValueError(f"not a stamp: {found!r}")
            return found

        def bound(given: Bound | None) -> tuple[datetime, bool] | None:
            at = stamp(given[0]) if given is not None else None
            return None if at is None or given is None else (at, given[1])

        return stamp(self.stamp), bound(self.lower), bound(self.upper)


def find_seek(query: Query) -> Seek | None:
    """The query's seek, when it is one (ORDER BY column, id ascending, and a keyset key or
    a bound on that column among the conditions)."""
    order = query.order_by
    if query.where is None or len(order) != 2 or any(o.descending for o in order):
        return None
    first, second = (o.expr for o in order)
    if not (isinstance(first, Column) and _is_id(second)) or first.qualifier:
        return None
    stamp, last_id, rest = None, 0, []
    bounds: dict[str, Bound] = {}
    for part in conjuncts(query.where):
        found = _keyset(part, first.name) if stamp is None else None
        bound = _bound(part, first.name)
        if found is not None:
            stamp, last_id = found
        elif bound is not None and bound[0] not in bounds:
            bounds[bound[0]] = bound[1]
        else:
            rest.append(part)
    if stamp is None and not bounds:
        return None
    return Seek(first.name, stamp, last_id, tuple(rest), bounds.get("lower"), bounds.get("upper"))


Index = tuple[list[Any], list[tuple[Any, int]]]  # rows in (key, id) order, and their keys


def rows_after(
    store: RecordStore,
    name: tuple[Any, ...],
    rows: Callable[[], list[Any]],
    key: Getter,
    ident: Getter,
    after: tuple[datetime, int] | None,
    lower: tuple[datetime, bool] | None = None,
    upper: tuple[datetime, bool] | None = None,
) -> list[Any] | None:
    """The rows `rows()` gives, kept in (key, id) order under `name` (the table, the column,
    the page's other conditions) while the store is unchanged, after `after` and within the
    bounds (each a stamp and whether it is included); None when the index does not apply
    (an id that is not a number, a stamp of another kind)."""
    index = _index(store, name, rows, key, ident)
    if index is None:
        return None
    ordered, keys = index
    stamps = [found[0] for found in (after, lower, upper) if found is not None]
    if keys and any((keys[0][0].tzinfo is None) != (s.tzinfo is None) for s in stamps):
        return None
    start, end = 0, len(keys)
    if after is not None:
        start = bisect_right(keys, after)
    if lower is not None:
        stamp, included = lower
        first = bisect_left(keys, (stamp, -inf)) if included else bisect_right(keys, (stamp, inf))
        start = max(start, first)
    if upper is not None:
        stamp, included = upper
        end = bisect_right(keys, (stamp, inf)) if included else bisect_left(keys, (stamp, -inf))
    return ordered[start:end] if start < end else []


def _index(
    store: RecordStore,
    name: tuple[Any, ...],
    rows: Callable[[], list[Any]],
    key: Getter,
    ident: Getter,
) -> Index | None:
    token = store.state_token
    with _LOCK:
        kept = _INDEXES.get(store, {}).get(name)
    if kept is not None and kept[0] == token:
        result: Index = kept[1]
        return result
    keyed = []
    for row in rows():
        stamp, number = key(row), ident(row)
        if not isinstance(number, int):
            return None
        if stamp is None:  # NULL fails `>` and `=`: never on a keyset page
            continue
        if not isinstance(stamp, datetime):
            return None
        keyed.append(((stamp, number), row))
    keyed.sort(key=lambda pair: pair[0])
    built = ([row for _, row in keyed], [k for k, _ in keyed])
    with _LOCK:
        kept_here = _INDEXES.setdefault(store, {})
        while len(kept_here) >= _KEPT:
            kept_here.pop(next(iter(kept_here)))
        kept_here[name] = (token, built)
    return built


def stable(rest: tuple[Any, ...]) -> bool:
    """Whether a page's other conditions give the same rows for as long as the store is
    unchanged: no clock function, and hashable as an index name."""
    try:
        hash(rest)
    except TypeError:
        return False
    return not any(isinstance(n, Func) and n.name in _CLOCK for c in rest for n in _nodes(c))


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for value in vars(node).values() if hasattr(node, "__dataclass_fields__") else ():
        for item in value if isinstance(value, tuple) else (value,):
            if hasattr(item, "__dataclass_fields__"):
                yield from _nodes(item)


def _is_id(node: Any) -> bool:
    return isinstance(node, Column) and node.name == "id" and not node.qualifier


def _keyset(node: Any, column: str) -> tuple[Any, int] | None:
    """(T, N) of `column > T OR (column = T AND id > N)`, T the same expression both times."""
    if not (isinstance(node, Logical) and node.op == "OR" and len(node.items) == 2):
        return None
    later, tie = node.items
    if not (isinstance(tie, Logical) and tie.op == "AND" and len(tie.items) == 2):
        return None
    same, beyond = tie.items
    if not (_compares(later, column, ">") and _compares(same, column, "=")):
        return None
    if later.right != same.right or not _is_id(beyond.left if isinstance(beyond, Compare)
                                                 else None):  # fmt: skip
        return None
    if not (isinstance(beyond, Compare) and beyond.op == ">" and isinstance(beyond.right, Literal)
            and isinstance(beyond.right.value, int)):  # fmt: skip
        return None
    return later.right, beyond.right.value


_BOUNDS = {">=": ("lower", True), ">": ("lower", False), "<=": ("upper", True),
           "<": ("upper", False)}  # fmt: skip


def _bound(node: Any, column: str) -> tuple[str, Bound] | None:
    """("lower" or "upper", (T, included)) of `column >= T` (>, <=, <), T a constant."""
    if not (isinstance(node, Compare) and node.op in _BOUNDS):
        return None
    if not (isinstance(node.left, Column) and node.left.name == column) or node.left.qualifier:
        return None
    if not _constant(node.right):
        return None
    side, included = _BOUNDS[node.op]
    return side, (node.right, included)


def _constant(node: Any) -> bool:
    """A literal, or a function of literals that is not a clock (TO_TIMESTAMP('...', '...'))."""
    if isinstance(node, Literal):
        return True
    return (isinstance(node, Func) and node.name not in _CLOCK
            and all(isinstance(a, Literal) for a in node.args))  # fmt: skip


def _compares(node: Any, column: str, op: str) -> bool:
    return (
        isinstance(node, Compare)
        and node.op == op
        and isinstance(node.left, Column)
        and node.left.name == column
        and not node.left.qualifier
    )


__all__ = ["Seek", "find_seek", "rows_after", "stable"]
