"""Record ids: numeric strings, numbered per object from a base of its own, so a company id
never looks like a contact id and the same world always gets the same ids."""

from __future__ import annotations

import threading

from mocks.store import RecordStore

BASES = {
    "companies": 20_000_000_000,
    "contacts": 30_000_000_000,
    "deals": 40_000_000_000,
    "products": 50_000_000_000,
    "line_items": 60_000_000_000,
}


def make_id(obj: str, number: int) -> str:
    """The id of the `number`-th record (from 1) of `obj`."""
    return str(BASES[obj] + number)


class IdBook:
    """Hands out the next id per object, above every id the store holds (seeded ones too);
    rescans when the store is reset or reloaded."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._next: dict[str, int] = {}
        self._generation = -1

    def new_id(self, obj: str) -> str:
        with self._lock:
            if self._generation != self._store.generation:
                self._next.clear()
                self._generation = self._store.generation
            if obj not in self._next:
                held = [
                    int(r.id)
                    for r in self._store.records(obj, include_deleted=True)
                    if r.id.isdigit()
                ]
                self._next[obj] = max([BASES[obj], *held]) + 1
            number = self._next[obj]
            self._next[obj] = number + 1
            return str(number)


__all__ = ["BASES", "IdBook", "make_id"]
