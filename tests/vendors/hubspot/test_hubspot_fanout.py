"""The connector keeps a round's batch calls in flight together (`settings.concurrency`):
on the sandbox's real HubSpot server, the answers still come back in input order, each
record once, one batch call per 100 records."""

from __future__ import annotations

from harness.sandbox import Sandbox
from tests.vendors.hubspot.hubspot_portal import HubSpotPortal

COUNT = 250  # three write slices and three lookup chunks: two partly overlap


def test_batches_in_flight_together_answer_in_input_order(sandbox: Sandbox) -> None:
    portal = HubSpotPortal(sandbox)
    records = [{"erp_item_id": f"ITEM-{n:04d}", "erp_item_code": f"W-{n:04d}",
                "name": f"Widget {n:04d}"} for n in range(COUNT)]  # fmt: skip
    keys = [r["erp_item_id"] for r in records]
    # Each write takes a while, as HubSpot's do: slices sent together then overlap on the wire
    # (a second, so that a loaded machine starting the second slice late still overlaps).
    slow = {"match": {"kind": ["write"]}, "effect": {"type": "latency", "ms": 1000}}
    sandbox.set_faults("crm", {"version": 1, "seed": 44, "rules": [slow]})
    portal.clear_journal()
    with sandbox.connectors() as connectors:
        hubspot = connectors["crm"]
        assert hubspot.settings.concurrency > 1  # type: ignore[attr-defined]
        written = hubspot.upsert("products", "erp_item_id", records)
        found = hubspot.get_by_external_id("products", "erp_item_id", keys)
    assert [w.key for w in written] == keys
    assert all(w.ok and w.created for w in written), [w for w in written if not w.ok][:3]
    assert len({w.id for w in written}) == COUNT
    assert {k: r.id for k, r in found.items()} == {w.key: w.id for w in written}
    for key, record in found.items():
        assert record.fields["name"] == f"Widget {key.removeprefix('ITEM-')}"
    totals = portal.journal(limit=0, summary=False)["totals"]
    assert totals["by_status"] == {"200": totals["requests"]}
    upserts = portal.journal(path="*/products/batch/upsert", summary=False)["entries"]
    assert len(upserts) == 3
    # In flight together: a later slice arrived before the first one was answered.
    first_done = upserts[0]["at"] + upserts[0]["latency_ms"] / 1000
    assert upserts[1]["at"] < first_done, upserts
    assert len(portal.journal(path="*/products/batch/read", summary=False)["entries"]) == 3
