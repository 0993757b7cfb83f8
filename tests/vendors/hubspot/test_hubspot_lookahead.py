"""The engine looks the next write slice up while HubSpot writes this one (`sync.lookahead`):
on the sandbox's real HubSpot server a full products flow still costs one batch read and one
batch upsert per 100 records (the next page's first lookup, taken early, is the one that page
uses), every product arrives once, and a lookup overlapped the writes before it."""

from __future__ import annotations

from math import ceil
from typing import Any

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from tests.vendors.hubspot.hubspot_portal import HubSpotPortal

PRODUCTS, PAGE = 2_300, 1_000  # three NetSuite pages: the pages' edges are crossed twice


def test_a_full_flow_looks_ahead_without_a_wasted_call(sandbox: Sandbox) -> None:
    portal = HubSpotPortal(sandbox)
    sandbox.use_flows(sandbox.pair.flows)
    sandbox.reseed(WorldSettings(seed=29, accounts=6, full_business=True, products=PRODUCTS))
    sandbox.tune("erp", page_size=PAGE)
    # HubSpot's calls take a while, as real ones do: a lookup started as a slice's writes
    # begin is still in flight when they reach HubSpot.
    slow = [
        {"match": {"kind": ["write"]}, "effect": {"type": "latency", "ms": 150}},
        {"match": {"kind": ["read"]}, "effect": {"type": "latency", "ms": 100}},
    ]
    sandbox.set_faults("crm", {"version": 1, "seed": 45, "rules": slow})
    with sandbox.connectors() as connectors:
        slice_size = connectors["crm"].lookup_ahead_slice  # type: ignore[attr-defined]
    assert 0 < slice_size < PAGE  # more than one slice a page, or nothing overlaps
    portal.clear_journal()
    result = sandbox.sync("products", full=True)
    assert result.status == "succeeded", result.error
    done = result.counts.created + result.counts.updated + result.counts.in_sync
    assert done == result.counts.read >= PRODUCTS
    looked = portal.journal(path="*/products/batch/read", summary=False)["entries"]
    upserts = portal.journal(path="*/products/batch/upsert", summary=False)["entries"]
    # Slices of 500 over three NetSuite pages: a batch read per 100 records a slice holds,
    # 23 when the pages cut at whole hundreds, one more per page edge that does not; a guess
    # that missed, or a slice read twice, would cost five more.
    answered = [e for e in looked if e["status"] != 429]  # a 429's retry is the same call
    least = ceil(result.counts.read / 100)
    assert least <= len(answered) <= least + 2, [e["status"] for e in looked]
    written = result.counts.created + result.counts.updated
    assert ceil(written / 100) <= len(upserts) <= ceil(result.counts.read / 100)

    # Overlapped: some lookup was in HubSpot's hands while an upsert was.
    def span(entry: dict[str, Any]) -> tuple[float, float]:
        return entry["at"], entry["at"] + entry["latency_ms"] / 1000

    assert any(span(r)[0] < span(u)[1] and span(u)[0] < span(r)[1] for r in looked for u in upserts)
    report, _ = sandbox.reconcile(["products"])
    (score,) = report.flows
    assert score.missing_in_target == 0 and score.different == 0, score.root_causes
    again = sandbox.sync("products")  # incremental: nothing to look ahead for, nothing lost
    assert again.status == "succeeded" and again.counts.quarantined == 0
