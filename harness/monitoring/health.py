"""How each flow is doing, read from the state file: the model behind `harness status`.

Per flow: the last run (status, age, volumes), the error rate over recent runs (quarantined /
read), open quarantine by reason, lag (now minus the last successful live sync, and minus the
watermark) and the last reconcile's verdict. A frozen model first; `harness.output.ops`
renders it, `health_json` serializes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sync.state import ReconcileSummary, RunInfo, StateStore

RECENT_RUNS = 10  # the window the error rate is measured over


@dataclass(frozen=True)
class FlowHealth:
    """One flow's health at `HealthReport.generated_at`."""

    flow: str
    last_run: RunInfo | None
    last_success: RunInfo | None
    lag_seconds: float | None  # since the last successful live sync finished
    watermark: datetime | None
    watermark_lag_seconds: float | None
    recent_runs: int
    recent_read: int
    recent_quarantined: int
    open_quarantine: dict[str, int] = field(default_factory=dict)  # reason -> entries
    last_reconcile: ReconcileSummary | None = None

    @property
    def error_rate(self) -> float | None:
        """Quarantined / read over the recent runs; None when they read nothing."""
        return self.recent_quarantined / self.recent_read if self.recent_read else None

    @property
    def open_total(self) -> int:
        return sum(self.open_quarantine.values())


@dataclass(frozen=True)
class HealthReport:
    generated_at: datetime
    state_path: Path
    flows: tuple[FlowHealth, ...]


def collect_health(
    state: StateStore, flows: Sequence[str], now: datetime, *, recent: int = RECENT_RUNS
) -> HealthReport:
    """The health of `flows` (configured ones) plus any other flow the state file knows."""
    names = list(dict.fromkeys([*flows, *state.flows_seen()]))
    quarantine: dict[str, dict[str, int]] = {}
    for flow, reason, n in state.open_quarantine_counts():
        quarantine.setdefault(flow, {})[reason] = n
    reconciles: dict[str, ReconcileSummary] = {}
    for summary in state.reconcile_history(limit=10_000):
        reconciles.setdefault(summary.flow, summary)  # newest first: keep the first seen
    found = []
    for name in names:
        latest = state.runs(name, limit=1)
        success = state.last_successful_run(name)
        window = state.sync_runs(name, recent)
        mark = state.watermark(name)
        done_at = None if success is None else success.finished_at or success.started_at
        found.append(
            FlowHealth(
                flow=name,
                last_run=latest[0] if latest else None,
                last_success=success,
                lag_seconds=None if done_at is None else (now - done_at).total_seconds(),
                watermark=None if mark is None else mark.modified_at,
                watermark_lag_seconds=(
                    None if mark is None else (now - mark.modified_at).total_seconds()
                ),
                recent_runs=len(window),
                recent_read=sum(r.counts.get("read", 0) for r in window),
                recent_quarantined=sum(r.counts.get("quarantined", 0) for r in window),
                open_quarantine=quarantine.get(name, {}),
                last_reconcile=reconciles.get(name),
            )
        )
    return HealthReport(now, state.path, tuple(found))


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _run(run: RunInfo | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "run_id": run.run_id,
        "mode": run.mode,
        "kind": run.kind,
        "status": run.status,
        "started_at": _time(run.started_at),
        "finished_at": _time(run.finished_at),
        "counts": dict(run.counts),
    }


def health_json(report: HealthReport) -> dict[str, Any]:
    """The report as JSON-plain data (`harness status --json`)."""
    flows = []
    for f in report.flows:
        rec = f.last_reconcile
        flows.append({
            "flow": f.flow,
            "last_run": _run(f.last_run),
            "last_success": _run(f.last_success),
            "lag_seconds": f.lag_seconds,
            "watermark": _time(f.watermark),
            "watermark_lag_seconds": f.watermark_lag_seconds,
            "recent_runs": f.recent_runs,
            "recent_read": f.recent_read,
            "recent_quarantined": f.recent_quarantined,
            "error_rate": f.error_rate,
            "open_quarantine": dict(f.open_quarantine),
            "last_reconcile": None if rec is None else {
                "reconcile_id": rec.reconcile_id, "generated_at": _time(rec.generated_at),
                "verdict": rec.verdict, "passed": rec.passed,
                "record_accuracy": rec.record_accuracy, "field_accuracy": rec.field_accuracy,
            },
        })  # fmt: skip
    return {
        "generated_at": _time(report.generated_at),
        "state": str(report.state_path),
        "flows": flows,
    }
