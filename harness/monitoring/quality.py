"""Data-quality alerts from scheduled reconciles, each sent at most once per quiet period.

After launch the question is no longer "did the run fail" but "is the data still right".
A check in harness.yaml's `checks:` reconciles on its own schedule (`harness run`); each
flow's scores are compared with the thresholds and with the flow's own recent reconciles:

- `quality_low`: record accuracy below `thresholds.record_accuracy`;
- `quality_drop`: record accuracy more than `alerts.accuracy_drop` below the recent median;
- `duplicates_new`: more duplicates in the target than at the last reconcile;
- `quarantine_growing`: more records held in quarantine than at the last reconcile.

An alert people see every five minutes is an alert they learn to ignore, so the same alert
(its kind and flow; a run's alerts too, `alerts.after_run`) is sent again only after
`alerts.quiet_minutes`; the times each was last
sent live in `alerts-sent.json` beside the state file, so a restarted `harness run` keeps them.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.config import HarnessConfig
from harness.config.quality_checks import CheckConfig
from harness.monitoring.alerts import Alert, AlertKind, notify
from reconcile.model import Thresholds
from sync.state import ReconcileSummary

log = logging.getLogger(__name__)
SENT_FILE = "alerts-sent.json"


@dataclass(frozen=True)
class CheckCounts:
    read: int
    written: int = 0
    quarantined: int = 0


@dataclass(frozen=True)
class CheckResult:
    """One scheduled check's outcome, in the shape the scheduler reports runs in."""

    run_id: str
    status: str  # succeeded (GO), partial (NO-GO)
    counts: CheckCounts
    error: str | None = None
    alerts: tuple[Alert, ...] = ()  # what the check raised (sent or held by the quiet period)


def quality_alerts(
    current: Sequence[ReconcileSummary],
    earlier: Mapping[str, Sequence[ReconcileSummary]],
    thresholds: Thresholds,
    accuracy_drop: float,
    run_id: str,
) -> list[Alert]:
    """The data-quality alerts of one reconcile's flows; `earlier`: each flow's previous
    reconciles, newest first."""
    alerts: list[Alert] = []
    for now in current:
        past = list(earlier.get(now.flow, ()))

        def add(kind: AlertKind, message: str, flow: str = now.flow) -> None:
            alerts.append(Alert(kind, "warning", flow, run_id, message))

        accuracy = now.record_accuracy
        if now.flow in thresholds.expect_empty:
            continue  # declared empty: nothing to judge
        if not now.counts.get("source_records"):  # 100% of nothing is no evidence
            add("quality_low", "the reconcile read no record: no evidence of its accuracy")
            continue
        if accuracy < thresholds.record_accuracy:
            add("quality_low", f"record accuracy {accuracy:.2%}, below the threshold"
                f" {thresholds.record_accuracy:.2%}")  # fmt: skip
        if len(past) >= 2:
            usual = statistics.median(s.record_accuracy for s in past)
            if usual - accuracy > accuracy_drop:
                add("quality_drop", f"record accuracy {accuracy:.2%}, down from a usual"
                    f" {usual:.2%} (more than {accuracy_drop:.2%})")  # fmt: skip
        last = past[0].counts if past else {}
        grown: tuple[tuple[str, AlertKind, str], ...] = (
            ("duplicates", "duplicates_new", "duplicates in the target"),
            ("quarantined", "quarantine_growing", "records held in quarantine"),
        )
        for count, kind, what in grown:
            was, is_ = last.get(count, 0), now.counts.get(count, 0)
            if is_ > was:
                add(kind, f"{is_:,} {what}, {is_ - was:,} more than at the last reconcile")
    return alerts


class QuietPeriod:
    """When each alert (kind and flow) was last sent, kept in a JSON file."""

    def __init__(self, path: Path, minutes: float) -> None:
        self.path, self.window = path, timedelta(minutes=minutes)

    def due(self, alerts: Sequence[Alert], now: datetime) -> list[Alert]:
        """The alerts not sent within the quiet period."""
        sent = self._read()
        return [a for a in alerts if now - sent.get(_key(a), datetime.min.replace(tzinfo=UTC))
                >= self.window]  # fmt: skip

    def mark(self, alerts: Sequence[Alert], now: datetime) -> None:
        sent = self._read()
        sent.update({_key(a): now for a in alerts})
        body = json.dumps({k: v.isoformat() for k, v in sorted(sent.items())}, indent=1)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".alerts-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
        os.replace(tmp, self.path)

    def _read(self) -> dict[str, datetime]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {k: datetime.fromisoformat(v) for k, v in raw.items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, AttributeError) as exc:  # a damaged file: start afresh
            log.warning("the alert log %s is unreadable (%s); starting a new one", self.path, exc)
            return {}


def _key(alert: Alert) -> str:
    return f"{alert.kind}:{alert.flow}"


def send_quiet(config: HarnessConfig, alerts: Sequence[Alert], now: datetime) -> list[Alert]:
    """Log the alerts and notify those not sent within the quiet period; returns those sent."""
    due = _quiet(config).due(alerts, now)
    for alert in alerts:
        held = "" if alert in due else " (quiet period: not sent again)"
        log.warning("alert %s for %s: %s%s", alert.kind, alert.flow, alert.message, held)
    return notify_quietly(config, alerts, now)


def notify_quietly(config: HarnessConfig, alerts: Sequence[Alert], now: datetime
                   ) -> list[Alert]:  # fmt: skip
    """Notify the alerts not sent within the quiet period (any alert: a run's too); returns
    those the webhook accepted, which start a new quiet period."""
    quiet = _quiet(config)
    due = quiet.due(alerts, now)
    status = notify(config, due)
    if due and status is not None and status < 300:
        quiet.mark(due, now)
        return list(due)
    return []


def _quiet(config: HarnessConfig) -> QuietPeriod:
    return QuietPeriod(config.state_path.parent / SENT_FILE, config.alerts.quiet_minutes)


def run_check(config: HarnessConfig, check: CheckConfig) -> CheckResult:
    """A profile check profiles its system (reports written); a reconcile check reconciles
    its flows (reports written, history recorded), then alerts on what the scores say."""
    if check.kind == "profile":
        return _profile(config, check)
    from harness.api import reconcile_history, run_reconcile
    from reconcile.history import summarize

    names = list(check.flows) or [f.name for f in config.flows]
    earlier = {name: reconcile_history(config, name, config.alerts.history) for name in names}
    report, _paths = run_reconcile(config, check.flows or None)
    current = summarize(report)
    run_id = f"{check.name}@{report.generated_at}"
    alerts = quality_alerts(current, earlier, config.thresholds, config.alerts.accuracy_drop,
                            run_id)  # fmt: skip
    send_quiet(config, alerts, datetime.now(UTC))
    read = sum(s.counts.get("source_records", 0) for s in current)
    held = sum(s.counts.get("quarantined", 0) for s in current)
    go = report.verdict.go
    error = None if go else "NO-GO: " + "; ".join(report.verdict.reasons[:3])
    status = "succeeded" if go else "partial"
    return CheckResult(run_id, status, CheckCounts(read, 0, held), error, tuple(alerts))


def _profile(config: HarnessConfig, check: CheckConfig) -> CheckResult:
    """The system's data-quality profile (JSON and Markdown in the reports folder); no
    records read is no evidence, reported as a failed check."""
    from harness.api.profiling import run_profile

    assert check.system is not None  # config validation requires it
    report, _paths = run_profile(config, check.system, check.object)
    run_id = f"{check.name}@{report.generated_at}"
    counts = CheckCounts(read=report.records)
    if report.no_evidence:
        return CheckResult(run_id, "failed", counts, f"no {report.object} records read")
    return CheckResult(run_id, "succeeded", counts)


__all__ = [
    "CheckResult",
    "QuietPeriod",
    "notify_quietly",
    "quality_alerts",
    "run_check",
    "send_quiet",
]
