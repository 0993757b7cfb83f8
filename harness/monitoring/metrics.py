"""Prometheus metrics read from the state file: `harness metrics` and `serve_metrics`.

A custom collector on a private registry reads the state store at every scrape (opening it
in the scraping thread: a store belongs to the thread that opened it), so the numbers are
whatever the file says now, whichever process wrote them. Nothing is kept in memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from harness.monitoring.health import collect_health
from sync.state import StateError, StateStore

Clock = Callable[[], datetime]
PREFIX = "harness"


def _now() -> datetime:
    return datetime.now(UTC)


class StateCollector(Collector):
    """Every metric `harness metrics` exposes, read from one state file per scrape."""

    def __init__(self, state_path: Path, flows: tuple[str, ...] = (), clock: Clock = _now):
        self.state_path = Path(state_path)
        self.flows = flows
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(f"{PREFIX}_state_up", "1 when the state file could be read.")
        if not self.state_path.exists():
            up.add_metric([], 0.0)
            yield up
            return
        try:
            with StateStore(self.state_path) as state:
                families = list(self._families(state))
        except StateError:
            up.add_metric([], 0.0)
            yield up
            return
        up.add_metric([], 1.0)
        yield up
        yield from families

    def _families(self, state: StateStore) -> Iterator[Metric]:
        runs = CounterMetricFamily(f"{PREFIX}_sync_runs", "Runs recorded, by flow, mode and "
                                   "status.", labels=["flow", "mode", "status"])  # fmt: skip
        for flow, mode, status, n in state.run_totals():
            runs.add_metric([flow, mode, status], float(n))
        yield runs
        records = CounterMetricFamily(
            f"{PREFIX}_sync_records",
            "Records handled by live syncs, by flow and outcome (read, created, updated, ...).",
            labels=["flow", "outcome"],
        )
        for flow, outcome, n in state.record_totals():
            records.add_metric([flow, outcome], float(n))
        yield records
        held = GaugeMetricFamily(f"{PREFIX}_quarantine_open", "Open quarantine entries, by flow "
                                 "and reason.", labels=["flow", "reason"])  # fmt: skip
        for flow, reason, n in state.open_quarantine_counts():
            held.add_metric([flow, reason], float(n))
        yield held
        yield from self._per_flow(state)

    def _per_flow(self, state: StateStore) -> Iterator[Metric]:
        health = collect_health(state, self.flows, self.clock())
        gauges: dict[str, GaugeMetricFamily] = {}

        def put(name: str, flow: str, value: float | None) -> None:
            if value is None:
                return
            family = gauges.get(name)
            if family is None:
                family = GaugeMetricFamily(f"{PREFIX}_{name}", _GAUGES[name], labels=["flow"])
                gauges[name] = family
            family.add_metric([flow], value)

        for f in health.flows:
            last, ok, rec = f.last_run, f.last_success, f.last_reconcile
            if last is not None:
                put("last_run_timestamp_seconds", f.flow,
                    (last.finished_at or last.started_at).timestamp())  # fmt: skip
                put("last_run_failed", f.flow, 1.0 if last.status == "failed" else 0.0)
                put("last_run_interrupted", f.flow, float(last.status == "interrupted"))
            if ok is not None:
                put("last_success_timestamp_seconds", f.flow,
                    (ok.finished_at or ok.started_at).timestamp())  # fmt: skip
            put("lag_seconds", f.flow, f.lag_seconds)
            put("watermark_lag_seconds", f.flow, f.watermark_lag_seconds)
            put("error_rate", f.flow, f.error_rate)
            if rec is not None:
                put("reconcile_record_accuracy", f.flow, rec.record_accuracy)
                put("reconcile_field_accuracy", f.flow, rec.field_accuracy)
                put("reconcile_passed", f.flow, 1.0 if rec.passed else 0.0)
        yield from gauges.values()


_GAUGES = {
    "last_run_timestamp_seconds": "When the flow's last run ended (or started), Unix time.",
    "last_run_failed": "1 when the flow's last run failed.",
    "last_run_interrupted": "1 when the flow's last run was stopped (Ctrl-C or a killed process).",
    "last_success_timestamp_seconds": "When the flow's last successful live sync ended.",
    "lag_seconds": "Seconds since the flow's last successful live sync ended.",
    "watermark_lag_seconds": "Seconds between now and the flow's watermark.",
    "error_rate": "Quarantined / read over the flow's recent live syncs.",
    "reconcile_record_accuracy": "Record accuracy of the flow's last reconcile (0-1).",
    "reconcile_field_accuracy": "Field accuracy of the flow's last reconcile (0-1).",
    "reconcile_passed": "1 when the flow passed its last reconcile's checks.",
}


def registry_for(state_path: Path, flows: tuple[str, ...] = (), clock: Clock = _now
                 ) -> CollectorRegistry:  # fmt: skip
    """A private registry holding only the state collector (no process or GC metrics)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StateCollector(state_path, flows, clock))
    return registry


def render_metrics(state_path: Path, flows: tuple[str, ...] = (), clock: Clock = _now) -> str:
    """The metrics in Prometheus text exposition format."""
    return generate_latest(registry_for(state_path, flows, clock)).decode("utf-8")


@dataclass
class MetricsServer:
    """A running `/metrics` endpoint on loopback; `stop()` shuts it down and joins it."""

    host: str
    port: int
    _server: Any
    _thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/metrics"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> MetricsServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_metrics(
    port: int, state_path: Path, *, flows: tuple[str, ...] = (), host: str = "127.0.0.1"
) -> MetricsServer:
    """Serve the metrics at http://127.0.0.1:PORT/metrics in a background thread (port 0
    picks a free one; read it from `.port`). Bound to loopback: put a proxy in front to
    expose it further. `harness run --metrics-port` calls this."""
    server, thread = start_http_server(port, addr=host, registry=registry_for(state_path, flows))
    return MetricsServer(host, int(server.server_port), server, thread)
