"""Operating a sync: health and metrics from the state file, alerts, JSON logs, retention.

Modules: `health` (what `harness status` shows), `metrics` (Prometheus text and a `/metrics`
server), `alerts` (failed runs, error rate, unusual volume -> a Slack-compatible webhook),
`logs` (JSON log lines with secrets masked) and `retention` (`harness prune`).
"""

from __future__ import annotations

from harness.monitoring.alerts import Alert, WebhookError, after_run, evaluate, slack_payload
from harness.monitoring.health import FlowHealth, HealthReport, collect_health, health_json
from harness.monitoring.logs import JsonFormatter, RedactionFilter, configure_logging
from harness.monitoring.metrics import MetricsServer, render_metrics, serve_metrics
from harness.monitoring.retention import PruneReport, parse_window, prune

__all__ = [
    "Alert",
    "FlowHealth",
    "HealthReport",
    "JsonFormatter",
    "MetricsServer",
    "PruneReport",
    "RedactionFilter",
    "WebhookError",
    "after_run",
    "collect_health",
    "configure_logging",
    "evaluate",
    "health_json",
    "parse_window",
    "prune",
    "render_metrics",
    "serve_metrics",
    "slack_payload",
]
