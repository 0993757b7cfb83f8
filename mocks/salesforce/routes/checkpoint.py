"""Undo for an all-or-none composite request whose subrequests were already applied.

Each subrequest runs as the same call made alone would (and later ones read what earlier
ones wrote), so an all-or-none request that fails part way must put the records back.
Before the first subrequest, the state of every record of the objects the request may write
is noted (the `fields` dicts are never changed in place, so noting is cheap); on rollback,
every record the change feed names since then is put back as noted, and records created
since are purged. The record's version and modified time go back too, so replication feeds
(`updated/`, `deleted/`) and ETag-style checks see nothing happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from mocks.store import RecordStore

# Objects whose writes also change another object (roll-ups, cascades, the price book).
_COMPANIONS = {
    "Order": ("OrderItem",),
    "OrderItem": ("Order",),
    "PricebookEntry": ("Pricebook2",),
}
_Noted = tuple[dict[str, Any], int, datetime, bool, datetime | None]


class Checkpoint:
    def __init__(self, store: RecordStore, objects: Iterable[str]) -> None:
        self.store = store
        self.seq = store.last_seq
        names = set(objects)
        names |= {c for name in list(names) for c in _COMPANIONS.get(name, ())}
        self.noted: dict[tuple[str, str], _Noted] = {
            (name, rec.id): (
                rec.fields,
                rec.version,
                rec.modified_at,
                rec.deleted,
                rec.deleted_at,
            )
            for name in names
            for rec in store.records(name, include_deleted=True)
        }

    def rollback(self) -> None:
        """Put back every record changed since the checkpoint (newest change first)."""
        store = self.store
        first: dict[tuple[str, str], str] = {}
        for change in store.changes(self.seq):
            first.setdefault((change.obj, change.id), change.kind)
        for (obj, record_id), kind in reversed(first.items()):
            live = store.get(obj, record_id, include_deleted=True)
            if live is None:
                continue
            noted = self.noted.get((obj, record_id))
            if noted is None:
                if kind == "create":  # made by the request: gone again
                    store.purge(obj, record_id)
                continue  # never seen before: an object no subrequest named, left alone
            fields, version, modified_at, deleted, deleted_at = noted
            if not deleted:
                live.deleted, live.deleted_at = False, None  # live again, so it can be re-indexed
                store.replace(obj, record_id, fields)
            live.version, live.modified_at, live.deleted_at = version, modified_at, deleted_at


__all__ = ["Checkpoint"]
