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
from sync.state import CrosswalkEntry
from tests.reconcile.conftest import T0, clean_world, make_customer


def _synced(source: Record, target_id: str, after_seconds: float) -> CrosswalkEntry:
    """The sync's record of writing `source` to the target `after_seconds` after its change."""
    changed = source.modified_at
    return CrosswalkEntry("customers", source.id, target_id, source.id, "h", changed,
                          changed + timedelta(seconds=after_seconds), "run-1")  # fmt: skip


@pytest.fixture
def scored(mapping_spec: MappingSpec) -> FlowScore:
    """10 sources: 8 equal (synced 1..8 s after their change), 1 different, 1 missing; 1 extra
    duplicate target. Every change came after the flow went live."""
    sources, targets = clean_world(mapping_spec, 10)
    ids = list(sources)
    crosswalk = {
        ids[i]: _synced(sources[ids[i]], target_id, i)
        for i, target_id in enumerate(sorted(targets))
    }
    targets["100"] = make_customer(mapping_spec, sources[ids[0]], "100", comments="changed")
    del targets["109"]
    twin = make_customer(mapping_spec, sources[ids[1]], "900")
    targets[twin.id] = twin
    memory = SyncMemory(crosswalk=crosswalk, live_since=T0 - timedelta(days=1))
    return compare_snapshots("customers", mapping_spec, sources, targets, memory)


def test_completeness_counts_present_records_equal_or_not(scored: FlowScore) -> None:
    assert (scored.matched, scored.equal, scored.missing_in_target) == (9, 8, 1)
    assert scored.completeness == pytest.approx(0.9)


def test_uniqueness_counts_extra_records_sharing_an_external_id(scored: FlowScore) -> None:
    assert scored.target_records == 10
    assert scored.uniqueness == pytest.approx(0.9)


def test_lag_is_measured_over_equal_pairs_only(scored: FlowScore) -> None:
    # equal pairs lag 1..8 s (the different pair, lag 0, is left out)
    assert (scored.lag_median_seconds, scored.lag_p95_seconds) == (4.0, 8.0)
    assert scored.lag_changes == 8


def test_without_the_syncs_record_of_its_writes_there_is_no_lag_to_time(
    mapping_spec: MappingSpec,
) -> None:
    # Equal pairs whose records were last edited years ago, and no crosswalk: no lag of years.
    sources, targets = clean_world(mapping_spec, 5)
    score = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    assert score.equal == 5 and score.lag_changes == 0
    assert score.lag_p95_seconds is None


def test_an_initial_load_is_a_backlog_not_a_lag_and_says_so(mapping_spec: MappingSpec) -> None:
    sources, targets = clean_world(mapping_spec, 4)
    ids = list(sources)
    crosswalk = {ids[i]: _synced(sources[ids[i]], t, 3600) for i, t in enumerate(sorted(targets))}
    memory = SyncMemory(crosswalk=crosswalk, live_since=T0 + timedelta(days=365))
    score = compare_snapshots("customers", mapping_spec, sources, targets, memory)
    assert score.equal == 4 and score.lag_changes == 0
    page = render_html(build_report([score], Thresholds()))
    assert "n/a (no source change since the flow went live)" in page


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
    assert (
        "Quality: completeness 90.00%; uniqueness 90.00%; source changes timed for lag 8; "
        "sync lag, median 4.0 s" in markdown
    )
    assert "Matched by: crosswalk 9; unlinked (no external id) 0" in markdown
    page = render_html(report)
    assert '<table class="quality">' in page and "<td>sync lag, p95</td>" in page
    assert "<h3>Pairs by matching step</h3>" in page and "<td>crosswalk</td>" in page
    console = Console(record=True, width=120)
    monkeypatch.setattr(output, "console", console)
    output.print_scorecard(report)
    text = console.export_text()
    assert "completeness" in text and "90.00%" in text and "8.0 s" in text


def test_lag_counts_only_source_edits_made_while_the_flow_was_live(
    mapping_spec: MappingSpec,
) -> None:
    sources, targets = clean_world(mapping_spec, 3)
    ids = list(sources)
    crosswalk = {ids[i]: _synced(sources[ids[i]], t, 5) for i, t in enumerate(sorted(targets))}
    live_since = T0 + timedelta(seconds=1)
    edited = Record(ids[0], sources[ids[0]].fields, live_since + timedelta(seconds=10))
    sources[ids[0]] = edited
    crosswalk[ids[0]] = _synced(edited, crosswalk[ids[0]].target_id, 30)
    score = compare_snapshots("customers", mapping_spec, sources, targets,
                              SyncMemory(crosswalk=crosswalk, live_since=live_since))  # fmt: skip
    # The two records loaded before the flow went live do not count; the edit took 30 s.
    assert (score.lag_median_seconds, score.lag_p95_seconds) == (30.0, 30.0)
    assert score.lag_changes == 1


def test_a_lag_limit_with_no_change_to_time_is_not_met(mapping_spec: MappingSpec) -> None:
    sources, targets = clean_world(mapping_spec, 3)
    untimed = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    assert untimed.lag_changes == 0 and untimed.lag_p95_seconds is None
    verdict = judge([untimed], Thresholds(max_lag_p95_seconds=60))
    failed = [c for c in verdict.checks if not c.ok]
    assert not verdict.go and [c.name for c in failed] == ["p95 sync lag: no source change timed"]
