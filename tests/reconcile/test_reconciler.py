"""Pairing, comparison, root causes, scores and verdicts on in-memory snapshots."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from reconcile.explain import SyncMemory
from reconcile.model import Thresholds
from reconcile.reconciler import build_report, compare_snapshots, judge
from reconcile.render import render_markdown, write_reports
from sync.connectors.base import Record
from sync.mapping import MappingSpec, load_mapping
from sync.state import QuarantineEntry
from tests.reconcile.conftest import (
    MAPPING,
    T0,
    clean_world,
    crosswalk,
    make_account,
    make_customer,
)


@pytest.fixture(scope="module")
def spec() -> MappingSpec:
    return load_mapping(MAPPING)


def test_identical_systems_score_100_percent(spec: MappingSpec) -> None:
    sources, targets = clean_world(spec, 5)
    score = compare_snapshots("customers", spec, sources, targets, SyncMemory())
    assert (score.equal, score.different, score.missing_in_target) == (5, 0, 0)
    assert score.record_accuracy == score.field_accuracy == 1.0
    assert score.fields_compared == 5 * len(spec.target_paths)


def test_silent_truncation_is_named_as_the_cause(spec: MappingSpec) -> None:
    sources, targets = clean_world(spec, 5)
    src = next(iter(sources.values()))
    long_name = "Extraordinarily Long Company Name Incorporated"
    sources[src.id] = make_account(0, Name=long_name)
    targets["100"] = make_customer(spec, sources[src.id], "100", companyName=long_name[:30])
    score = compare_snapshots("customers", spec, sources, targets, SyncMemory())
    (finding,) = score.findings
    assert finding.kind == "different"
    (diff,) = finding.diffs
    assert diff.path == "companyName"
    assert diff.cause.startswith("silently truncated by the target (30 of 46")
    assert score.record_accuracy == pytest.approx(0.8)
    by_field = {f.path: f for f in score.fields}
    assert by_field["companyName"].accuracy == pytest.approx(0.8)
    assert by_field["phone"].accuracy == 1.0


def test_source_edit_after_the_last_sync_is_in_flight(spec: MappingSpec) -> None:
    sources, targets = clean_world(spec, 1)
    (src,) = sources.values()
    edited = Record(src.id, {**src.fields, "BillingCity": "Leeds"}, T0 + timedelta(hours=1))
    memory = SyncMemory(crosswalk={src.id: crosswalk(src, "100")})
    score = compare_snapshots("customers", spec, {src.id: edited}, targets, memory)
    (finding,) = score.findings
    assert finding.root_cause == "edited in source after the last sync read it (in flight)"


def test_target_edit_after_the_sync_is_told_apart_from_a_transform_bug(spec: MappingSpec) -> None:
    sources, _targets = clean_world(spec, 2)
    first, second = sources.values()
    edited = make_customer(spec, first, "100", url="https://hand-edited.example.com")
    edited = Record(edited.id, edited.fields, T0 + timedelta(hours=2))
    wrong = make_customer(spec, second, "101", url="https://wrong.example.com")
    memory = SyncMemory(crosswalk={first.id: crosswalk(first, "100"),
                                   second.id: crosswalk(second, "101")})  # fmt: skip
    score = compare_snapshots("customers", spec, sources, {"100": edited, "101": wrong}, memory)
    causes = {f.target_id: f.root_cause for f in score.findings}
    assert causes["100"] == "edited in target after the last sync"
    assert causes["101"].startswith("transform bug")


def test_missing_unexpected_and_duplicates_are_classified(spec: MappingSpec) -> None:
    sources, targets = clean_world(spec, 4)
    ids = list(sources)
    del targets["100"]  # never synced
    del targets["101"]  # quarantined
    stray = make_customer(spec, make_account(99), "900")
    twin = make_customer(spec, sources[ids[2]], "901")
    targets.update({stray.id: stray, twin.id: twin})
    held = QuarantineEntry.new(run_id="run-1", flow="customers", source_id=ids[1],
                               reason="validation", code="required",
                               message="customer.subsidiary is required",
                               payload=sources[ids[1]].fields)  # fmt: skip
    score = compare_snapshots("customers", spec, sources, targets,
                              SyncMemory(quarantine={ids[1]: held}))  # fmt: skip
    kinds = {(f.kind, f.source_id): f.root_cause for f in score.findings}
    assert kinds[("missing_in_target", ids[0])] == "never synced"
    assert kinds[("missing_in_target", ids[1])] == "quarantined (validation: required)"
    assert ("duplicate", ids[2]) in kinds
    assert score.unexpected_in_target == 1
    assert (score.missing_in_target, score.quarantined, score.duplicates) == (2, 1, 1)


def test_pairing_survives_a_lost_crosswalk_through_the_external_id(spec: MappingSpec) -> None:
    sources, targets = clean_world(spec, 5)
    score = compare_snapshots("customers", spec, sources, targets, SyncMemory())
    assert score.matched == 5 and score.unexpected_in_target == 0


def test_case_and_whitespace_hints_are_honoured(spec: MappingSpec) -> None:
    sources, _targets = clean_world(spec, 1)
    (src,) = sources.values()
    rule = spec.rule_for("email")
    assert rule is not None and rule.compare.get("ignore_case")
    shouty = make_customer(spec, src, "100", email="AP@COMPANY0.EXAMPLE.COM")
    score = compare_snapshots("customers", spec, sources, {"100": shouty}, SyncMemory())
    assert score.equal == 1


@pytest.mark.parametrize(
    ("missing", "quarantined", "go"),
    [pytest.param(0, 0, True, id="clean"), pytest.param(1, 0, False, id="one-missing"),
     pytest.param(0, 1, False, id="one-quarantined")],
)  # fmt: skip
def test_verdict_needs_every_threshold(spec: MappingSpec, missing: int, quarantined: int,
                                       go: bool) -> None:  # fmt: skip
    sources, targets = clean_world(spec, 10)
    memory = SyncMemory()
    if missing:
        del targets["100"]
    if quarantined:
        src = list(sources.values())[3]
        memory.quarantine[src.id] = QuarantineEntry.new(
            run_id="r", flow="customers", source_id=src.id, reason="rejected", code="X",
            message="m", payload=src.fields)  # fmt: skip
    score = compare_snapshots("customers", spec, sources, targets, memory)
    verdict = judge([score], Thresholds(record_accuracy=0.5, field_accuracy=0.5))
    assert verdict.go is go
    if not go:
        assert verdict.reasons and all(r.startswith("customers: ") for r in verdict.reasons)


def test_reports_are_written_as_json_and_markdown(spec: MappingSpec, tmp_path: Path) -> None:
    sources, targets = clean_world(spec, 3)
    del targets["102"]
    score = compare_snapshots("customers", spec, sources, targets, SyncMemory())
    report = build_report([score], Thresholds())
    paths = write_reports(report, tmp_path)
    data = orjson.loads(paths["json"].read_bytes())
    assert data["verdict"]["verdict"] == "NO-GO"
    assert data["flows"][0]["record_accuracy"] == pytest.approx(2 / 3)
    assert "customers: missing in target is 1, needs <= 0" in data["verdict"]["reasons"]
    markdown = render_markdown(report)
    assert markdown.startswith("# Reconciliation: **NO-GO**")
    assert "| customers | missing in target | 1 | <= 0 | FAIL |" in markdown
    assert "never synced" in markdown


def test_public_api_is_pinned() -> None:
    import reconcile

    assert sorted(reconcile.__all__) == [
        "Check", "FieldDiff", "FieldScore", "Finding", "FlowScore", "REPORT_SCHEMA_VERSION",
        "ReconcileReport", "SyncMemory", "Thresholds", "Verdict", "build_report",
        "compare_snapshots", "judge", "mask_report", "reconcile_flow", "render_html",
        "render_json", "render_junit", "render_markdown", "snapshot", "summarize",
        "write_reports",
    ]  # fmt: skip
