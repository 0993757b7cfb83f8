"""Alerts: the rules, the Slack-compatible webhook (a real HTTP server on 127.0.0.1), the
wiring after `run_sync`, and `harness alert test`."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.api import run_sync
from harness.cli import app
from harness.config import AlertsConfig, load_config
from harness.monitoring.alerts import after_run, evaluate, notify, slack_payload
from harness.sandbox import Sandbox, write_config
from mocks.world.generator import WorldSettings
from sync.errors import AuthError, ConfigError
from sync.state import RunInfo, StateStore
from tests.harness.webhook import Webhook
from tests.paths import CUSTOMERS_MAPPING

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
RULES = AlertsConfig(error_rate=0.05, volume_factor=5, history=10, min_usual_reads=10)
runner = CliRunner()


def _run(n: int, read: int, *, status: str = "succeeded", kind: str = "incremental",
         quarantined: int = 0, error: str | None = None) -> RunInfo:  # fmt: skip
    return RunInfo(f"r{n}", "customers", "live", kind, status,  # type: ignore[arg-type]
                   T0 + timedelta(hours=n), T0 + timedelta(hours=n, minutes=1),
                   {"read": read, "quarantined": quarantined}, error)  # fmt: skip


HISTORY = [_run(i, 100 + i) for i in range(10, 0, -1)]  # median read about 105


@pytest.mark.parametrize(
    ("run", "kinds"),
    [
        (_run(20, 110), []),
        (_run(20, 0, status="failed", error="AuthError: token rejected"), ["failed"]),
        (_run(20, 100, quarantined=6, status="partial"), ["error_rate"]),
        (_run(20, 100, quarantined=5, status="partial"), []),
        (_run(20, 600), ["volume_high"]),
        (_run(20, 0), ["volume_zero"]),
        (_run(20, 600, kind="full"), []),  # full runs are compared with full runs only
    ],
    ids=["usual", "failed", "error-rate", "at-threshold", "volume-high", "zero", "other-kind"],
)
def test_rules_raise_the_right_alerts(run: RunInfo, kinds: list[str]) -> None:
    assert [a.kind for a in evaluate(run, HISTORY, RULES)] == kinds


def test_a_zero_read_is_normal_for_a_quiet_flow() -> None:
    quiet = [_run(i, 2) for i in range(5, 0, -1)]
    assert evaluate(_run(9, 0), quiet, RULES) == []


def test_payload_is_slack_compatible() -> None:
    alerts = evaluate(_run(20, 0, status="failed", error="boom"), HISTORY, RULES)
    payload = slack_payload(alerts)
    assert payload["text"].startswith(":red_circle: harness alert: 1 alert(s) for customers")
    header, section, context = payload["blocks"]
    assert header["type"] == "header" and section["type"] == "section"
    assert "sync of customers failed: boom" in section["text"]["text"]
    assert "run r20" in context["elements"][0]["text"]


def _config(tmp_path: Path, env_var: str = "HARNESS_ALERT_WEBHOOK") -> Path:
    path = tmp_path / "harness.yaml"
    path.write_text(f"""\
version: 1
systems:
  crm: {{vendor: salesforce, base_url: "https://127.0.0.1:9"}}
  erp: {{vendor: netsuite, base_url: "https://127.0.0.1:9", options: {{account: "1_SB1"}}}}
state: {{path: {tmp_path / "state.db"}}}
flows:
  - {{name: customers, mapping: {CUSTOMERS_MAPPING}, source: crm, target: erp}}
alerts: {{webhook_url_env: {env_var}, error_rate: 0.05, volume_factor: 5}}
""", encoding="utf-8")  # fmt: skip
    return path


def test_after_run_posts_the_alert_to_the_webhook(tmp_path: Path, webhook: Webhook) -> None:
    config = load_config(_config(tmp_path), {"HARNESS_ALERT_WEBHOOK": webhook.url})
    with StateStore(config.state_path) as state:
        run = state.start_run("customers", "live", "full")
        state.finish_run(run.run_id, "partial", {"read": 50, "quarantined": 10})
    found = after_run(config, run.run_id)
    assert [a.kind for a in found] == ["error_rate"]
    (body,) = webhook.received
    assert "10 of 50 records quarantined (20.0%" in json.dumps(body)
    assert after_run(config, run.run_id)  # raised again, and logged ...
    assert len(webhook.received) == 1  # ... but not sent again within the quiet period


def test_a_failing_webhook_is_logged_and_never_raised(
    tmp_path: Path, webhook: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    webhook.status = 500
    config = load_config(_config(tmp_path), {"HARNESS_ALERT_WEBHOOK": webhook.url})
    alerts = evaluate(_run(20, 0, status="failed", error="x"), [], RULES)
    with caplog.at_level(logging.WARNING, logger="harness.monitoring.alerts"):
        assert notify(config, alerts) == 500
    assert "answered HTTP 500" in caplog.text
    unreachable = load_config(_config(tmp_path), {"HARNESS_ALERT_WEBHOOK": "http://127.0.0.1:9/x"})
    with caplog.at_level(logging.WARNING, logger="harness.monitoring.alerts"):
        assert notify(unreachable, alerts) is None
    assert "could not be reached" in caplog.text and "127.0.0.1:9" not in caplog.text


def test_alert_test_command_reports_the_http_status(
    tmp_path: Path, webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path)
    missing = runner.invoke(app, ["alert", "test", "--config", str(path)])
    assert missing.exit_code == 2 and "set the environment variable HARNESS_ALERT_WEBHOOK" in (
        missing.output
    )
    monkeypatch.setenv("HARNESS_ALERT_WEBHOOK", webhook.url)
    sent = runner.invoke(app, ["alert", "test", "--config", str(path)])
    assert sent.exit_code == 0 and "HTTP 200" in sent.output
    assert webhook.received[0]["text"].startswith(":information_source: harness test alert")
    webhook.status = 403
    refused = runner.invoke(app, ["alert", "test", "--config", str(path)])
    assert refused.exit_code == 2 and "HTTP 403" in refused.output


def test_a_failed_sync_raises_an_alert_after_run_sync(
    harness_sandbox_session: Sandbox, tmp_path: Path, webhook: Webhook
) -> None:
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=3, accounts=3))
    path = write_config(box.mocks, tmp_path / "harness.yaml", mapping=CUSTOMERS_MAPPING,
                        state_path=tmp_path / "state.db", reports_dir=tmp_path / "r")  # fmt: skip
    with path.open("a", encoding="utf-8") as text:
        text.write("alerts: {webhook_url_env: HARNESS_ALERT_WEBHOOK}\n")
    environ = {**box.environ, "HARNESS_ALERT_WEBHOOK": webhook.url}
    ok = run_sync(load_config(path, environ), "customers", full=True)
    assert ok.status == "succeeded" and webhook.received == []  # nothing unusual: no alert

    wrong = {**environ, "HARNESS_NS_TOKEN_ID": "stolen"}
    with pytest.raises(AuthError):
        run_sync(load_config(path, wrong), "customers", full=True)
    (body,) = webhook.received
    assert "sync of customers failed: AuthError" in json.dumps(body)


def test_alerts_and_retention_sections_are_validated_with_their_lines(tmp_path: Path) -> None:
    path = _config(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        "alerts: {webhook_url_env: HARNESS_ALERT_WEBHOOK, error_rate: 0.05, volume_factor: 5}",
        "alerts: {webhook_url_env: 'https://hooks.example/x', volume_factor: 0.5}\n"
        "retention: {days: 0, keep: forever}",
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    message = str(caught.value)
    for words in ("alerts.webhook_url_env", "must name an environment variable",
                  "alerts.volume_factor", "must be a number above 1", "retention.days",
                  "whole number of days", "unknown key 'keep'"):  # fmt: skip
        assert words in message, words


def test_alert_settings_default_and_read_the_url_from_the_environment(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path), {"HARNESS_ALERT_WEBHOOK": "http://127.0.0.1:1/h"})
    assert (config.alerts.error_rate, config.alerts.volume_factor, config.alerts.history) == (
        0.05, 5.0, 10
    )  # fmt: skip
    assert config.alerts.webhook_url() == "http://127.0.0.1:1/h"
    assert "127.0.0.1:1/h" not in repr(config)
    assert config.retention.days == 90
