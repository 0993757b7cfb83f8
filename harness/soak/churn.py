"""The business at work: the day's churn made through the vendors' own APIs.

Every change goes through the pair's connectors, as a user's edit in the CRM or the ERP
would, and lands in the mocks' stores with the soak clock's stamp. Which object and field
a change touches is read from the flows' mappings by canonical name (a customer's `name`,
an order's `po_number`, the ERP's `credit_limit`), so no vendor is named here and every
pair gets the same business. Each change is written in the `Ledger`: the record, the flow
that must carry it and when, which is how the soak accounts for an incident's records.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from harness.soak.plan import ChurnEvent
from mocks.world.generator import Company
from sync.connectors.base import Connector, WriteResult
from sync.mapping import MappingSpec
from sync.state import CrosswalkEntry

__all__ = ["Churner", "Ledger", "Touch", "TouchKind"]

TouchKind = Literal["created", "edited", "deleted"]
CUSTOMERS, FINANCE, ORDERS = "customers", "customer_finance", "orders"
# Canonical customer field -> the canonical company's attribute holding its value.
_COMPANY = {
    "name": "name",
    "phone": "phone",
    "email": "email",
    "website": "website",
    "description": "description",
    "country": "country",
    "street_line1": "street",
    "city": "city",
    "state": "state",
    "postal_code": "postal_code",
}


@dataclass(frozen=True)
class Touch:
    """One change the churn made: `flow` must carry `source_id` (its source key)."""

    day: int
    at: datetime
    flow: str
    source_id: str
    kind: TouchKind


@dataclass
class Ledger:
    """Every change the churn made, and the changes a vendor refused (counted, not kept)."""

    touches: list[Touch] = field(default_factory=list)
    refused: dict[int, int] = field(default_factory=dict)  # day -> refused writes

    def on_day(self, day: int) -> list[Touch]:
        return [t for t in self.touches if t.day == day]

    def deleted(self) -> set[tuple[str, str]]:
        return {(t.flow, t.source_id) for t in self.touches if t.kind == "deleted"}


Crosswalk = Callable[[str], Mapping[str, CrosswalkEntry]]
log = logging.getLogger(__name__)


class Unsupported(Exception):
    """This pair's mappings or vendor cannot make a kind of churn (no field tagged for it)."""


class Churner:
    """Applies churn events to the CRM and ERP through `connectors` (role -> connector).

    `specs` are the configured flows' mappings by name; a kind of change whose flow is not
    configured is skipped (a customers-only soak edits no orders). `crosswalk(flow)` reads
    the state store: edits go to records the integration already carries."""

    def __init__(
        self,
        specs: Mapping[str, MappingSpec],
        roles: Mapping[str, tuple[str, str]],
        newcomers: Sequence[Company],
        crosswalk: Crosswalk,
        *,
        seed: int,
        ledger: Ledger,
    ) -> None:
        self.specs, self.roles, self.crosswalk, self.ledger = specs, roles, crosswalk, ledger
        self._newcomers: Iterator[Company] = iter(newcomers)
        self._rng = random.Random(f"{seed}:churn")
        self._ext_field: str | None = None
        self._serial = 0
        self.unsupported: dict[str, str] = {}  # churn kind -> why this pair cannot make it

    def apply(self, event: ChurnEvent, day: int, connectors: Mapping[str, Connector]) -> int:
        """Make one event's changes; returns how many the vendor accepted."""
        action = {
            "new_customers": self._new_customers,
            "crm_edits": self._crm_edits,
            "erp_edits": self._erp_edits,
            "order_edits": self._order_edits,
            "deletes": self._deletes,
        }[event.kind]
        if event.kind in self.unsupported:
            return 0
        try:
            return action(event, day, connectors)
        except Unsupported as exc:  # a pair whose mappings lack the field: that churn is off
            log.warning("soak churn %s is off: %s", event.kind, exc)
            self.unsupported[event.kind] = str(exc)
            return 0

    # -- the changes -------------------------------------------------------------------------

    def _new_customers(self, event: ChurnEvent, day: int, conns: Mapping[str, Connector]) -> int:
        spec = self.specs.get(CUSTOMERS)
        if spec is None:
            return 0
        crm = conns[self.roles[CUSTOMERS][0]]
        ext = self._external_id_field(crm, spec.source.object)
        records = []
        for company in self._take(event.count):
            self._serial += 1
            record = _fields(spec, company)
            record[ext] = f"SOAK-{day:03d}-{self._serial:06d}"
            records.append(record)
        results = crm.upsert(spec.source.object, ext, records)
        return self._note(results, day, event.at, CUSTOMERS, "created")

    def _crm_edits(self, event: ChurnEvent, day: int, conns: Mapping[str, Connector]) -> int:
        spec = self.specs.get(CUSTOMERS)
        if spec is None:
            return 0
        note = _source_field(spec, "description")
        picked = self._pick(CUSTOMERS, event.count)
        text = f"Account reviewed on {event.at:%Y-%m-%d %H:%M} (soak day {day})"
        crm = conns[self.roles[CUSTOMERS][0]]
        results = crm.update(spec.source.object, [(e.source_id, {note: text}) for e in picked])
        return self._note(results, day, event.at, CUSTOMERS, "edited")

    def _erp_edits(self, event: ChurnEvent, day: int, conns: Mapping[str, Connector]) -> int:
        spec = self.specs.get(FINANCE)
        if spec is None or CUSTOMERS not in self.specs:
            return 0
        limit = _source_field(spec, "credit_limit")
        picked = self._pick(CUSTOMERS, event.count)
        rows = [
            (e.target_id, {limit: float(self._rng.randrange(50, 500) * 100)})
            for e in picked
            if e.target_id
        ]
        erp = conns[self.roles[FINANCE][0]]
        results = erp.update(spec.source.object, rows)
        # The finance flow's source key is the ERP record's external id: the CRM's id.
        keys = {e.target_id: e.external_id for e in picked}
        return self._note(results, day, event.at, FINANCE, "edited", keys)

    def _order_edits(self, event: ChurnEvent, day: int, conns: Mapping[str, Connector]) -> int:
        spec = self.specs.get(ORDERS)
        if spec is None:
            return 0
        po = _source_field(spec, "po_number")
        picked = self._pick(ORDERS, event.count)
        rows = [
            (e.source_id, {po: f"PO-{day:03d}-{self._rng.randrange(10**6):06d}"}) for e in picked
        ]
        crm = conns[self.roles[ORDERS][0]]
        results = crm.update(spec.source.object, rows)
        return self._note(results, day, event.at, ORDERS, "edited")

    def _deletes(self, event: ChurnEvent, day: int, conns: Mapping[str, Connector]) -> int:
        """Remove today's newest customers no sync has carried yet (see `plan`)."""
        spec = self.specs.get(CUSTOMERS)
        if spec is None:
            return 0
        carried = self.crosswalk(CUSTOMERS)
        gone = self.ledger.deleted()
        fresh = [
            t.source_id
            for t in self.ledger.on_day(day)
            if t.flow == CUSTOMERS
            and t.kind == "created"
            and t.source_id not in carried
            and (CUSTOMERS, t.source_id) not in gone
        ]
        ids = fresh[-event.count :] if fresh else []
        if not ids:
            return 0
        crm = conns[self.roles[CUSTOMERS][0]]
        results = crm.delete(spec.source.object, ids)
        return self._note(results, day, event.at, CUSTOMERS, "deleted")

    # -- helpers -----------------------------------------------------------------------------

    def _take(self, count: int) -> list[Company]:
        return [c for _, c in zip(range(count), self._newcomers, strict=False)]

    def _pick(self, flow: str, count: int) -> list[CrosswalkEntry]:
        """Records the flow carries, at random (never one the churn deleted)."""
        gone = self.ledger.deleted()
        entries = [e for e in self.crosswalk(flow).values() if (flow, e.source_id) not in gone]
        entries.sort(key=lambda e: e.source_id)  # a stable order: the seed decides the pick
        return self._rng.sample(entries, min(count, len(entries)))

    def _external_id_field(self, crm: Connector, obj: str) -> str:
        """The CRM object's external-id field, from the vendor's describe (asked once)."""
        if self._ext_field is None:
            schema = crm.describe(obj)
            found = [f.name for f in schema.fields.values() if f.external_id and f.createable]
            if not found:
                raise Unsupported(f"{obj} has no external-id field to create records by")
            self._ext_field = sorted(found)[0]
        return self._ext_field

    def _note(
        self,
        results: Sequence[WriteResult],
        day: int,
        at: datetime,
        flow: str,
        kind: TouchKind,
        keys: Mapping[str, str] | None = None,
    ) -> int:
        accepted = 0
        for result in results:
            if not result.ok:
                self.ledger.refused[day] = self.ledger.refused.get(day, 0) + 1
                continue
            record_id = result.id or result.key
            source_id = (keys or {}).get(record_id, record_id)
            self.ledger.touches.append(Touch(day, at, flow, source_id, kind))
            accepted += 1
        return accepted


def _fields(spec: MappingSpec, company: Company) -> dict[str, Any]:
    """A new company as the flow's source object spells it (first rule per source field)."""
    out: dict[str, Any] = {}
    for rule in spec.fields:
        attr = _COMPANY.get(rule.canonical or "")
        if attr and rule.sources and rule.kind == "source":
            out.setdefault(rule.sources[0], getattr(company, attr))
    return out


def _source_field(spec: MappingSpec, canonical: str) -> str:
    rule = spec.canonical_rule(canonical)
    if rule is None or not rule.sources:
        raise Unsupported(f"the mapping of flow {spec.name!r} carries no {canonical!r} field")
    return rule.sources[0]
