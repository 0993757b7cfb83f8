"""`make demo` shows every flow: overlong contact names flow (cut and flagged, as a data
steward decided), and the last line of `sandbox --all-flows` names the flows that fail."""

from __future__ import annotations

from dataclasses import replace

from harness.commands.mocks import all_flows_line
from reconcile.model import Check, FlowScore, ReconcileReport, Thresholds, Verdict
from reconcile.verdict import build_report
from sync.mapping import apply_mapping, load_mapping
from tests.paths import REFERENCE_PAIR


def test_an_overlong_last_name_is_cut_and_flagged_not_quarantined() -> None:
    spec = load_mapping(REFERENCE_PAIR / "contacts.yaml")
    surname = "Montgomery-Fitzwilliam-Ashbourne-Delacroix"  # 42 characters
    mapped = apply_mapping(spec, {"Id": "003A", "AccountId": "001A", "LastName": surname})
    assert mapped.payload["lastName"] == surname[:32]
    assert [(f.target, f.code) for f in mapped.flags] == [("lastName", "truncated")]
    assert not [i for i in mapped.issues if i.target == "lastName"]


def _scorecard(flow: str, ok: bool) -> ReconcileReport:
    score = FlowScore(flow, "A", "B", 3, 3, 3, 3, 0, 0, 0, 0, 0, 9, 9, (), {}, ())
    report = build_report([score], Thresholds())
    check = Check(flow, "record accuracy", 1.0 if ok else 0.5, 0.99, ok, ">=", "ratio")
    return replace(report, verdict=Verdict(ok, (check,)))


def test_the_last_line_names_each_failing_flow_and_its_checks() -> None:
    line = all_flows_line([_scorecard("customers", True), _scorecard("contacts", False)])
    assert line == "all flows: NO-GO (2 flows reconciled; failing: contacts (record accuracy))"
    assert all_flows_line([_scorecard("customers", True)]) == "all flows: GO (1 flows reconciled)"
