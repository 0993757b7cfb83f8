"""Data quality after launch: a reconcile scheduled in `harness run` alerts on accuracy, its
drop against the trend, new duplicates and growing quarantine, once per quiet period."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from typer.testing import CliRunner

from harness.cli import app
from harness.monitoring.alerts import Alert
from harness.monitoring.quality import QuietPeriod, quality_alerts
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.explain import CLOCK_GRACE
from reconcile.model import Thresholds
from sync.state import ReconcileSummary
from tests.harness.webhook import Webhook

runner = CliRunner()
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _summary(accuracy: float, *, duplicates: int = 0, quarantined: int = 0,
             days_ago: int = 0) -> ReconcileSummary:  # fmt: skip
    counts = {"duplicates": duplicates, "quarantined": quarantined, "source_records": 100}
    return ReconcileSummary("customers", T0 - timedelta(days=days_ago), "GO", True, accuracy,
                            accuracy, counts)  # fmt: skip


def _kinds(now: ReconcileSummary, *earlier: ReconcileSummary) -> list[str]:
    found = quality_alerts([now], {"customers": earlier}, Thresholds(record_accuracy=0.95),
                           0.02, "check@now")  # fmt: skip
    return [a.kind for a in found]


def test_each_data_quality_signal_raises_its_alert() -> None:
    steady = [_summary(0.99, days_ago=n) for n in (1, 2, 3)]
    assert _kinds(_summary(0.99), *steady) == []
    assert _kinds(_summary(0.97), *steady) == ["quality_drop"]  # above 0.95, but 2 points down
    assert _kinds(_summary(0.90), *steady) == ["quality_low", "quality_drop"]
    assert _kinds(_summary(0.99, duplicates=3), *steady) == ["duplicates_new"]
    assert _kinds(_summary(0.99, quarantined=4), _summary(0.99, quarantined=2)) == [
        "quarantine_growing"
    ]
    assert _kinds(_summary(0.99, quarantined=2), _summary(0.99, quarantined=4)) == []
    assert _kinds(_summary(0.97), _summary(0.99)) == []  # one past reconcile is no trend
    empty = _summary(1.0)
    empty.counts["source_records"] = 0
    assert _kinds(empty, *steady) == ["quality_low"]  # 100% of nothing is no evidence


def test_the_quiet_period_holds_a_repeat_and_survives_a_restart(tmp_path: Path) -> None:
    alert = Alert("quality_low", "warning", "customers", "r1", "accuracy 80%")
    other = Alert("quality_low", "warning", "orders", "r1", "accuracy 80%")
    quiet = QuietPeriod(tmp_path / "alerts-sent.json", minutes=60)
    assert quiet.due([alert], T0) == [alert]
    quiet.mark([alert], T0)
    again = QuietPeriod(tmp_path / "alerts-sent.json", minutes=60)  # a restarted `harness run`
    assert again.due([alert, other], T0 + timedelta(minutes=59)) == [other]
    assert again.due([alert], T0 + timedelta(minutes=60)) == [alert]
    (tmp_path / "alerts-sent.json").write_text("{not json")
    assert QuietPeriod(tmp_path / "alerts-sent.json", 60).due([alert], T0) == [alert]


def _with_check(box: Sandbox, folder: Path, quiet_minutes: float) -> Path:
    data = yaml.safe_load(box.config_path.read_text(encoding="utf-8"))
    data["checks"] = [{"name": "nightly", "kind": "reconcile", "flows": ["customers"],
                       "schedule": {"cron": "0 2 * * *"}}]  # fmt: skip
    data["alerts"] = {"webhook_url_env": "HARNESS_ALERT_WEBHOOK", "quiet_minutes": quiet_minutes}
    data["reports"] = {"dir": str(folder / "reports")}
    path = box.config_path.with_name("quality.yaml")  # beside it: its relative paths hold
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _run_checks(path: Path, box: Sandbox, webhook: Webhook) -> str:
    env = {**box.environ, "HARNESS_ALERT_WEBHOOK": webhook.url}
    result = runner.invoke(app, ["run", "--once", "--config", str(path)], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_scheduled_reconcile_below_threshold_alerts_once_per_quiet_period(
    harness_sandbox_session: Sandbox, tmp_path: Path, webhook: Webhook
) -> None:
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=8, accounts=20))
    box.restore_settings()
    assert box.sync(full=True).status == "succeeded"
    time.sleep(CLOCK_GRACE.total_seconds() + 1.2)  # the edits come visibly after the sync
    box.drift("erp", object="customer", external_id="externalId", seed=4, count=5,
              kinds={"edit_value": 1}, paths={"edit_value": ["comments"]})  # fmt: skip
    box.config.state_path.with_name("alerts-sent.json").unlink(missing_ok=True)
    path = _with_check(box, tmp_path, quiet_minutes=60)
    out = _run_checks(path, box, webhook)
    assert "nightly partial" in out  # the check ran on its own, NO-GO, and the loop went on
    (body,) = webhook.received
    text = json.dumps(body)
    assert "quality_low" in text and "customers" in text and "below the threshold" in text
    _run_checks(path, box, webhook)  # the same finding within the quiet period: not sent again
    assert len(webhook.received) == 1
    _run_checks(_with_check(box, tmp_path, quiet_minutes=0), box, webhook)
    assert len(webhook.received) == 2 and "quality_low" in json.dumps(webhook.received[1])


def test_a_scheduled_profile_writes_its_report_and_a_bad_system_is_refused(
    harness_sandbox_session: Sandbox, tmp_path: Path, webhook: Webhook
) -> None:
    box = harness_sandbox_session
    box.reseed(WorldSettings(seed=9, accounts=15))
    box.restore_settings()
    data = yaml.safe_load(box.config_path.read_text(encoding="utf-8"))
    data["checks"] = [{"name": "crm-profile", "kind": "profile", "system": "crm",
                       "schedule": {"cron": "0 3 * * 1"}}]  # fmt: skip
    data["reports"] = {"dir": str(tmp_path / "reports")}
    path = box.config_path.with_name("profile-check.yaml")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = _run_checks(path, box, webhook)
    assert "crm-profile succeeded read=15" in out
    assert any(p.suffix == ".json" for p in (tmp_path / "reports").iterdir())
    data["checks"][0]["system"] = "warehouse"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    refused = runner.invoke(app, ["run", "--once", "--config", str(path)], env=box.environ)
    assert refused.exit_code == 2 and "checks[0].system" in refused.output
