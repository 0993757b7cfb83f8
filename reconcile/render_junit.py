"""JUnit XML of the verdict: CI systems (GitLab, Jenkins, GitHub test reporters) show each
go/no-go check as a test, and a failing check as a failed test with its reason."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reconcile.decision import describe_group, group_causes, owner_of
from reconcile.model import Check, FlowScore, ReconcileReport

SUITES_NAME = "reconcile"


def render_junit(report: ReconcileReport) -> bytes:
    """One `<testsuite>` per flow, one `<testcase>` per threshold check of that flow."""
    by_flow: dict[str, list[Check]] = {f.flow: [] for f in report.flows}
    for check in report.verdict.checks:
        by_flow.setdefault(check.flow, []).append(check)
    root = ET.Element(
        "testsuites",
        name=SUITES_NAME,
        tests=str(len(report.verdict.checks)),
        failures=str(sum(not c.ok for c in report.verdict.checks)),
        errors="0",
        timestamp=report.generated_at,
    )
    flows = {f.flow: f for f in report.flows}
    for flow, checks in by_flow.items():
        _suite(root, flow, flows.get(flow), checks, report.generated_at)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _suite(
    root: ET.Element, flow: str, score: FlowScore | None, checks: list[Check], when: str
) -> None:
    suite = ET.SubElement(
        root,
        "testsuite",
        name=f"{SUITES_NAME}.{flow}",
        tests=str(len(checks)),
        failures=str(sum(not c.ok for c in checks)),
        errors="0",
        skipped="0",
        timestamp=when,
    )
    if score is not None:
        props = ET.SubElement(suite, "properties")
        for name, value in (
            ("source_object", score.source_object),
            ("target_object", score.target_object),
            ("source_records", str(score.source_records)),
            ("target_records", str(score.target_records)),
            ("record_accuracy", f"{score.record_accuracy:.6f}"),
            ("field_accuracy", f"{score.field_accuracy:.6f}"),
        ):
            ET.SubElement(props, "property", name=name, value=value)
    for check in checks:
        case = ET.SubElement(
            suite, "testcase", name=check.name, classname=f"{SUITES_NAME}.{flow}", time="0"
        )
        if not check.ok:
            failure = ET.SubElement(case, "failure", message=check.reason, type="threshold")
            ownership = owner_of(check.name)
            failure.text = f"{check.reason}\nowner: {ownership.owner}\naction: {ownership.action}"
        else:
            out = ET.SubElement(case, "system-out")
            out.text = check.reason
    if score is not None and score.root_causes:
        err = ET.SubElement(suite, "system-out")
        err.text = "\n".join(describe_group(g) for g in group_causes(score.root_causes))
