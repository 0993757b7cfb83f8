"""Operating a sync: health and metrics from the state file, alerts, JSON logs, retention.

Modules: `health` (what `harness status` shows), `metrics` (Prometheus text and a `/metrics`
server), `alerts` (failed runs, error rate, unusual volume -> a Slack-compatible webhook),
`logs` (JSON log lines with secrets masked) and `retention` (`harness prune`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.monitoring.alerts import Alert, WebhookError, after_run, evaluate, slack_payload
    from harness.monitoring.health import FlowHealth, HealthReport, collect_health, health_json
    from harness.monitoring.logs import JsonFormatter, RedactionFilter, configure_logging
    from harness.monitoring.metrics import MetricsServer, render_metrics, serve_metrics
    from harness.monitoring.retention import PruneReport, parse_window, prune

# Public name -> its module, imported on first use (PEP 562): every command imports
# `harness.monitoring.logs`, which must not load the metrics server (prometheus_client).
_EXPORTS: dict[str, str] = {
    "Alert": "harness.monitoring.alerts",
    "FlowHealth": "harness.monitoring.health",
    "HealthReport": "harness.monitoring.health",
    "JsonFormatter": "harness.monitoring.logs",
    "MetricsServer": "harness.monitoring.metrics",
    "PruneReport": "harness.monitoring.retention",
    "RedactionFilter": "harness.monitoring.logs",
    "WebhookError": "harness.monitoring.alerts",
    "after_run": "harness.monitoring.alerts",
    "collect_health": "harness.monitoring.health",
    "configure_logging": "harness.monitoring.logs",
    "evaluate": "harness.monitoring.alerts",
    "health_json": "harness.monitoring.health",
    "parse_window": "harness.monitoring.retention",
    "prune": "harness.monitoring.retention",
    "render_metrics": "harness.monitoring.metrics",
    "serve_metrics": "harness.monitoring.metrics",
    "slack_payload": "harness.monitoring.alerts",
}

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


def __getattr__(name: str) -> object:
    """Import a public name's module on first access and cache it; unknown names raise
    AttributeError, which also lets `from harness.monitoring import alerts` find the module."""
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
