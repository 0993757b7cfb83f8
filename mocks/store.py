"""A versioned record store shared by every vendor mock.

Every write bumps the record's version and last-modified time and appends to a change feed,
so a mock can answer incremental queries and the admin API can show what happened. The store
lives in memory; `save` / `load` persist it to a SQLite file.
"""

from __future__ import annotations

import copy
import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import orjson

ChangeKind = Literal["create", "update", "delete", "undelete", "purge"]
Clock = Callable[[], datetime]


def utc_now_ms() -> datetime:
    """The current UTC time cut to milliseconds, the finest grain any vendor exposes."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class StoreError(Exception):
    """Base class for store errors; vendor mocks translate these into their own error bodies."""


class RecordNotFound(StoreError):
    def __init__(self, obj: str, record_id: str) -> None:
        super().__init__(f"{obj} {record_id!r} does not exist")
        self.obj = obj
        self.record_id = record_id


class DuplicateId(StoreError):
    def __init__(self, obj: str, record_id: str) -> None:
        super().__init__(f"{obj} {record_id!r} already exists")
        self.obj = obj
        self.record_id = record_id


@dataclass
class StoredRecord:
    """One record: vendor field names in `fields`, bookkeeping beside them.

    The store never changes a `fields` dict in place: a write to the fields gives the record
    a new dict, so the identity of `fields` moves with every change of its content (silent
    ones too)."""

    obj: str
    id: str
    fields: dict[str, Any]
    version: int
    created_at: datetime
    modified_at: datetime
    deleted: bool = False
    deleted_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "object": self.obj,
            "id": self.id,
            "version": self.version,
            "created_at": self.created_at.isoformat(),
            "modified_at": self.modified_at.isoformat(),
            "deleted": self.deleted,
            "deleted_at": self.deleted_at.isoformat() if self.deleted_at else None,
            "fields": self.fields,
        }


@dataclass(frozen=True)
class Change:
    seq: int
    obj: str
    id: str
    kind: ChangeKind
    version: int
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "object": self.obj,
            "id": self.id,
            "kind": self.kind,
            "version": self.version,
            "at": self.at.isoformat(),
        }


# Called with each change and the field names it wrote, while set: the request journal
# (`mocks.journal`) sets it around one request so the writes are told to that request.
# A context variable, not a store attribute: concurrent requests each see their own.
WRITE_OBSERVER: ContextVar[Callable[[Change, tuple[str, ...]], None] | None] = ContextVar(
    "store_write_observer", default=None
)


@dataclass
class _Table:
    rows: dict[str, StoredRecord] = field(default_factory=dict)
    # field name -> value -> ids holding that value (live records only)
    indexes: dict[str, dict[Any, set[str]]] = field(default_factory=dict)


class RecordStore:
    """Thread-safe, versioned, in-memory records grouped by object name."""

    def __init__(self, clock: Clock = utc_now_ms) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._tables: dict[str, _Table] = {}
        self._changes: list[Change] = []
        self._writes = 0  # every write, silent ones and resets included: `state_token`
        self._generation = 0  # every reset (and load): `generation`

    # -- bookkeeping -------------------------------------------------------------------------

    def now(self) -> datetime:
        return self._clock()

    def use_clock(self, clock: Clock) -> None:
        """Stamp every later write with `clock` (a soak's simulated time, a test's settable
        clock): a mock app builds its store itself, so whoever runs it swaps the clock in."""
        with self._lock:
            self._clock = clock

    def _table(self, obj: str) -> _Table:
        return self._tables.setdefault(obj, _Table())

    def _log(
        self, rec: StoredRecord, kind: ChangeKind, at: datetime, fields: Iterable[str] = ()
    ) -> None:
        self._writes += 1
        change = Change(len(self._changes) + 1, rec.obj, rec.id, kind, rec.version, at)
        self._changes.append(change)
        observer = WRITE_OBSERVER.get()
        if observer is not None:
            observer(change, tuple(fields))

    def _index_add(self, table: _Table, rec: StoredRecord) -> None:
        for name, index in table.indexes.items():
            value = rec.fields.get(name)
            if value is not None and not rec.deleted:
                index.setdefault(_hashable(value), set()).add(rec.id)

    def _index_remove(self, table: _Table, rec: StoredRecord) -> None:
        for name, index in table.indexes.items():
            value = rec.fields.get(name)
            if value is not None:
                ids = index.get(_hashable(value))
                if ids:
                    ids.discard(rec.id)

    def ensure_index(self, obj: str, field_name: str) -> None:
        """Index a field so `find` on it is O(1); used for external-id upserts."""
        with self._lock:
            table = self._table(obj)
            if field_name in table.indexes:
                return
            index: dict[Any, set[str]] = {}
            for rec in table.rows.values():
                value = rec.fields.get(field_name)
                if value is not None and not rec.deleted:
                    index.setdefault(_hashable(value), set()).add(rec.id)
            table.indexes[field_name] = index

    # -- writes ------------------------------------------------------------------------------

    def insert(
        self, obj: str, record_id: str, fields: dict[str, Any], *, at: datetime | None = None
    ) -> StoredRecord:
        with self._lock:
            table = self._table(obj)
            if record_id in table.rows:
                raise DuplicateId(obj, record_id)
            when = at or self._clock()
            rec = StoredRecord(obj, record_id, copy.deepcopy(fields), 1, when, when)
            table.rows[record_id] = rec
            self._index_add(table, rec)
            self._log(rec, "create", when, rec.fields)
            return rec

    def update(
        self,
        obj: str,
        record_id: str,
        changes: dict[str, Any],
        *,
        at: datetime | None = None,
        touch: bool = True,
    ) -> StoredRecord:
        """Merge `changes` into a live record. `touch=False` changes data without bumping the
        version or modified time (a formula or roll-up field recalculating, say).

        Copy-on-write: the record gets a new `fields` dict and the old one is never changed,
        so a reader holding it (a query snapshot, a render cache) sees the data as it was."""
        with self._lock:
            rec = self._live(obj, record_id)
            table = self._table(obj)
            self._index_remove(table, rec)
            merged = dict(rec.fields)
            merged.update(copy.deepcopy(changes))
            rec.fields = merged
            self._index_add(table, rec)
            self._writes += not touch  # a touched write counts in `_log`
            if touch:
                when = at or self._clock()
                rec.version += 1
                rec.modified_at = max(when, rec.modified_at)
                self._log(rec, "update", rec.modified_at, changes)
            return rec

    def replace(
        self, obj: str, record_id: str, fields: dict[str, Any], *, at: datetime | None = None
    ) -> StoredRecord:
        """Swap a live record's fields wholesale (PUT semantics)."""
        with self._lock:
            rec = self._live(obj, record_id)
            table = self._table(obj)
            self._index_remove(table, rec)
            rec.fields = copy.deepcopy(fields)
            self._index_add(table, rec)
            when = at or self._clock()
            rec.version += 1
            rec.modified_at = max(when, rec.modified_at)
            self._log(rec, "update", rec.modified_at, fields)
            return rec

    def delete(self, obj: str, record_id: str, *, at: datetime | None = None) -> StoredRecord:
        """Soft delete: still readable with `include_deleted` (like Salesforce's recycle bin)."""
        with self._lock:
            rec = self._live(obj, record_id)
            table = self._table(obj)
            self._index_remove(table, rec)
            when = at or self._clock()
            rec.deleted = True
            rec.deleted_at = when
            rec.version += 1
            rec.modified_at = max(when, rec.modified_at)
            self._log(rec, "delete", rec.modified_at)
            return rec

    def purge(self, obj: str, record_id: str) -> None:
        """Hard delete: gone without a trace except the change feed."""
        with self._lock:
            table = self._table(obj)
            rec = table.rows.pop(record_id, None)
            if rec is None:
                raise RecordNotFound(obj, record_id)
            self._index_remove(table, rec)
            self._log(rec, "purge", self._clock())

    def reset(self) -> None:
        """Drop every record and change; indexes stay declared (and empty)."""
        with self._lock:
            for table in self._tables.values():
                table.rows.clear()
                for index in table.indexes.values():
                    index.clear()
            self._changes.clear()
            self._writes += 1
            self._generation += 1

    # -- reads -------------------------------------------------------------------------------

    def _live(self, obj: str, record_id: str) -> StoredRecord:
        rec = self._table(obj).rows.get(record_id)
        if rec is None or rec.deleted:
            raise RecordNotFound(obj, record_id)
        return rec

    def get(
        self, obj: str, record_id: str, *, include_deleted: bool = False
    ) -> StoredRecord | None:
        with self._lock:
            rec = self._table(obj).rows.get(record_id)
            if rec is None or (rec.deleted and not include_deleted):
                return None
            return rec

    def records(self, obj: str, *, include_deleted: bool = False) -> list[StoredRecord]:
        """Records in insertion order (a snapshot list; the records themselves are live)."""
        with self._lock:
            rows = self._table(obj).rows.values()
            return [r for r in rows if include_deleted or not r.deleted]

    def find(self, obj: str, field_name: str, value: Any) -> list[StoredRecord]:
        """Live records whose field equals `value` (indexed when `ensure_index` was called)."""
        with self._lock:
            table = self._table(obj)
            index = table.indexes.get(field_name)
            if index is not None:
                ids = index.get(_hashable(value), set())
                return [table.rows[i] for i in sorted(ids)]
            return [
                r
                for r in table.rows.values()
                if not r.deleted and r.fields.get(field_name) == value
            ]

    def count(self, obj: str) -> int:
        with self._lock:
            return sum(1 for r in self._table(obj).rows.values() if not r.deleted)

    def objects(self) -> list[str]:
        with self._lock:
            return sorted(self._tables)

    def changes(self, since: int = 0, obj: str | None = None) -> list[Change]:
        with self._lock:
            return [c for c in self._changes[since:] if obj is None or c.obj == obj]

    @property
    def last_seq(self) -> int:
        return len(self._changes)

    @property
    def state_token(self) -> int:
        """Moves on every write and reset (unlike `last_seq`, which a reset sets back to 0):
        a cache of query results is valid while it stays the same."""
        return self._writes

    @property
    def generation(self) -> int:
        """Moves on every reset (a reseed, a `load`): the records of an earlier generation
        are gone, so caches derived from them can be dropped whole."""
        return self._generation

    def snapshot(self, objects: Iterable[str] | None = None) -> dict[str, Any]:
        with self._lock:
            names = list(objects) if objects is not None else self.objects()
            return {
                "last_seq": self.last_seq,
                "objects": {
                    name: [r.to_json() for r in self._table(name).rows.values()] for name in names
                },
            }

    # -- persistence -------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write every record (deleted ones included) to a SQLite file, replacing its content."""
        with self._lock, sqlite3.connect(path) as db:
            db.execute("DROP TABLE IF EXISTS records")
            db.execute(
                "CREATE TABLE records (obj TEXT, id TEXT, version INTEGER, created_at TEXT,"
                " modified_at TEXT, deleted INTEGER, deleted_at TEXT, fields BLOB,"
                " PRIMARY KEY (obj, id))"
            )
            db.executemany(
                "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.obj,
                        r.id,
                        r.version,
                        r.created_at.isoformat(),
                        r.modified_at.isoformat(),
                        int(r.deleted),
                        r.deleted_at.isoformat() if r.deleted_at else None,
                        orjson.dumps(r.fields),
                    )
                    for t in self._tables.values()
                    for r in t.rows.values()
                ],
            )

    def load(self, path: Path) -> None:
        """Replace the store's content with a file written by `save`."""
        with self._lock, sqlite3.connect(path) as db:
            rows = db.execute("SELECT * FROM records ORDER BY rowid").fetchall()
            self.reset()
            for obj, rid, version, created, modified, deleted, deleted_at, blob in rows:
                table = self._table(obj)
                table.rows[rid] = StoredRecord(
                    obj,
                    rid,
                    orjson.loads(blob),
                    version,
                    datetime.fromisoformat(created),
                    datetime.fromisoformat(modified),
                    bool(deleted),
                    datetime.fromisoformat(deleted_at) if deleted_at else None,
                )
            for table in self._tables.values():
                for rec in table.rows.values():
                    self._index_add(table, rec)


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) else orjson.dumps(value)
