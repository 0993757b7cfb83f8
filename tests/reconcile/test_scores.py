"""Completeness, uniqueness and timeliness: scored per flow, checked when a threshold asks,
shown in every report and on the CLI scorecard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.console import Console

from harness import output
from reconcile.explain import SyncMemory
from reconcile.model import FlowScore, Thresholds
from reconcile.reconciler import build_report, compare_snapshots, judge
from reconcile.render import render_markdown
from reconcile.render_html import render_html
from sync.connectors.base import Record
from sync.mapping import MappingSpec
from tests.reconcile.conftest import T0, clean_world, make_customer


def _later(record: Record, seconds: float) -> Record:
    return Record(record.id, record.fields, record.modified_at + timedelta(seconds=seconds))


@pytest.fixture
def scored(mapping_spec: MappingSpec) -> FlowScore:
    """10 sources: 8 equal (lags 1..8 s), 1 different, 1 missing; 1 extra duplicate target."""
    sources, targets = clean_world(mapping_spec, 10)
    ids = list(sources)
    for i, target_id in enumerate(sorted(targets)):
        targets[target_id] = Record(
            target_id, targets[target_id].fields, sources[ids[i]].modified_at + timedelta(seconds=i)
        )
    targets["100"] = make_customer(mapping_spec, sources[ids[0]], "100", comments="changed")
    del targets["109"]
    twin = make_customer(mapping_spec, sources[ids[1]], "900")
    targets[twin.id] = twin
    return compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())


def test_completeness_counts_present_records_equal_or_not(scored: FlowScore) -> None:
    assert (scored.matched, scored.equal, scored.missing_in_target) == (9, 8, 1)
    assert scored.completeness == pytest.approx(0.9)


def test_uniqueness_counts_extra_records_sharing_an_external_id(scored: FlowScore) -> None:
    assert scored.target_records == 10
    assert scored.uniqueness == pytest.approx(0.9)


def test_lag_is_measured_over_equal_pairs_only(scored: FlowScore) -> None:
    # equal pairs lag 1..8 s (the different pair, lag 0, is left out)
    assert (scored.lag_median_seconds, scored.lag_p95_seconds) == (4.0, 8.0)


def test_empty_snapshots_score_full_marks_and_no_lag(
    mapping_spec: MappingSpec,
) -> None:
    score = compare_snapshots("customers", mapping_spec, {}, {}, SyncMemory())
    assert (score.completeness, score.uniqueness) == (1.0, 1.0)
    assert score.lag_median_seconds is score.lag_p95_seconds is None


def test_quality_checks_are_off_by_default(scored: FlowScore) -> None:
    names = {c.name for c in judge([scored], Thresholds()).checks}
    assert not names & {"completeness", "uniqueness", "p95 sync lag"}


@pytest.mark.parametrize(
    ("thresholds", "failing"),
    [
        pytest.param(Thresholds(min_completeness=0.9), set(), id="completeness-met"),
        pytest.param(Thresholds(min_completeness=0.95), {"completeness"}, id="completeness-low"),
        pytest.param(Thresholds(min_uniqueness=0.95), {"uniqueness"}, id="uniqueness-low"),
        pytest.param(Thresholds(max_lag_p95_seconds=8), set(), id="lag-met"),
        pytest.param(Thresholds(max_lag_p95_seconds=7.5), {"p95 sync lag"}, id="lag-too-slow"),
    ],
)
def test_quality_checks_when_asked(
    scored: FlowScore, thresholds: Thresholds, failing: set[str]
) -> None:
    checks = judge([scored], thresholds).checks
    quality = {
        c.name: c for c in checks if c.name in {"completeness", "uniqueness", "p95 sync lag"}
    }
    assert len(quality) == 1
    assert {name for name, c in quality.items() if not c.ok} == failing


def test_a_lag_check_reads_in_seconds(scored: FlowScore) -> None:
    (check,) = [c for c in judge([scored], Thresholds(max_lag_p95_seconds=7.5)).checks
                if c.unit == "seconds"]  # fmt: skip
    assert check.reason == "customers: p95 sync lag is 8.0 s, needs <= 7.5 s"


def test_reports_and_scorecard_show_the_quality_scores(
    scored: FlowScore, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = build_report([scored], Thresholds(max_lag_p95_seconds=60))
    markdown = render_markdown(report)
    assert "Quality: completeness 90.00%; uniqueness 90.00%; sync lag, median 4.0 s" in markdown
    assert "Matched by: external_id 9; unlinked (no external id) 0" in markdown
    page = render_html(report)
    assert '<table class="quality">' in page and "<td>sync lag, p95</td>" in page
    assert "<h3>Pairs by matching step</h3>" in page and "<td>external_id</td>" in page
    console = Console(record=True, width=120)
    monkeypatch.setattr(output, "console", console)
    output.print_scorecard(report)
    text = console.export_text()
    assert "completeness" in text and "90.00%" in text and "8.0 s" in text


def test_lag_counts_only_source_edits_made_while_the_flow_was_live(
    mapping_spec: MappingSpec,
) -> None:
    sources, targets = clean_world(mapping_spec, 3)
    first = next(iter(sources.values()))
    live_since = T0 + timedelta(seconds=1)
    edited = Record(first.id, first.fields, live_since + timedelta(seconds=10))
    sources[first.id] = edited
    target_id = next(t.id for t in targets.values() if t.fields["externalId"] == first.id)
    old = targets[target_id]
    targets[target_id] = Record(old.id, old.fields, edited.modified_at + timedelta(seconds=30))
    score = compare_snapshots("customers", mapping_spec, sources, targets,
                              SyncMemory(live_since=live_since))  # fmt: skip
    # The two records loaded before the flow went live do not count; the edit took 30 s.
    assert (score.lag_median_seconds, score.lag_p95_seconds) == (30.0, 30.0)
