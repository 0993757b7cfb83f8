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

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from mocks.salesforce.records import renderer
from mocks.salesforce.schema import FieldDef, SObjectDef
from mocks.store import RecordStore, StoredRecord

MAX_SIGNATURES = 8  # (object, fields, version, user) combinations kept
SLACK = 1024  # entries allowed beyond twice the record count before a signature is dropped

# (fields dict, created_at, modified_at, deleted, encoded row)
Entry = tuple[dict[str, Any], Any, Any, bool, orjson.Fragment]
Signature = tuple[str, tuple[tuple[str, str | None], ...], str, str]


class RenderCache:
    def __init__(self, max_signatures: int = MAX_SIGNATURES) -> None:
        self._max = max(1, max_signatures)
        self._entries: OrderedDict[Signature, dict[str, Entry]] = OrderedDict()
        self._store: RecordStore | None = None
        self._generation = -1
        self._lock = threading.Lock()

    def _table(self, store: RecordStore, sig: Signature, records: int) -> dict[str, Entry]:
        with self._lock:
            if store is not self._store or store.generation != self._generation:
                self._entries.clear()
                self._store, self._generation = store, store.generation
            table = self._entries.get(sig)
            if table is None or len(table) > 2 * records + SLACK:
                table = self._entries[sig] = {}
            self._entries.move_to_end(sig)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
            return table

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
        table = self._table(store, sig, records)
        render = renderer(sobject, fields, version, user_id)
        dumps, fragment = orjson.dumps, orjson.Fragment
        out: list[orjson.Fragment] = []
        append = out.append
        lookup = table.get
        for rec in rows:
            # The stamp is read before rendering: a write racing the render leaves an entry
            # that no longer matches, never a stale one that does.
            data, modified, deleted = rec.fields, rec.modified_at, rec.deleted
            created = rec.created_at
            entry = lookup(rec.id)
            if (
                entry is not None
                and entry[0] is data
                and entry[2] == modified
                and entry[3] == deleted
                and entry[1] == created
            ):
                append(entry[4])
                continue
            encoded = fragment(dumps(render(rec)))
            table[rec.id] = (data, created, modified, deleted, encoded)
            append(encoded)
        return out
