"""`harness status`, `harness metrics` and the `/metrics` server, on a seeded state file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from harness import output
from harness.cli import app
from harness.config import HarnessConfig, load_config
from harness.monitoring.health import collect_health
from harness.monitoring.metrics import render_metrics, serve_metrics
from sync.connectors.base import Watermark
from sync.state import QuarantineEntry, ReconcileSummary, StateStore
from tests.paths import CUSTOMERS_MAPPING

MAPPING = CUSTOMERS_MAPPING
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=3)
runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path) -> HarnessConfig:
    path = tmp_path / "harness.yaml"
    path.write_text(f"""\
version: 1
systems:
  crm: {{vendor: salesforce, base_url: "https://127.0.0.1:9"}}
  erp: {{vendor: netsuite, base_url: "https://127.0.0.1:9", options: {{account: "1_SB1"}}}}
state: {{path: {tmp_path / "state" / "state.db"}}}
flows:
  - {{name: customers, mapping: {MAPPING}, source: crm, target: erp}}
  - {{name: orders, mapping: {MAPPING}, source: crm, target: erp}}
""", encoding="utf-8")  # fmt: skip
    return load_config(path, {})


def _held(run_id: str, source_id: str, reason: str) -> QuarantineEntry:
    return QuarantineEntry.new(run_id=run_id, flow="customers", source_id=source_id,
                               reason=reason, code="X", message="m", payload={},
                               created_at=T0)  # fmt: skip


def _seed(config: HarnessConfig) -> None:
    """customers: a full run (100 read, 2 held) then an incremental one (20 read, 1 more held),
    a watermark and a reconcile; orders: one failed run."""
    now = [T0]
    with StateStore(config.state_path, clock=lambda: now[0]) as state:
        full = state.start_run("customers", "live", "full")
        state.commit_page(full.run_id, "customers", watermark=Watermark(T0 - timedelta(hours=1)),
                          quarantine=[_held(full.run_id, "A", "validation"),
                                      _held(full.run_id, "B", "rejected")])  # fmt: skip
        now[0] = T0 + timedelta(minutes=10)
        state.finish_run(full.run_id, "partial", {"read": 100, "created": 98, "quarantined": 2})
        now[0] = T0 + timedelta(hours=1)
        inc = state.start_run("customers", "live", "incremental")
        state.commit_page(inc.run_id, "customers",
                          quarantine=[_held(inc.run_id, "C", "validation")])  # fmt: skip
        now[0] = T0 + timedelta(hours=1, minutes=30)
        state.finish_run(inc.run_id, "partial", {"read": 20, "updated": 19, "quarantined": 1})
        state.record_reconcile([ReconcileSummary(
            flow="customers", generated_at=T0 + timedelta(hours=2), verdict="NO-GO", passed=False,
            record_accuracy=0.97, field_accuracy=0.99, counts={"source_records": 120},
        )])  # fmt: skip
        failed = state.start_run("orders", "live", "full")
        state.finish_run(failed.run_id, "failed", {"read": 0}, error="AuthError: no")


def test_health_measures_error_rate_lag_quarantine_and_reconcile(config: HarnessConfig) -> None:
    _seed(config)
    with StateStore(config.state_path) as state:
        report = collect_health(state, ["customers", "orders"], NOW)
    customers, orders = report.flows
    assert customers.last_run is not None and customers.last_run.kind == "incremental"
    assert (customers.recent_read, customers.recent_quarantined) == (120, 3)
    assert customers.error_rate == pytest.approx(3 / 120)
    assert customers.lag_seconds == pytest.approx(90 * 60)  # now - the incremental's finish
    assert customers.watermark_lag_seconds == pytest.approx(4 * 3600)
    assert customers.open_quarantine == {"validation": 2, "rejected": 1}
    assert customers.last_reconcile is not None and customers.last_reconcile.passed is False
    assert orders.last_run is not None and orders.last_run.status == "failed"
    assert (orders.last_success, orders.lag_seconds, orders.error_rate) == (None, None, None)


def test_status_command_shows_the_dashboard_and_exits_1_on_a_failed_flow(
    config: HarnessConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output.console, "width", 250)
    empty = runner.invoke(app, ["status", "--config", str(config.path)])
    assert empty.exit_code == 0 and "run `harness sync` first" in empty.output
    _seed(config)
    shown = runner.invoke(app, ["status", "--config", str(config.path)])
    assert shown.exit_code == 1, shown.output
    for words in ("customers", "orders", "failed", "2.50%", "rejected 1, validation 2",
                  "FAIL 97.0%"):  # fmt: skip
        assert words in shown.output, words
    doc = orjson.loads(runner.invoke(app, ["status", "--config", str(config.path),
                                           "--json"]).stdout)  # fmt: skip
    flows = {f["flow"]: f for f in doc["flows"]}
    assert flows["customers"]["open_quarantine"] == {"validation": 2, "rejected": 1}
    assert flows["customers"]["last_reconcile"]["record_accuracy"] == 0.97
    assert flows["orders"]["last_run"]["status"] == "failed"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_are_read_from_the_state_file(config: HarnessConfig) -> None:
    assert _samples(render_metrics(config.state_path)) == {("harness_state_up", ()): 0.0}
    _seed(config)
    samples = _samples(render_metrics(config.state_path, ("customers",), clock=lambda: NOW))
    flow = (("flow", "customers"),)
    assert samples[("harness_state_up", ())] == 1.0
    runs = (("flow", "customers"), ("mode", "live"), ("status", "partial"))
    assert samples[("harness_sync_runs_total", runs)] == 2.0
    assert samples[("harness_sync_records_total", (*flow, ("outcome", "read")))] == 120.0
    assert samples[("harness_sync_records_total", (*flow, ("outcome", "created")))] == 98.0
    held = (("flow", "customers"), ("reason", "validation"))
    assert samples[("harness_quarantine_open", held)] == 2.0
    assert samples[("harness_lag_seconds", flow)] == 5400.0
    assert (
        samples[("harness_last_run_timestamp_seconds", flow)]
        == (T0 + timedelta(hours=1, minutes=30)).timestamp()
    )
    assert samples[("harness_reconcile_record_accuracy", flow)] == 0.97
    assert samples[("harness_last_run_failed", (("flow", "orders"),))] == 1.0


def test_metrics_command_prints_prometheus_text(config: HarnessConfig) -> None:
    _seed(config)
    result = runner.invoke(app, ["metrics", "--config", str(config.path)])
    assert result.exit_code == 0, result.output
    assert "# TYPE harness_sync_runs_total counter" in result.stdout
    assert 'harness_quarantine_open{flow="customers",reason="rejected"} 1.0' in result.stdout


def test_metrics_server_serves_on_loopback_until_stopped(config: HarnessConfig) -> None:
    _seed(config)
    server = serve_metrics(0, config.state_path)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        response = httpx.get(server.url, trust_env=False, timeout=10)
        assert response.status_code == 200
        assert 'harness_sync_runs_total{flow="orders",mode="live",status="failed"} 1.0' in (
            response.text
        )
    finally:
        server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url, trust_env=False, timeout=2)


def test_monitoring_public_api_is_pinned() -> None:
    import harness.monitoring

    assert set(harness.monitoring.__all__) == {
        "Alert", "FlowHealth", "HealthReport", "JsonFormatter", "MetricsServer", "PruneReport",
        "RedactionFilter", "WebhookError", "after_run", "collect_health", "configure_logging",
        "evaluate", "health_json", "parse_window", "prune", "render_metrics", "serve_metrics",
        "slack_payload",
    }  # fmt: skip
    assert all(hasattr(harness.monitoring, name) for name in harness.monitoring.__all__)
