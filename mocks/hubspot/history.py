"""Property history, as reads asked for `propertiesWithHistory` answer it: for each named
property a list of versions `{value, timestamp, sourceType, sourceId?, updatedByUserId?}`,
newest first (the shape of the SDK's `ValueWithTimestamp`).

Every API write records one version per property it set, stamped with the write's time and
its source: `INTEGRATION` with the app's id for the API (as HubSpot's recorded answers show:
ballerina-platform/module-ballerinax-hubspot.crm.object.products,
ballerina/tests/mock_service.bal), `CRM_UI` with `userId:<n>` for a user's edit
(HubSpot/hubspot-api-nodejs#154). Records written behind the API (the seed, admin edits)
have no recorded versions: their current value is shown as one `IMPORT` version, a mock
choice. A write of the value already held adds no version (a mock choice)."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mocks.hubspot.schema.spec import ObjectSpec
from mocks.hubspot.schema.values import iso
from mocks.store import RecordStore, StoredRecord

KEEP = 50  # versions shown per property (HubSpot publishes no bound)
KEEP_WRITES = 500  # API writes kept per record, for those versions (memory stays bounded)
HISTORY_PAGE_MAX = 50  # list pages with propertiesWithHistory (hubspot.utils.objects)


@dataclass(frozen=True)
class Source:
    """Who wrote a version: `sourceType`, `sourceId` and, for a user, `updatedByUserId`."""

    kind: str
    source_id: str | None = None
    user_id: int | None = None


IMPORTED = Source("IMPORT")


@dataclass(frozen=True)
class Version:
    value: str
    timestamp: datetime
    source: Source

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "timestamp": iso(self.timestamp),
            "sourceType": self.source.kind,
        }
        if self.source.source_id is not None:
            out["sourceId"] = self.source.source_id
        if self.source.user_id is not None:
            out["updatedByUserId"] = self.source.user_id
        return out


@dataclass(frozen=True)
class _Write:
    """One API write as it was made: what it set and what it replaced (both dicts the store
    no longer changes: it copies a record's fields on every write), kept as they are, so a
    write costs one append; its versions are worked out when a read asks."""

    values: Mapping[str, str | None]
    before: Mapping[str, Any] | None  # None: a create
    at: datetime
    created_at: datetime
    record_id: str
    modified: str  # the object's modified-stamp property
    source: Source

    def versions(self) -> dict[str, Version]:
        """The version this write made of each property it changed."""
        written: dict[str, str | None] = dict(self.values)
        if self.before is None:
            written.setdefault("createdate", iso(self.created_at))
            written["hs_object_id"] = self.record_id
        written[self.modified] = iso(self.at)
        before = self.before
        return {
            name: Version("" if value is None else str(value), self.at, self.source)
            for name, value in written.items()
            if before is None or name == self.modified or before.get(name) != value
        }


class PropertyHistory:
    """The API writes of each record, oldest first (the last `KEEP_WRITES`), read back as
    versions of each property, newest first (at most `KEEP` a property)."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._writes: dict[tuple[str, str], deque[_Write]] = {}
        self._generation = store.generation

    def _fresh(self) -> None:
        if self._generation != self._store.generation:  # a reseed: older records are gone
            self._writes.clear()
            self._generation = self._store.generation

    def record(
        self,
        spec: ObjectSpec,
        rec: StoredRecord,
        values: Mapping[str, str | None],
        source: Source,
        before: Mapping[str, Any] | None = None,
    ) -> None:
        """Keep one write (`values`, not changed by the caller after; `before`: the fields it
        replaced, None on a create, which also versions the id and create date)."""
        write = _Write(values, before, rec.modified_at, rec.created_at, rec.id,
                       spec.modified, source)  # fmt: skip
        with self._lock:
            self._fresh()
            log = self._writes.get((rec.obj, rec.id))
            if log is None:
                log = self._writes[(rec.obj, rec.id)] = deque(maxlen=KEEP_WRITES)
            log.append(write)

    def _book(self, rec: StoredRecord, names: set[str]) -> dict[str, list[Version]]:
        """The versions of `names` the record's API writes made, newest first."""
        with self._lock:
            self._fresh()
            writes = list(self._writes.get((rec.obj, rec.id), ()))
        book: dict[str, list[Version]] = {}
        for write in reversed(writes):
            for name, version in write.versions().items():
                if name in names and len(kept := book.setdefault(name, [])) < KEEP:
                    kept.append(version)
        return book

    def of(
        self, rec: StoredRecord, current: Mapping[str, str | None]
    ) -> dict[str, list[dict[str, Any]]]:
        """`propertiesWithHistory` for the properties in `current` (their values as the read
        renders them); one never set is left out."""
        book = self._book(rec, set(current))
        out: dict[str, list[dict[str, Any]]] = {}
        for name, value in current.items():
            versions = book.get(name, [])
            now = "" if value is None else value
            if (versions[0].value if versions else None) != now and (versions or value):
                # Written behind the API since (or never through it): the value as it is now.
                at = rec.modified_at if versions else rec.created_at
                versions = [Version(now, at, IMPORTED), *versions][:KEEP]
            if versions:
                out[name] = [v.to_json() for v in versions]
        return out


__all__ = [
    "HISTORY_PAGE_MAX",
    "IMPORTED",
    "KEEP",
    "KEEP_WRITES",
    "PropertyHistory",
    "Source",
    "Version",
]
