"""Reports built from in-memory snapshots: a GO one, and a NO-GO one with every finding kind,
a policy flag and hostile values (markup, ampersands, quotes) in names and diffs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from reconcile.explain import SyncMemory
from reconcile.model import ReconcileReport, Thresholds
from reconcile.reconciler import build_report, compare_snapshots
from sync.connectors.base import Record
from sync.mapping import MappingSpec, apply_mapping, load_mapping
from sync.state import CrosswalkEntry, QuarantineEntry

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "fixtures" / "integrations" / "salesforce-netsuite" / "customers.yaml"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOSTILE = "<script>alert('x')</script> Smith & \"Sons\""
HOSTILE_FLOW = "cust<o>mers & co"


@pytest.fixture(scope="session")
def mapping_spec() -> MappingSpec:
    return load_mapping(MAPPING)


def make_account(n: int, **changes: Any) -> Record:
    fields = {
        "Id": f"001A{n:014d}",
        "Name": f"Company {n} Ltd",
        "Phone": "+44 20 7946 0958",
        "BillingStreet": f"{n} High Street\nUnit 4",
        "BillingCity": "London",
        "BillingState": "Greater London",
        "BillingPostalCode": "EC1A 1BB",
        "BillingCountry": "United Kingdom",
        "Website": f"www.company{n}.example.com",
        "Billing_Email__c": f"ap@company{n}.example.com",
        "Description": "Wholesale",
        **changes,
    }
    return Record(fields["Id"], fields, T0)


def make_customer(spec: MappingSpec, source: Record, target_id: str, **changes: Any) -> Record:
    payload = orjson.loads(orjson.dumps(apply_mapping(spec, source.fields).payload))
    payload["subsidiary_refName"] = "Harness UK Ltd"  # the target adds what it knows
    payload.update(id=target_id, entityId=f"CUST{target_id}", **changes)
    return Record(target_id, payload, T0 + timedelta(seconds=5))


def clean_world(spec: MappingSpec, n: int) -> tuple[dict[str, Record], dict[str, Record]]:
    sources = {a.id: a for a in (make_account(i) for i in range(n))}
    targets = {}
    for i, src in enumerate(sources.values()):
        tgt = make_customer(spec, src, str(100 + i))
        targets[tgt.id] = tgt
    return sources, targets


def go_report_for(spec: MappingSpec, flows: tuple[str, ...] = ("customers",)) -> ReconcileReport:
    scores = []
    for flow in flows:
        sources, targets = clean_world(spec, 4)
        scores.append(compare_snapshots(flow, spec, sources, targets, SyncMemory()))
    return build_report(scores, Thresholds(), {"config": "harness.yaml"})


def no_go_report_for(spec: MappingSpec) -> ReconcileReport:
    """Two flows; the hostile one holds every finding kind and a policy flag."""
    sources, targets = clean_world(spec, 6)
    ids = list(sources)
    # different: the target cut the hostile name, and holds another email
    sources[ids[0]] = make_account(0, Name=HOSTILE, Billing_Email__c="jane.doe@example.com")
    targets["100"] = make_customer(
        spec, sources[ids[0]], "100", companyName=HOSTILE[:20], email="j.doe@example.com"
    )
    sources[ids[1]] = make_account(1, Phone="not a phone")  # dropped by policy: a flag
    targets["101"] = make_customer(spec, sources[ids[1]], "101")
    del targets["102"]  # missing: never synced
    del targets["103"]  # missing: quarantined
    stray = make_customer(spec, make_account(99), "900")  # unexpected
    twin = make_customer(spec, sources[ids[4]], "901")  # duplicate
    targets.update({stray.id: stray, twin.id: twin})
    # unlinked: a target made by hand (no external id) found by its billing email
    linked, unsure = make_account(50), make_account(60)
    sources.update({linked.id: linked, unsure.id: unsure})
    for target_id, src in (("950", linked), ("960", unsure), ("961", unsure)):
        targets[target_id] = make_customer(spec, src, target_id, externalId=None)
    # ambiguous: two such targets look exactly like the last source
    held = QuarantineEntry.new(
        run_id="run-1",
        flow=HOSTILE_FLOW,
        source_id=ids[3],
        reason="validation",
        code="required",
        message="customer.subsidiary is required",
        payload=sources[ids[3]].fields,
    )
    memory = SyncMemory(quarantine={ids[3]: held})
    dirty = compare_snapshots(HOSTILE_FLOW, spec, sources, targets, memory)
    clean_sources, clean_targets = clean_world(spec, 4)
    clean = compare_snapshots("contacts", spec, clean_sources, clean_targets, SyncMemory())
    return build_report([clean, dirty], Thresholds(), {"config": "harness.yaml"})


@pytest.fixture
def go_report(mapping_spec: MappingSpec) -> ReconcileReport:
    return go_report_for(mapping_spec)


@pytest.fixture
def no_go_report(mapping_spec: MappingSpec) -> ReconcileReport:
    return no_go_report_for(mapping_spec)


def crosswalk(source: Record, target_id: str, synced_at: datetime = T0 + timedelta(seconds=10)
              ) -> CrosswalkEntry:  # fmt: skip
    # No content hash ("", as after a rollback): these tests say nothing of stamp bumps.
    return CrosswalkEntry("customers", source.id, target_id, source.id, "", source.modified_at,
                          synced_at, "run-1")  # fmt: skip
