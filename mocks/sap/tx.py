"""An undo log over the shared store, so a `$batch` change set succeeds or fails whole: every
write records how to take it back, and `rollback` runs those in reverse.

Rolling back leaves the records as they were, bookkeeping included: a record's version and
modified time (from which its ETag is made) come back with its fields, since SAP's rollback
never committed the writes and a client holding the ETag read before may still update with
it. The change feed keeps the entries of the writes and of their undoing, as a database's
log would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mocks.store import RecordStore, StoredRecord


@dataclass(frozen=True)
class _Before:
    """What a record was before a write of the change set: its fields and bookkeeping."""

    fields: dict[str, Any]
    version: int
    created_at: datetime
    modified_at: datetime

    @classmethod
    def of(cls, rec: StoredRecord) -> _Before:
        return cls(dict(rec.fields), rec.version, rec.created_at, rec.modified_at)

    def stamp(self, rec: StoredRecord) -> None:
        """Give `rec` back the version and times it had (the store's writes moved them)."""
        rec.version, rec.created_at, rec.modified_at = (
            self.version,
            self.created_at,
            self.modified_at,
        )


@dataclass
class Tx:
    store: RecordStore
    undo: list[Callable[[], None]] = field(default_factory=list)

    def now(self) -> datetime:
        return self.store.now()

    def insert(self, obj: str, record_id: str, fields: dict[str, Any]) -> StoredRecord:
        rec = self.store.insert(obj, record_id, fields)
        self.undo.append(lambda: self.store.purge(obj, record_id))
        return rec

    def update(
        self, obj: str, record_id: str, changes: dict[str, Any], *, touch: bool = True
    ) -> StoredRecord:
        old = self.store.get(obj, record_id)
        before = _Before.of(old) if old is not None else None
        rec = self.store.update(obj, record_id, changes, touch=touch)
        if before is not None:
            self.undo.append(lambda: self._put_back(obj, record_id, before))
        return rec

    def _put_back(self, obj: str, record_id: str, before: _Before) -> None:
        before.stamp(self.store.replace(obj, record_id, before.fields))

    def delete(self, obj: str, record_id: str) -> None:
        """SAP deletes physically: the record is purged (the feed logs the purge)."""
        old = self.store.get(obj, record_id)
        self.store.purge(obj, record_id)
        if old is not None:
            before = _Before.of(old)
            self.undo.append(lambda: self._restore(obj, record_id, before))

    def _restore(self, obj: str, record_id: str, before: _Before) -> None:
        before.stamp(self.store.insert(obj, record_id, before.fields, at=before.created_at))

    def rollback(self) -> None:
        for step in reversed(self.undo):
            step()
        self.undo.clear()


__all__ = ["Tx"]
