"""ERP -> CRM flows read NetSuite by keyset: records deleted or re-stamped between the reader's
pages cannot shift an edited record past it, so no edit is lost to offset paging drift."""

from __future__ import annotations

from typing import Any

import pytest

from harness.sandbox import Sandbox
from harness.sandbox.flows import flow_order
from mocks.world.generator import WorldSettings

# flow -> (NetSuite record type, the mapped field an ERP user edits, a new value per record)
EDITS: dict[str, tuple[str, str, Any]] = {
    "customer_finance": ("customer", "creditLimit", lambda i: 10_000 + 250 * i),
    "products": ("inventoryItem", "salesDescription", lambda i: f"Revised description {i}"),
    "invoices": ("invoice", "dueDate", lambda i: f"2031-01-{1 + i % 28:02d}"),
}
DRIFT = {"rules": [{"name": "drift", "effect": {"type": "paging_drift", "count": 2}}]}


@pytest.mark.parametrize("flow", list(EDITS))
def test_paging_drift_loses_no_erp_edit(sandbox: Sandbox, flow: str) -> None:
    sandbox.use_flows(sandbox.pair.flows)
    sandbox.reseed(WorldSettings(seed=17, accounts=30, full_business=True))
    order = flow_order(sandbox.pair.flows)
    for name in order[: order.index(flow) + 1]:
        assert sandbox.sync(name, full=True).status == "succeeded", name
    obj, field, value = EDITS[flow]
    sandbox.tune("erp", page_size=4)  # many pages: many chances to drift
    with sandbox.connectors() as connectors:
        erp = connectors["erp"]
        ids = sorted((r.id for page in erp.read(obj) for r in page), key=int)[::2][:12]
        assert all(r.ok for r in erp.update(obj, [(rid, {field: value(i)}) for i, rid in
                                                    enumerate(ids)]))  # fmt: skip
    sandbox.set_faults("erp", DRIFT)
    try:
        sandbox.sync(flow)  # the run the drift would have cut short
    finally:
        sandbox.clear_faults()
    sandbox.sync(flow)  # a clean run after it: nothing left behind the watermark
    skipped = [f for f in sandbox.ground_truth("erp") if f.get("skipped_ids")]
    assert skipped == []  # the reader never pages by offset, so nothing shifted under it
    report, _ = sandbox.reconcile([flow])
    (score,) = report.flows
    assert score.different == 0 and score.missing_in_target == 0, score.root_causes
    assert report.verdict.go, report.verdict.reasons
