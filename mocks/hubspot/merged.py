"""Ids merged away. HubSpot's merge of two contacts or companies makes a new record with a
new id; both old ids keep working, a read by either returning the merged record under its
new id (developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-
companies). A merged record merged again points on: an old id follows the chain."""

from __future__ import annotations

import threading

from mocks.store import RecordStore

__all__ = ["MergedIds"]

_MAX_HOPS = 1_000  # a chain longer than any run of merges; a cycle cannot form


class MergedIds:
    """Old id -> the id of the record a merge made of it, per object type."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._to: dict[tuple[str, str], str] = {}
        self._generation = store.generation

    def _fresh(self) -> None:
        if self._generation != self._store.generation:  # a reseed: those records are gone
            self._to.clear()
            self._generation = self._store.generation

    def point(self, obj: str, old_ids: list[str], new_id: str) -> None:
        with self._lock:
            self._fresh()
            for old in old_ids:
                self._to[(obj, old)] = new_id

    def resolve(self, obj: str, object_id: str) -> str | None:
        """The id of the record `object_id` was merged into (following later merges), or
        None when it was never merged away."""
        with self._lock:
            self._fresh()
            found = self._to.get((obj, object_id))
            for _ in range(_MAX_HOPS):
                later = self._to.get((obj, found)) if found is not None else None
                if later is None:
                    return found
                found = later
            return found
