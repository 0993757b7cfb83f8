"""The plugin's fixtures, used from plain pytest (no Gherkin): a world, a fault plan by file
or by name, the judge and a stateless reconcile, on the session's sandbox."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from harness.judge import JudgeOutcome
from reconcile.model import ReconcileReport
from tests.paths import ROOT

EXAMPLE = ROOT / "examples" / "salesforce_to_netsuite"
SYNC = (sys.executable, str(EXAMPLE / "sync.py"))


@pytest.mark.fidelity
def test_the_fixtures_judge_an_integration_under_throttling(
    harness_world: Callable[..., Any],
    harness_faults: Callable[[str, Any], dict[str, Any]],
    harness_judge: Callable[..., JudgeOutcome],
) -> None:
    harness_world(accounts=10, seed=3)
    harness_faults("erp", EXAMPLE / "faults" / "throttled_writes.yaml")

    outcome = harness_judge(command=SYNC, flows=("customers",))

    assert outcome.report.verdict.go, outcome.report.verdict.reasons
    erp = next(u for u in outcome.usage if u.role == "erp")
    assert erp.retry_after["honoured"] == 2


def test_a_stateless_reconcile_sees_what_nobody_synced(
    harness_world: Callable[..., Any], harness_reconcile: Callable[..., ReconcileReport]
) -> None:
    harness_world(accounts=12, seed=4)

    report = harness_reconcile(["customers"])

    (flow,) = report.flows
    assert flow.source_records == 12
    assert flow.missing_in_target > 0 and not report.verdict.go


def test_a_shipped_fault_plan_is_found_by_name(
    harness_faults: Callable[[str, Any], dict[str, Any]],
) -> None:
    installed = harness_faults("erp", "rate_limit_storm")
    assert installed["rules"]
