"""The report is a decision record in every format: owners and actions for failing checks,
root causes grouped by cause (parameters inside), the context of what was judged, a sign-off
block, and a trend of one reconcile drawn as a dot with its value."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import orjson

from reconcile.decision import DATA_STEWARD, INTEGRATION_ENGINEER, group_causes, owner_of
from reconcile.model import JudgedRun, ReconcileReport, ReportContext, SystemRef
from reconcile.render import render_json, render_markdown
from reconcile.render_html import render_html
from reconcile.render_junit import render_junit
from sync.state import ReconcileSummary

TRUNCATED = "silently truncated by the target"
CAUSES = {
    f"{TRUNCATED} (28 of 43 characters)": 3,
    f"{TRUNCATED} (30 of 50 characters)": 2,
    "never synced": 4,
    "quarantined (validation: required)": 1,
}
CONTEXT = ReportContext(
    harness_version="1.2.3", started_at="2026-11-30T09:00:00+00:00", seconds=3.5,
    config="harness.yaml", systems=(SystemRef("crm", "salesforce", "https://crm.example"),),
    runs=(),
)  # fmt: skip
RUN_ID = "20261130T085900Z-ab12"


def _with_causes(report: ReconcileReport) -> ReconcileReport:
    judged = JudgedRun(report.flows[1].flow, RUN_ID, "live", "full", "succeeded", None)
    flows = (replace(report.flows[1], root_causes=CAUSES), *report.flows[2:])
    context = replace(CONTEXT, runs=(judged,))
    return replace(report, flows=(report.flows[0], *flows), context=context)


def test_causes_split_by_their_parameters_are_one_cause_with_a_count() -> None:
    groups = {g.cause: g for g in group_causes(CAUSES)}
    assert set(groups) == {TRUNCATED, "never synced", "quarantined (validation: required)"}
    truncated = groups[TRUNCATED]
    assert truncated.records == 5
    assert truncated.parameters == (("28 of 43 characters", 3), ("30 of 50 characters", 2))
    assert next(g.cause for g in group_causes(CAUSES)) == TRUNCATED  # the largest first


def test_default_owners_follow_the_kind_of_check() -> None:
    assert owner_of("missing in target").owner == INTEGRATION_ENGINEER
    assert owner_of("quarantined").owner == DATA_STEWARD
    assert owner_of("uniqueness").owner == DATA_STEWARD
    assert owner_of("a check added later").owner == INTEGRATION_ENGINEER  # never nobody


def test_json_carries_owners_actions_cause_groups_context_and_sign_off(
    no_go_report: ReconcileReport,
) -> None:
    doc: dict[str, Any] = orjson.loads(render_json(_with_causes(no_go_report)))
    for check in doc["verdict"]["checks"]:
        expected = owner_of(check["name"])
        assert (check["owner"], check["action"]) == (expected.owner, expected.action)
    owners = {c["name"]: c["owner"] for c in doc["verdict"]["checks"]}
    assert owners["quarantined"] == "data steward"  # the table's values, spelt out
    assert owners["record accuracy"] == "integration engineer"
    groups = doc["flows"][1]["root_cause_groups"]
    assert groups[0]["cause"] == TRUNCATED and groups[0]["records"] == 5
    assert groups[0]["parameters"] == {"28 of 43 characters": 3, "30 of 50 characters": 2}
    assert doc["context"]["runs"][0]["run_id"] == RUN_ID
    assert doc["context"]["harness_version"] == "1.2.3"
    assert set(doc["sign_off"]) == {"name", "role", "date", "decision"}


def test_markdown_names_owners_and_actions_groups_causes_and_asks_for_sign_off(
    no_go_report: ReconcileReport,
) -> None:
    text = render_markdown(_with_causes(no_go_report))
    failing = [c for c in no_go_report.verdict.checks if not c.ok]
    assert "## Actions" in text
    for check in failing:
        assert f"({owner_of(check.name).owner}): {owner_of(check.name).action}" in text
    assert f"| {TRUNCATED} | 5 | 28 of 43 characters x3, 30 of 50 characters x2 |" in text
    assert "(28 of 43 characters) |" not in text
    assert "## Sign-off" in text and "| Signed by | |" in text
    assert RUN_ID in text and "Harness 1.2.3" in text


def test_junit_failures_say_who_acts_and_how(no_go_report: ReconcileReport) -> None:
    root = ET.fromstring(render_junit(no_go_report))
    failures = list(root.iter("failure"))
    assert failures
    for failure in failures:
        assert "owner: " in (failure.text or "") and "action: " in (failure.text or "")


def test_html_groups_causes_and_shows_the_decision_record(no_go_report: ReconcileReport) -> None:
    page = render_html(_with_causes(no_go_report))
    causes = re.search(r'<table id="causes-1">.*?</table>', page, re.S)
    assert causes is not None
    assert causes.group(0).count("<tr>") == 1 + 3  # header + three causes, not four
    assert "28 of 43 characters x3, 30 of 50 characters x2" in causes.group(0)
    for part in ('id="scope"', 'id="actions"', 'id="sign-off"', 'id="environment"'):
        assert part in page
    assert RUN_ID in page and "1.2.3" in page


def test_a_trend_of_one_reconcile_is_a_dot_with_its_value(go_report: ReconcileReport) -> None:
    one = ReconcileSummary(flow="customers", generated_at=datetime(2026, 11, 1, tzinfo=UTC),
                           verdict="GO", passed=True, record_accuracy=0.97,
                           field_accuracy=0.995)  # fmt: skip
    svg = re.search(r'<svg id="trend-0".*?</svg>', render_html(go_report, [one]), re.S)
    assert svg is not None
    chart = ET.fromstring(svg.group(0))
    assert not [el for el in chart.iter() if el.tag.endswith("polyline")]
    assert len([el for el in chart.iter() if el.tag.endswith("circle")]) == 1
    texts = ["".join(el.itertext()) for el in chart.iter() if el.tag.endswith("text")]
    assert "record 97.00%, field 99.50%" in texts
    assert texts.count("2026-11-01") == 1
