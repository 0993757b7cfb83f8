"""`harness sync --full` verifies the target instead of trusting its own content hashes: a
target record deleted or edited outside the flow is repaired by the next full run."""

from __future__ import annotations

import time

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.explain import CLOCK_GRACE


def test_a_full_run_repairs_target_records_changed_behind_the_flows_back(
    sandbox: Sandbox,
) -> None:
    sandbox.reseed(WorldSettings(seed=23, accounts=30))
    assert sandbox.sync(full=True).counts.created == 30
    # The edits come visibly after the sync's writes (NetSuite stamps whole seconds): an edit
    # within the same second would be taken for the flow's own echo.
    time.sleep(CLOCK_GRACE.total_seconds() + 1.2)
    customers = sorted(sandbox.stored("erp", "customer"), key=lambda r: int(r["id"]))
    deleted, edited = customers[0], customers[1]
    with sandbox.connectors() as systems:  # an ERP user, through NetSuite's API
        erp = systems["erp"]
        assert all(r.ok for r in erp.delete("customer", [deleted["id"]]))
        assert all(r.ok for r in erp.update("customer", [(edited["id"], {"companyName": "X"})]))
    assert sandbox.sync().counts.created == 0  # an incremental run never sees the deletion
    repaired = sandbox.sync(full=True)
    assert repaired.counts.created == 1, repaired.counts
    # The edit is reverted by whichever run saw it first (the owner wins): by now it is gone.
    names = {c["id"]: c["fields"]["companyName"] for c in sandbox.stored("erp", "customer")}
    assert names[edited["id"]] == edited["fields"]["companyName"]
    report, _ = sandbox.reconcile(["customers"])
    assert report.verdict.go, report.verdict.reasons
