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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mocks.hubspot.schema.spec import ObjectSpec
from mocks.hubspot.schema.values import iso
from mocks.store import RecordStore, StoredRecord

KEEP = 50  # versions kept per property (HubSpot publishes no bound; memory stays bounded)
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


class PropertyHistory:
    """Versions of each property of each record, newest first, written through the API."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._versions: dict[tuple[str, str], dict[str, list[Version]]] = {}
        self._generation = store.generation

    def _fresh(self) -> None:
        if self._generation != self._store.generation:  # a reseed: older records are gone
            self._versions.clear()
            self._generation = self._store.generation

    def record(
        self,
        spec: ObjectSpec,
        rec: StoredRecord,
        values: Mapping[str, str | None],
        source: Source,
        before: Mapping[str, Any] | None = None,
    ) -> None:
        """Versions for what one write set (`before`: the fields it replaced, None on a
        create, which also versions the id and create date)."""
        at = rec.modified_at
        written = dict(values)
        if before is None:
            written.setdefault("createdate", iso(rec.created_at))
            written["hs_object_id"] = rec.id
        written[spec.modified] = iso(at)
        with self._lock:
            self._fresh()
            book = self._versions.setdefault((rec.obj, rec.id), {})
            for name, value in written.items():
                if before is not None and name != spec.modified and before.get(name) == value:
                    continue
                versions = book.setdefault(name, [])
                versions.insert(0, Version("" if value is None else str(value), at, source))
                del versions[KEEP:]

    def of(
        self, rec: StoredRecord, current: Mapping[str, str | None]
    ) -> dict[str, list[dict[str, Any]]]:
        """`propertiesWithHistory` for the properties in `current` (their values as the read
        renders them); one never set is left out."""
        with self._lock:
            self._fresh()
            book = {k: list(v) for k, v in self._versions.get((rec.obj, rec.id), {}).items()}
        out: dict[str, list[dict[str, Any]]] = {}
        for name, value in current.items():
            versions = book.get(name, [])
            now = "" if value is None else value
            if (versions[0].value if versions else None) != now and (versions or value):
                # Written behind the API since (or never through it): the value as it is now.
                at = rec.modified_at if versions else rec.created_at
                versions = [Version(now, at, IMPORTED), *versions]
            if versions:
                out[name] = [v.to_json() for v in versions]
        return out


__all__ = ["HISTORY_PAGE_MAX", "IMPORTED", "KEEP", "PropertyHistory", "Source", "Version"]
