"""Judge flow scores against the thresholds: the GO / NO-GO verdict and the report around it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from reconcile.model import Check, FlowScore, ReconcileReport, Thresholds, Verdict


def judge(flows: Sequence[FlowScore], thresholds: Thresholds) -> Verdict:
    checks: list[Check] = []
    if not flows:  # nothing judged at all: a verdict needs evidence
        checks.append(Check("(none)", NO_EVIDENCE, 0, 1, False, ">=", "count"))
    for f in flows:
        if f.flow not in thresholds.expect_empty:
            checks.append(_evidence(f))
        checks += [
            _at_least(f.flow, "record accuracy", f.record_accuracy, thresholds.record_accuracy),
            _at_least(f.flow, "field accuracy", f.field_accuracy, thresholds.field_accuracy),
            _at_most(
                f.flow, "missing in target", f.missing_in_target, thresholds.max_missing_in_target
            ),
            _at_most(
                f.flow,
                "unexpected in target",
                f.unexpected_in_target,
                thresholds.max_unexpected_in_target,
            ),
            _at_most(f.flow, "quarantined", f.quarantined, thresholds.max_quarantined),
            _at_most(f.flow, "missed changes", f.missed_changes, thresholds.max_missed_changes),
        ]
        if thresholds.min_completeness is not None:
            checks.append(
                _at_least(f.flow, "completeness", f.completeness, thresholds.min_completeness)
            )
        if thresholds.min_uniqueness is not None:
            checks.append(_at_least(f.flow, "uniqueness", f.uniqueness, thresholds.min_uniqueness))
        if thresholds.max_lag_p95_seconds is not None:
            checks.append(_lag(f, thresholds.max_lag_p95_seconds))
    return Verdict(go=all(c.ok for c in checks), checks=tuple(checks))


def build_report(
    flows: Sequence[FlowScore], thresholds: Thresholds, meta: dict[str, Any] | None = None
) -> ReconcileReport:
    return ReconcileReport(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        flows=tuple(flows),
        thresholds=thresholds,
        verdict=judge(flows, thresholds),
        meta=dict(meta or {}),
    )


NO_EVIDENCE = "evidence: source records read"
LAG_UNTIMED = "p95 sync lag: no source change timed"


def _lag(f: FlowScore, limit: float) -> Check:
    """A lag limit the user asked for is met only by a lag measured: with no source change
    since the flow went live there is nothing to time, which proves nothing."""
    if f.lag_p95_seconds is None:
        return Check(f.flow, LAG_UNTIMED, f.lag_changes, 1, False, ">=", "count")
    lag = f.lag_p95_seconds
    return Check(f.flow, "p95 sync lag", lag, limit, lag <= limit, "<=", "seconds")


def _evidence(f: FlowScore) -> Check:
    """Zero source records prove nothing: 100% of nothing is not GO. A flow whose source is
    expected to be empty says so in `thresholds.expect_empty`."""
    return Check(f.flow, NO_EVIDENCE, f.source_records, 1, f.source_records >= 1, ">=", "count")


def _at_least(flow: str, name: str, value: float, threshold: float) -> Check:
    return Check(flow, name, value, threshold, value >= threshold, ">=", "ratio")


def _at_most(flow: str, name: str, value: int, threshold: int) -> Check:
    return Check(flow, name, value, threshold, value <= threshold, "<=", "count")
