"""Which rows a query is run over: those an equality or `IN` on an indexed field picks out
of the org's index (`lookup_index`), else every row of the object.

The seek is one conjunct of the WHERE clause (the whole clause, or one term of its top-level
AND): `Field = value` or `Field IN (values)` on `Id` or on a field of the object itself read
straight from the stored values, with no null among the values. The index gives a superset
of the rows that conjunct matches, in the store's order, and the query's full predicate then
tests each of them as it tests every row of a scan: same rows, same order, same errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from mocks.salesforce import lookup_index
from mocks.salesforce.query.paths import FieldPath
from mocks.salesforce.query.soql import BoolOp, Comparison, Condition, FieldRef, Value
from mocks.salesforce.schema import FieldDef
from mocks.store import RecordStore, StoredRecord

if TYPE_CHECKING:
    from mocks.salesforce.query.evaluate import BoundQuery


@dataclass(frozen=True)
class Seek:
    """`field` equal to one of `keys`: the operands as the scan compares them (folded)."""

    field: FieldDef
    keys: tuple[Any, ...]


class Binder(Protocol):
    def resolve(self, ref: FieldRef) -> FieldPath: ...

    def operand(self, fd: FieldDef, lit: Value) -> Any: ...


def find_seek(where: Condition | None, binder: Binder) -> Seek | None:
    """The WHERE clause's narrowest seekable conjunct, if any (call once the clause is
    bound: its literals are then known to be valid)."""
    if where is None:
        return None
    if isinstance(where, Comparison):
        parts: Sequence[Condition] = (where,)
    elif where.op == "AND":
        parts = where.items
    else:
        return None
    seeks = [s for s in (_seek(part, binder) for part in parts) if s is not None]
    return min(seeks, key=lambda s: len(s.keys), default=None)


def _seek(part: Condition, binder: Binder) -> Seek | None:
    if isinstance(part, BoolOp) or part.subquery is not None or part.op not in ("=", "IN"):
        return None
    if not isinstance(part.field, FieldRef):
        return None
    path = binder.resolve(part.field)
    fd = path.leaf
    if path.steps or not lookup_index.indexable(fd):
        return None
    keys = tuple(binder.operand(fd, lit) for lit in part.values)
    if any(key is None or isinstance(key, tuple) for key in keys):
        return None  # null matches nulls; a date range is no single value
    return Seek(fd, keys)


def query_rows(
    store: RecordStore, query: BoundQuery, *, include_deleted: bool, use_index: bool = True
) -> list[StoredRecord]:
    """The rows to run `query` over, in store order: the seek's candidates when the index
    answers, else every row (`use_index=False`: always every row, the reference path)."""
    seek = query.seek
    if use_index and seek is not None:
        rows = lookup_index.candidates(
            store, query.sobject.name, seek.field, seek.keys, include_deleted=include_deleted
        )
        if rows is not None:
            return rows
    return store.records(query.sobject.name, include_deleted=include_deleted)


def object_size(store: RecordStore, obj: str, *, include_deleted: bool) -> int:
    """How many rows the object holds (a bound for per-record caches)."""
    counted = lookup_index.size(store, obj, include_deleted=include_deleted)
    if counted is None:
        return len(store.records(obj, include_deleted=include_deleted))
    return counted


__all__ = ["Seek", "find_seek", "object_size", "query_rows"]
