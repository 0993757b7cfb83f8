"""An undo log over the shared store, so a `$batch` change set succeeds or fails whole: every
write records how to take it back, and `rollback` runs those in reverse.

Rolling back leaves the records as they were; the change feed keeps the entries of the
writes and of their undoing, as a database's log would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mocks.store import RecordStore, StoredRecord


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
        before = dict(old.fields) if old is not None else None
        rec = self.store.update(obj, record_id, changes, touch=touch)
        if before is not None:
            self.undo.append(lambda: self._put_back(obj, record_id, before))
        return rec

    def _put_back(self, obj: str, record_id: str, fields: dict[str, Any]) -> None:
        self.store.replace(obj, record_id, fields)

    def delete(self, obj: str, record_id: str) -> None:
        """SAP deletes physically: the record is purged (the feed logs the purge)."""
        old = self.store.get(obj, record_id)
        self.store.purge(obj, record_id)
        if old is not None:
            fields, created = dict(old.fields), old.created_at
            self.undo.append(lambda: self._restore(obj, record_id, fields, created))

    def _restore(self, obj: str, record_id: str, fields: dict[str, Any], at: datetime) -> None:
        self.store.insert(obj, record_id, fields, at=at)

    def rollback(self) -> None:
        for step in reversed(self.undo):
            step()
        self.undo.clear()


__all__ = ["Tx"]
