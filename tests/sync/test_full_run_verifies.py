"""`harness sync --full` verifies the target instead of trusting its own content hashes: a
target record deleted or edited outside the flow is repaired by the next full run."""

from __future__ import annotations

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings


def test_a_full_run_repairs_target_records_changed_behind_the_flows_back(
    sandbox: Sandbox,
) -> None:
    sandbox.reseed(WorldSettings(seed=23, accounts=30))
    assert sandbox.sync(full=True).counts.created == 30
    customers = sorted(sandbox.stored("erp", "customer"), key=lambda r: int(r["id"]))
    deleted, edited = customers[0], customers[1]
    with sandbox.connectors() as systems:  # an ERP user, through NetSuite's API
        erp = systems["erp"]
        assert all(r.ok for r in erp.delete("customer", [deleted["id"]]))
        assert all(r.ok for r in erp.update("customer", [(edited["id"], {"companyName": "X"})]))
    assert sandbox.sync().counts.created == 0  # an incremental run sees no source change
    repaired = sandbox.sync(full=True)
    assert (repaired.counts.created, repaired.counts.updated) == (1, 1), repaired.counts
    report, _ = sandbox.reconcile(["customers"])
    assert report.verdict.go, report.verdict.reasons
