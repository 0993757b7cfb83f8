"""The reconciler scored against ground truth: drift injected into real mock servers after a
live sync must be found in full (recall 1.0), nothing else reported (precision 1.0), and each
difference blamed on the root cause that really produced it."""

from __future__ import annotations

import time
from collections import Counter

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.explain import CLOCK_GRACE
from reconcile.truth import EXPECTED_CAUSES, fact_key, score_findings
from sync.mapping import load_mapping

ACCOUNTS = 1500
CITY = "addressBook.0.addressBookAddress.city"
TARGET_TEXT = ["companyName", "comments", CITY]
SOURCE_TEXT = ["Name", "Description", "BillingCity"]


def test_injected_drift_is_found_exactly_with_its_root_cause(
    harness_sandbox_session: Sandbox,
) -> None:
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=2024, accounts=ACCOUNTS))
    box.restore_settings()
    result = box.sync(full=True)
    assert result.status == "succeeded" and result.counts.created == ACCOUNTS, result.error
    # Drift happens visibly after the sync: past the clock grace, on NetSuite's whole seconds.
    time.sleep(CLOCK_GRACE.total_seconds() + 1.2)

    source = box.drift(
        "crm", object="Account", seed=1, count=100, kinds={"source_edit": 1},
        paths={"source_edit": SOURCE_TEXT},
    )  # fmt: skip
    target_kinds = {k: 1 for k in EXPECTED_CAUSES if k != "source_edit"}
    target = box.drift(
        "erp", object="customer", external_id="externalId", seed=2, count=420, kinds=target_kinds,
        paths={"edit_value": TARGET_TEXT, "truncate": TARGET_TEXT, "blank": ["comments", CITY],
               "case_change": ["companyName", "comments"]},
        touch={"truncate": False}, exclude=[f["id"] for f in source],
    )  # fmt: skip
    facts = source + target
    kinds = Counter(f["drift"] for f in facts)
    assert len(facts) >= 500 and len(kinds) == len(EXPECTED_CAUSES) == 8
    assert len({fact_key(f) for f in facts}) == len(facts)  # one record, one fact
    assert box.ground_truth("erp")[-len(target) :] == target  # what the mock remembers

    report, _paths = box.reconcile(["customers"])
    (flow,) = report.flows
    score = score_findings(flow, facts, load_mapping(box.config.flow("customers").mapping))
    assert (score.recall, score.precision) == (1.0, 1.0), (score.missed[:5], score.spurious[:5])
    assert score.injected == score.reported == len(facts)
    assert score.misexplained == (), f"{len(score.misexplained)}: {score.misexplained[:5]}"
    assert flow.unexpected_in_target == kinds["orphan"]
    assert (flow.missing_in_target, flow.duplicates) == (kinds["delete"], kinds["duplicate"])
    assert not report.verdict.go
