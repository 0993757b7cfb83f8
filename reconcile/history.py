"""A report as the per-flow summaries the state store keeps for history and trends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from reconcile.model import FlowScore, ReconcileReport
from sync.state import ReconcileSummary

COUNTED = (
    "source_records",
    "target_records",
    "matched",
    "equal",
    "different",
    "missing_in_target",
    "unexpected_in_target",
    "duplicates",
    "quarantined",
)


def _counts(score: FlowScore) -> dict[str, int]:
    """The flow's counts, and its p95 sync lag in whole seconds when one was timed."""
    counts = {name: int(getattr(score, name)) for name in COUNTED}
    if score.lag_p95_seconds is not None:
        counts["lag_p95_seconds"] = round(score.lag_p95_seconds)
    return counts


def summarize(report: ReconcileReport, config: str = "") -> list[ReconcileSummary]:
    """One summary per flow: its accuracies and counts, whether its own checks held, and the
    verdict of the whole reconcile."""
    at = datetime.fromisoformat(report.generated_at)
    if at.tzinfo is None:  # a report stamped without an offset was stamped in UTC
        at = at.replace(tzinfo=UTC)
    verdict: Literal["GO", "NO-GO"] = "GO" if report.verdict.go else "NO-GO"
    failed = {c.flow for c in report.verdict.checks if not c.ok}
    return [
        ReconcileSummary(
            flow=f.flow,
            generated_at=at,
            verdict=verdict,
            passed=f.flow not in failed,
            record_accuracy=f.record_accuracy,
            field_accuracy=f.field_accuracy,
            counts=_counts(f),
            config=config,
        )
        for f in report.flows
    ]
