"""Equality lookups on an object's fields from an index kept in step with the store.

SOQL lookups by external id (`NetSuite_Id__c IN (...)`, `Id IN (...)`) tested every row of
the object per call, so loading an org of N records by batches cost N * N / batch tests: an
ERP -> CRM flow of 200,000 items did not finish in twelve minutes. So did, per record, the
upsert match on a case-insensitive unique field, the duplicate rule, a price book entry's
siblings and an order's items. Salesforce answers those from indexes; so does the mock now.

Per store and object, the index holds each row's rank in the store's order (insertion
order, deleted rows included, as `RecordStore.records` lists them) and, per field asked
about, the rows under their folded value: `query.sort.fold`, the very function the row-by-row
comparison applies (text case-folded, anything else as it is). A value that cannot be folded
or hashed is kept aside and offered with every answer. An answer is therefore a *superset*
of the rows the scan would match, in the scan's order: callers still test each candidate
with the full predicate, so the rows and their order are the scan's, and so is any error
of the candidates (a row left out is never evaluated, as a database's index seek skips it).

The index follows the store's change feed: every logged write (insert, update, replace,
delete, purge) re-reads its record. A write the feed does not show (a silent
`touch=False` update, a reset, a `load`) moves `state_token` without moving `last_seq`, or
moves `generation`: the index is then rebuilt from the rows. When writes race the index's
own reading of the store's marks, it answers None and the caller scans.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from mocks.salesforce.query.sort import fold
from mocks.salesforce.schema import FieldDef
from mocks.store import Change, RecordStore, StoredRecord

Mark = tuple[int, int, int]  # (generation, state_token, last_seq) of a quiet store
Folder = Callable[[Any], Any]
_LOOSE = object()  # the key of a value that cannot be folded or hashed
_TRIES = 3  # attempts at reading the store's marks while writes race
_INDEXES: weakref.WeakKeyDictionary[RecordStore, dict[str, _ObjectIndex]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def indexable(fd: FieldDef) -> bool:
    """Whether equality on `fd` can be served: `Id`, or a field read straight from the
    record's stored values whose native value is the stored one (not dates, which the scan
    parses; not the user fields, which read the session's user)."""
    if fd.system == "id":
        return True
    return fd.system is None and fd.type not in ("date", "datetime")


class _FieldMap:
    """One field's rows by folded value (live and deleted rows alike)."""

    def __init__(self, name: str, folder: Callable[[Any], Any]) -> None:
        self.name = name
        self.fold = folder
        self.key_of: dict[str, Any] = {}  # record id -> its key (or _LOOSE)
        self.ids: dict[Any, set[str]] = {}
        self.loose: set[str] = set()

    def put(self, rec: StoredRecord) -> None:
        self.drop(rec.id)
        value = rec.fields.get(self.name)
        if value is None:  # null never equals a non-null operand; null operands scan
            return
        try:
            key = self.fold(value)
            self.ids.setdefault(key, set()).add(rec.id)
        except TypeError:  # unfoldable (a number in a text field) or unhashable
            self.loose.add(rec.id)
            key = _LOOSE
        self.key_of[rec.id] = key

    def drop(self, record_id: str) -> None:
        key = self.key_of.pop(record_id, None)
        if key is None:
            return
        if key is _LOOSE:
            self.loose.discard(record_id)
            return
        bucket = self.ids.get(key)
        if bucket is not None:
            bucket.discard(record_id)
            if not bucket:
                del self.ids[key]

    def find(self, keys: Iterable[Any]) -> set[str]:
        found = set(self.loose)
        for key in keys:
            try:
                found.update(self.ids.get(key, ()))
            except TypeError:  # an unhashable operand: the caller scans nothing less
                return set(self.key_of)
        return found


class _ObjectIndex:
    """One object's rows in store order, and the field maps asked for so far."""

    def __init__(self, obj: str) -> None:
        self.obj = obj
        self.lock = threading.Lock()
        self.synced: Mark | None = None
        self.rank: dict[str, int] = {}
        self.next_rank = 0
        self.deleted: set[str] = set()
        # (field name, how it folds: "soql" or "trimmed") -> its map
        self.fields: dict[tuple[str, str], _FieldMap] = {}

    def sync(self, store: RecordStore) -> bool:
        """Bring the index up to the store; False when racing writes prevent it."""
        mark = _mark(store)
        if mark is None:
            return False
        if mark == self.synced:
            return True
        if self.synced is not None:
            generation, token, seq = self.synced
            logged = mark[2] - seq
            if mark[0] == generation and logged >= 0 and mark[1] - token == logged:
                self._apply(store, store.changes(seq)[:logged])
                self.synced = mark
                return True
        return self._rebuild(store, mark)

    def _rebuild(self, store: RecordStore, mark: Mark) -> bool:
        """Every row afresh. Writes landing after `mark` may already show in the rows: the
        next sync re-reads their records from the feed (or rebuilds again after a silent
        one), so the index never keeps a state the store has left."""
        rows = store.records(self.obj, include_deleted=True)
        self.rank = {rec.id: n for n, rec in enumerate(rows)}
        self.next_rank = len(rows)
        self.deleted = {rec.id for rec in rows if rec.deleted}
        for key, old in list(self.fields.items()):
            fresh = self.fields[key] = _FieldMap(old.name, old.fold)
            for rec in rows:
                fresh.put(rec)
        self.synced = mark
        return True

    def _apply(self, store: RecordStore, changes: list[Change]) -> None:
        """Re-read each changed record (its state now: a later change re-reads it again)."""
        for change in changes:
            if change.obj != self.obj:
                continue
            rec = None if change.kind == "purge" else store.get(self.obj, change.id,
                                                                  include_deleted=True)  # fmt: skip
            if rec is None:  # purged: a record made again with its id comes last
                self.rank.pop(change.id, None)
                self.deleted.discard(change.id)
                for fmap in self.fields.values():
                    fmap.drop(change.id)
                continue
            if rec.id not in self.rank:
                self.rank[rec.id] = self.next_rank
                self.next_rank += 1
            if rec.deleted:
                self.deleted.add(rec.id)
            else:
                self.deleted.discard(rec.id)
            for fmap in self.fields.values():
                fmap.put(rec)

    def field(self, store: RecordStore, name: str, how: str, folder: Folder) -> _FieldMap:
        """The map of `name` folded by `folder` (one folder per `how` and field: a field of
        an object has one type)."""
        fmap = self.fields.get((name, how))
        if fmap is None:
            fmap = self.fields[(name, how)] = _FieldMap(name, folder)
            for record_id in self.rank:
                rec = store.get(self.obj, record_id, include_deleted=True)
                if rec is not None:
                    fmap.put(rec)
        return fmap


def _mark(store: RecordStore) -> Mark | None:
    """The store's (generation, token, seq) read while no write lands, else None."""
    for _ in range(_TRIES):
        token = store.state_token
        mark = (store.generation, token, store.last_seq)
        if store.state_token == token:
            return mark
    return None


def _index(store: RecordStore, obj: str) -> _ObjectIndex:
    with _LOCK:
        per_store = _INDEXES.setdefault(store, {})
        index = per_store.get(obj)
        if index is None:
            index = per_store[obj] = _ObjectIndex(obj)
        return index


def candidates(
    store: RecordStore, obj: str, fd: FieldDef, keys: Iterable[Any], *, include_deleted: bool
) -> list[StoredRecord] | None:
    """Rows of `obj` that may hold `fd` equal to one of `keys` (folded as `query.sort.fold`
    folds `fd`), in store order: every row whose folded value is a key, and any whose value
    cannot be folded. None when the index cannot answer now (the caller scans)."""
    if not indexable(fd):
        return None
    field = None if fd.system == "id" else (fd.name, "soql", fold(fd))
    return _lookup(store, obj, field, keys, include_deleted)


def trim_fold(value: Any) -> str:
    """Text trimmed and case-folded (how a duplicate rule matches names); TypeError for
    anything else, which the index keeps aside."""
    if not isinstance(value, str):
        raise TypeError("not text")
    return value.strip().casefold()


def trimmed_candidates(
    store: RecordStore, obj: str, name: str, key: str
) -> list[StoredRecord] | None:
    """Live rows of `obj` whose field `name` may trim and fold (`trim_fold`) to `key`, in
    store order, or None when the index cannot answer now."""
    return _lookup(store, obj, (name, "trimmed", trim_fold), (key,), False)


def _lookup(
    store: RecordStore,
    obj: str,
    field: tuple[str, str, Folder] | None,
    keys: Iterable[Any],
    include_deleted: bool,
) -> list[StoredRecord] | None:
    """Candidates by `field` (name, how, folder), or by Id when None."""
    index = _index(store, obj)
    with index.lock:
        if not index.sync(store):
            return None
        if field is None:
            ids = {k for k in keys if isinstance(k, str) and k in index.rank}
        else:
            ids = index.field(store, *field).find(keys)
        ordered = sorted(ids, key=index.rank.__getitem__)
    rows = []
    for record_id in ordered:
        rec = store.get(obj, record_id, include_deleted=True)
        if rec is not None and (include_deleted or not rec.deleted):
            rows.append(rec)
    return rows


def size(store: RecordStore, obj: str, *, include_deleted: bool) -> int | None:
    """How many rows `store.records(obj, include_deleted=...)` would list, or None."""
    index = _index(store, obj)
    with index.lock:
        if not index.sync(store):
            return None
        return len(index.rank) - (0 if include_deleted else len(index.deleted))


def forget(store: RecordStore) -> None:
    """Drop the store's indexes (tests; memory)."""
    with _LOCK:
        _INDEXES.pop(store, None)


__all__ = ["candidates", "forget", "indexable", "size", "trim_fold", "trimmed_candidates"]
