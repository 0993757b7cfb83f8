"""Each record's wire JSON, encoded once and reused while the record stays the same.

Every flow reads the same records again and again (a sync, then a reconcile, then a re-run),
and rendering plus encoding dominated a query's cost. A row's bytes depend on the render
signature (object, selected fields, API version, user id) and on the record: its id, its
`fields` dict and the bookkeeping the system fields show (created and modified times, the
deleted flag). Every write to a record's fields, silent ones included, gives it a new
`fields` dict (see `RecordStore.update`), so an entry is valid while that dict is the same
object (the entry holds it, so its identity cannot be reused) and the bookkeeping compares
equal. Rows are encoded when the query runs, so they also serve as the locator's snapshot.

Schema drift does not reach this cache: it rewrites payloads on the wire, after rendering.
Bounds: a few signatures (least recently used dropped), each holding at most about twice
the object's record count; a store reset (a reseed, a load) drops everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import orjson

from mocks.record_cache import RecordCache, fresh, stamp
from mocks.salesforce.records import renderer
from mocks.salesforce.schema import FieldDef, SObjectDef
from mocks.store import RecordStore, StoredRecord

MAX_SIGNATURES = 8  # (object, fields, version, user) combinations kept
SLACK = 1024  # entries allowed beyond twice the record count before a signature is dropped

Signature = tuple[str, tuple[tuple[str, str | None], ...], str, str]


class RenderCache:
    def __init__(self, max_signatures: int = MAX_SIGNATURES) -> None:
        self._cache = RecordCache(max_signatures)

    def rows(
        self,
        store: RecordStore,
        sobject: SObjectDef,
        fields: Iterable[FieldDef],
        version: str,
        user_id: str,
        rows: Sequence[StoredRecord],
        records: int,
    ) -> list[orjson.Fragment]:
        """`rows` rendered and encoded, in order; `records` is how many the object holds
        (the bound of its cache)."""
        fields = tuple(fields)
        sig: Signature = (
            sobject.name, tuple((fd.name, fd.system) for fd in fields), version, user_id,
        )  # fmt: skip
        table = self._cache.table(store, sig, 2 * records + SLACK)
        render = renderer(sobject, fields, version, user_id)
        dumps, fragment = orjson.dumps, orjson.Fragment
        out: list[orjson.Fragment] = []
        append = out.append
        lookup = table.get
        for rec in rows:
            now = stamp(rec)  # before rendering (see mocks.record_cache)
            entry = lookup(rec.id)
            if fresh(entry, now):
                append(entry[1])  # type: ignore[index]
                continue
            encoded = fragment(dumps(render(rec)))
            table[rec.id] = (now, encoded)
            append(encoded)
        return out
