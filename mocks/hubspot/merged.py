"""Ids merged away. HubSpot's merge of two contacts or companies makes a new record with a
new id; both old ids keep working, a read by either returning the merged record under its
new id (developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-
companies). A merged record merged again points on: its old ids follow it."""

from __future__ import annotations

import threading

from mocks.store import RecordStore

__all__ = ["MergedIds"]


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
        """`old_ids` now lead to `new_id`, and so does every id that led to one of them."""
        with self._lock:
            self._fresh()
            gone = set(old_ids)
            for key, to in self._to.items():
                if key[0] == obj and to in gone:
                    self._to[key] = new_id
            for old in old_ids:
                self._to[(obj, old)] = new_id

    def resolve(self, obj: str, object_id: str) -> str | None:
        """The id of the record `object_id` was merged into (at the end of any later
        merges), or None when it was never merged away."""
        with self._lock:
            self._fresh()
            return self._to.get((obj, object_id))
