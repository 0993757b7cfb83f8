"""JUnit XML: one suite per flow, one case per check, failures carry the verdict's reasons."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reconcile.model import ReconcileReport
from reconcile.render_junit import render_junit

from .conftest import HOSTILE_FLOW


def test_every_check_of_a_go_report_is_a_passing_case(go_report: ReconcileReport) -> None:
    root = ET.fromstring(render_junit(go_report))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "reconcile.customers"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [c.name for c in go_report.verdict.checks]
    assert suite.get("tests") == str(len(cases)) == root.get("tests")
    assert suite.get("failures") == "0" == root.get("failures")
    assert all(c.find("failure") is None for c in cases)


def test_failing_checks_are_failures_with_their_reason(no_go_report: ReconcileReport) -> None:
    data = render_junit(no_go_report)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(data)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"reconcile.contacts", f"reconcile.{HOSTILE_FLOW}"}
    assert suites["reconcile.contacts"].get("failures") == "0"
    dirty = suites[f"reconcile.{HOSTILE_FLOW}"]
    failures = {
        case.get("name"): failure.get("message")
        for case in dirty.findall("testcase")
        if (failure := case.find("failure")) is not None
    }
    expected = {c.name: c.reason for c in no_go_report.verdict.checks if not c.ok}
    assert failures == expected
    assert set(failures.values()) == set(no_go_report.verdict.reasons)
    assert f"{HOSTILE_FLOW}: missing in target is 2, needs <= 0" in failures.values()
    assert root.get("failures") == str(len(expected))
    props = {p.get("name"): p.get("value") for p in dirty.iter("property")}
    assert props["source_object"] == "Account" and props["target_object"] == "customer"
    assert "never synced" in (dirty.findtext("system-out") or "")
