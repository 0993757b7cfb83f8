"""Record writes and look-ups on the store, with NetSuite's business rules.

Routes stay thin: they parse HTTP, call `RecordService` and shape the response.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from mocks.context import MockContext
from mocks.netsuite import rules
from mocks.netsuite.config import NetSuiteMockConfig
from mocks.netsuite.errors import NetSuiteError, invalid_content, nonexistent_id
from mocks.netsuite.schema import RECORD_TYPES, RecordSpec
from mocks.netsuite.writes import BodyReader
from mocks.store import RecordStore, StoredRecord

EXTERNAL_ID = "externalId"
EID_PREFIX = "eid:"


@dataclass
class NetSuiteState:
    """Per-app state, reachable as `app.state.netsuite`."""

    config: NetSuiteMockConfig
    ctx: MockContext
    # Serialises id allocation, uniqueness checks and the write they guard.
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    last_ids: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> RecordStore:
        return self.ctx.store

    def setting(self, name: str) -> Any:
        """A runtime knob; the configured value if the admin API removed it."""
        if name in self.ctx.settings:
            return self.ctx.settings[name]
        return self.config.initial_settings()[name]


class RecordService:
    """Create, read, update, upsert and delete records of one type."""

    def __init__(self, state: NetSuiteState, spec: RecordSpec) -> None:
        self.state = state
        self.spec = spec
        self.store = state.store

    # -- reads -------------------------------------------------------------------------------

    def find(self, key: str) -> StoredRecord:
        """A live record by internal id or `eid:<externalId>`; 404 NONEXISTENT_ID otherwise."""
        if key.startswith(EID_PREFIX):
            found = self._by_external_id(key[len(EID_PREFIX) :])
            if found is None:
                raise nonexistent_id()
            return found
        rec = self.store.get(self.spec.name, key)
        if rec is None:
            raise nonexistent_id()
        return rec

    def _by_external_id(self, external_id: str) -> StoredRecord | None:
        self.store.ensure_index(self.spec.name, EXTERNAL_ID)
        found = self.store.find(self.spec.name, EXTERNAL_ID, external_id)
        return found[0] if found else None

    # -- writes ------------------------------------------------------------------------------

    def create(self, body: Any, *, strict: bool) -> StoredRecord:
        reader = self._reader(strict)
        changes = reader.read(body)
        with self.state.write_lock:
            rec = self._insert(changes)
        self._report(reader, rec)
        return rec

    def update(self, key: str, body: Any, *, strict: bool) -> StoredRecord:
        reader = self._reader(strict)
        changes = reader.read(body)
        with self.state.write_lock:
            rec = self.find(key)
            rec = self._update(rec, changes)
        self._report(reader, rec)
        return rec

    def upsert(self, external_id: str, body: Any, *, strict: bool) -> tuple[StoredRecord, bool]:
        """PUT on `eid:<externalId>`: update the holder of the external id, or create it."""
        reader = self._reader(strict)
        changes = reader.read(body)
        given = changes.get(EXTERNAL_ID, external_id)
        if given != external_id:
            raise invalid_content(
                f"The externalId in the body ({given!r}) differs from the one in the URL"
                f" ({external_id!r}).",
                EXTERNAL_ID,
            )
        changes[EXTERNAL_ID] = external_id
        with self.state.write_lock:
            existing = self._by_external_id(external_id)
            if existing is None:
                rec, created = self._insert(changes), True
            else:
                rec, created = self._update(existing, changes), False
        self._report(reader, rec)
        return rec, created

    def delete(self, key: str) -> None:
        with self.state.write_lock:
            rec = self.find(key)
            self.store.delete(self.spec.name, rec.id)
            if self.spec.name == "customerPayment":
                rules.refresh_invoices(self.store, rules.applied_invoices(rec.fields))

    # -- rules -------------------------------------------------------------------------------

    def _reader(self, strict: bool) -> BodyReader:
        return BodyReader(
            spec=self.spec,
            store=self.store,
            lengths=self.spec.lengths(self.state.setting("max_lengths")),
            truncate=self.state.setting("on_overflow") == "truncate",
            strict_names=strict,
        )

    def _insert(self, changes: dict[str, Any]) -> StoredRecord:
        fields = self._defaults()
        fields.update({k: v for k, v in changes.items() if v is not None})
        self._check_external_id(fields.get(EXTERNAL_ID), None)
        self._check_required(fields)
        record_id = self._allocate_id()
        fields = rules.complete(self.spec, fields, self.store, record_id)
        self._check_required(fields)
        if self.spec.name == "customer" and not fields.get("entityId"):
            fields["entityId"] = f"CUST{1000 + int(record_id)}"
        rec = self.store.insert(self.spec.name, record_id, _present(fields))
        self._after_write(None, rec)
        return rec

    def _update(self, rec: StoredRecord, changes: dict[str, Any]) -> StoredRecord:
        """Merge `changes`, recompute what the server computes, write the difference."""
        merged = {**rec.fields, **changes}
        self._check_external_id(merged.get(EXTERNAL_ID), rec.id)
        self._check_required(merged)
        merged = rules.complete(self.spec, merged, self.store, rec.id)
        self._check_required(merged)
        before = dict(rec.fields)
        delta = {k: v for k, v in merged.items() if k in changes or before.get(k) != v}
        updated = self.store.update(self.spec.name, rec.id, delta)
        self._after_write(before, updated)
        return updated

    def _after_write(self, before: dict[str, Any] | None, rec: StoredRecord) -> None:
        if self.spec.name == "customerPayment":
            touched = rules.applied_invoices(before) | rules.applied_invoices(rec.fields)
            rules.refresh_invoices(self.store, touched)

    def _defaults(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in self.spec.fields:
            if spec.kind == "boolean":
                out[spec.name] = False
            elif spec.kind == "number" and spec.read_only:
                out[spec.name] = 0.0
        return out

    def _check_required(self, fields: dict[str, Any]) -> None:
        missing = [f for f in self.spec.fields if f.required and _blank(fields.get(f.name))]
        company = self.spec.field("companyName")
        if company and not fields.get("isPerson") and _blank(fields.get("companyName")):
            missing.insert(0, company)
        if missing:
            raise NetSuiteError(
                400,
                "USER_ERROR",
                "Please enter value(s) for: " + ", ".join(f.title for f in missing),
                path=missing[0].name,
            )

    def _check_external_id(self, external_id: Any, own_id: str | None) -> None:
        if external_id is None:
            return
        holder = self._by_external_id(external_id)
        if holder is not None and holder.id != own_id:
            raise NetSuiteError(
                400,
                "USER_ERROR",
                f"A {self.spec.name} record with the external ID '{external_id}' already exists"
                f" (internal ID {holder.id}); update it with PUT"
                f" /{self.spec.name}/eid:{external_id} instead.",
                path=EXTERNAL_ID,
            )

    def _allocate_id(self) -> str:
        """Sequential numeric ids per type; rescans the store after a reset or a seed."""
        name = "transaction" if self.spec.transaction else self.spec.name
        tables = _TRANSACTION_TYPES if self.spec.transaction else (self.spec.name,)

        def taken(record_id: str) -> bool:
            return any(self.store.get(t, record_id, include_deleted=True) for t in tables)

        last = self.state.last_ids.get(name)
        if last is None or not taken(last):
            rows = [r for t in tables for r in self.store.records(t, include_deleted=True)]
            number = max((int(r.id) for r in rows if r.id.isdigit()), default=0) + 1
        else:
            number = int(last) + 1
        while taken(str(number)):
            number += 1
        self.state.last_ids[name] = str(number)
        return str(number)

    def _report(self, reader: BodyReader, rec: StoredRecord) -> None:
        for cut in reader.truncations:
            self.state.ctx.record_truth(
                "silent_truncation",
                object=self.spec.name,
                id=rec.id,
                external_id=rec.fields.get(EXTERNAL_ID),
                field=cut.field,
                path=cut.path,
                original_length=cut.original_length,
                limit=cut.limit,
            )


_TRANSACTION_TYPES = tuple(name for name, spec in RECORD_TYPES.items() if spec.transaction)


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _blank(value: Any) -> bool:
    return value is None or value == ""
