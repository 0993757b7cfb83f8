"""What a mock serves for one record (an encoded Salesforce row, a SuiteQL row), kept while
the record stays the same: shared by the vendors' per-record caches.

Every write to a record's fields, silent ones included, gives it a new `fields` dict
(`RecordStore.update` is copy-on-write), so an entry is valid while that dict is the same
object (the entry holds it, so its identity cannot be reused) and the record's bookkeeping
(object, created and modified times, deleted flag) compares equal. Read a record's `stamp`
before building its value: a write racing the build then leaves an entry that no longer
matches, never a stale one that does.

Entries are grouped by a signature (what the value depends on besides the record: selected
fields, API version, date preference, ...); a few signatures are kept, the least recently
used dropped, each holding at most `bound` entries; a new store or a store reset drops all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from mocks.store import RecordStore, StoredRecord

Stamp = tuple[dict[str, Any], str, Any, Any, bool]
Entry = tuple[Stamp, Any]


def stamp(rec: StoredRecord) -> Stamp:
    return rec.fields, rec.obj, rec.created_at, rec.modified_at, rec.deleted


def fresh(entry: Entry | None, now: Stamp) -> bool:
    """Whether `entry` was built from the record as `now` describes it."""
    if entry is None:
        return False
    then = entry[0]
    return then[0] is now[0] and then[1:] == now[1:]


class RecordCache:
    def __init__(self, max_signatures: int) -> None:
        self._max = max(1, max_signatures)
        self._entries: OrderedDict[Hashable, dict[str, Entry]] = OrderedDict()
        self._store: RecordStore | None = None
        self._generation = -1
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._store, self._generation = None, -1

    def table(self, store: RecordStore, signature: Hashable, bound: int) -> dict[str, Entry]:
        """Record id -> entry for `signature`, emptied once it holds more than `bound`."""
        with self._lock:
            if store is not self._store or store.generation != self._generation:
                self._entries.clear()
                self._store, self._generation = store, store.generation
            table = self._entries.get(signature)
            if table is None or len(table) > bound:
                table = self._entries[signature] = {}
            self._entries.move_to_end(signature)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
            return table
