"""Each record's SuiteQL output row, built once and reused while the record stays the same.

A result set is computed again after any write to the store (its state token moves), and
building each page (`compile_projection`) dominated the cost of paging it. For a table of
records (one row per record, the record itself: the entity tables, `item`, `transaction`)
selecting only columns and literals, a row depends on the projection signature (table,
select items with their aliases, date preference) and on the record alone: its id, its
object type, its `fields` dict and its created and modified times. Every column getter of
those tables reads nothing else (`suiteql_tables`: `column_value`, `itemtype`, the
transaction `type` and union getters). Every write to a record's fields, silent ones
included, gives it a new `fields` dict (`RecordStore.update`), so an entry is valid while
that dict is the same object (the entry holds it, so its identity cannot be reused) and the
stamps compare equal. The scalar functions (`TO_CHAR`, `NVL`, ...) of such values depend on
nothing else either (the date preference is in the signature), so a key query's
`TO_CHAR(lastmodifieddate, ...)` is cached too. Line tables, display names (`BUILTIN.DF`
reads the record a reference names) and aggregates are not.

Cached rows are shared between responses: nothing changes a row once built (the response
encodes them as they are). Bounds: a few signatures (least recently used dropped), each at
most about twice the table's record count; a new store or a store reset drops everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mocks.netsuite.query.suiteql import FUNCTIONS, Column, Func, Literal, SelectItem
from mocks.netsuite.query.tables import Table
from mocks.record_cache import RecordCache, Stamp, fresh, stamp
from mocks.store import RecordStore

MAX_SIGNATURES = 16  # (table, select items, date preference) combinations kept
SLACK = 1024  # entries allowed beyond twice the record count before a signature is dropped

Projection = Callable[[list[Any]], list[dict[str, Any]]]
Signature = tuple[str, tuple[SelectItem, ...], str]


def cacheable(items: tuple[SelectItem, ...], table: Table) -> bool:
    """Rows of this projection depend on each record alone (see the module docstring)."""
    return bool(table.record_types) and all(_per_record(item.expr) for item in items)


def _per_record(expr: object) -> bool:
    if isinstance(expr, Column | Literal):
        return True
    return (
        isinstance(expr, Func)
        and expr.name in FUNCTIONS
        and all(_per_record(arg) for arg in expr.args)
    )


class RowCache:
    def __init__(self, max_signatures: int = MAX_SIGNATURES) -> None:
        self._cache = RecordCache(max_signatures)

    def clear(self) -> None:
        self._cache.clear()

    def wrap(
        self,
        store: RecordStore,
        items: tuple[SelectItem, ...],
        table: Table,
        date_format: str,
        project: Projection,
    ) -> Projection:
        """`project` (records -> rows) answering from the cache what it can."""
        sig: Signature = (table.name, items, date_format)
        # Counted once here (the query runs in the threadpool): a later page of the result set
        # is served on the event loop, which takes no store lock.
        bound = 2 * sum(store.count(t) for t in table.record_types) + SLACK

        def cached(recs: list[Any]) -> list[dict[str, Any]]:
            entries = self._cache.table(store, sig, bound)
            lookup = entries.get
            out: list[Any] = []
            misses: list[int] = []
            stamps: list[Stamp] = []
            for rec in recs:
                now = stamp(rec)  # before projecting (see mocks.record_cache)
                entry = lookup(rec.id)
                if fresh(entry, now):
                    out.append(entry[1])  # type: ignore[index]
                    continue
                misses.append(len(out))
                stamps.append(now)
                out.append(rec)
            if not misses:
                return out
            fresh_rows = project([out[i] for i in misses])
            for i, now, row in zip(misses, stamps, fresh_rows, strict=True):
                entries[out[i].id] = (now, row)
                out[i] = row
            return out

        return cached


ROW_CACHE = RowCache()
