"""Late visibility of writes to search, as HubSpot's eventually consistent index shows them.

A record written less than `search_lag_seconds` ago (store clock) is seen by search as it was
before: a new record not at all, an updated one with its earlier values and stamp, an
archived one still live. The history keeps the last versions each API write replaced (the
store's field dicts are copy-on-write, so a version costs a reference)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mocks.store import RecordStore, StoredRecord

KEEP = 8  # versions kept per record; older ones are past any realistic lag


@dataclass(frozen=True)
class Version:
    """A record as search sees it: its fields and stamps at one point in time."""

    id: str
    fields: dict[str, Any]
    created_at: datetime
    modified_at: datetime
    deleted: bool = False

    @classmethod
    def of(cls, rec: StoredRecord) -> Version:
        return cls(rec.id, rec.fields, rec.created_at, rec.modified_at, rec.deleted)


class SearchHistory:
    """Versions replaced by writes, per (object, id)."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._past: dict[tuple[str, str], list[Version]] = {}
        self._generation = store.generation

    def remember(self, rec: StoredRecord) -> None:
        """Call before a write changes `rec`: its current version becomes history."""
        with self._lock:
            if self._generation != self._store.generation:
                self._past.clear()
                self._generation = self._store.generation
            versions = self._past.setdefault((rec.obj, rec.id), [])
            versions.append(Version.of(rec))
            del versions[:-KEEP]

    def view(self, rec: StoredRecord, cutoff: datetime | None) -> Version | None:
        """What search sees of `rec` when writes after `cutoff` are not indexed yet (None:
        the record is not in the index)."""
        if cutoff is None or rec.modified_at <= cutoff:
            return None if rec.deleted else Version.of(rec)
        with self._lock:
            past = (
                list(self._past.get((rec.obj, rec.id), ()))
                if (self._generation == self._store.generation)
                else []
            )
        for version in reversed(past):
            if version.modified_at <= cutoff:
                return None if version.deleted else version
        if rec.created_at > cutoff or rec.deleted:
            return None
        # Written behind the API (admin edits) with no history: the best knowledge is now.
        return Version.of(rec)


__all__ = ["KEEP", "SearchHistory", "Version"]
