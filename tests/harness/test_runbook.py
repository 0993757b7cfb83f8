"""`harness runbook`: the configured integration's failures, recoveries, contacts and
rollback, with commands that name its config and exist in the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from typer.testing import CliRunner

from harness.cli import app

runner = CliRunner()


def _project(tmp_path: Path, **alerts: object) -> Path:
    result = runner.invoke(app, ["init", str(tmp_path), "--crm", "salesforce", "--erp", "netsuite"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "harness.yaml"
    data = yaml.safe_load(path.read_text())
    if alerts:
        data["alerts"] = alerts
    data["checks"] = [{"name": "nightly", "kind": "reconcile", "schedule": {"cron": "0 2 * * *"}}]
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_runbook_covers_every_failure_with_commands_that_exist(tmp_path: Path) -> None:
    contacts = {"oncall": "#integration-oncall", "data_steward": "dana@acme.test"}
    path = _project(tmp_path, webhook_url_env="HARNESS_ALERT_WEBHOOK", contacts=contacts)
    result = runner.invoke(app, ["runbook", "--config", str(path)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Runbook: Salesforce <-> NetSuite")
    for reason in ("validation", "rejected", "unresolved_reference", "conflict", "drift",
                   "rate_limit_exhausted"):  # fmt: skip
        assert f"| {reason}:" in text
    for alert in ("failed", "error_rate", "quality_low", "duplicates_new", "quarantine_growing"):
        assert f"`{alert}" in text
    assert "| nightly (check) | reconcile of every flow |" in text
    assert "HARNESS_ALERT_WEBHOOK" in text and "#integration-oncall" in text
    assert "| data_steward | dana@acme.test |" in text
    assert "harness rollback RUN_ID --dry-run" in text
    known = {"quarantine", "conflicts", "sync", "mapping", "status", "history", "trend", "audit",
             "rollback", "reconcile", "plan", "alert", "runbook"}  # fmt: skip
    used = set(re.findall(r"`harness ([a-z-]+)", text))
    assert used and used <= known, used - known
    help_text = runner.invoke(app, ["--help"]).output
    assert all(command in help_text for command in used)


def test_without_contacts_the_runbook_says_how_to_add_them(tmp_path: Path) -> None:
    out = tmp_path / "RUNBOOK.md"
    path = _project(tmp_path)
    result = runner.invoke(app, ["runbook", "--config", str(path), "--out", str(out)])
    assert result.exit_code == 0 and "No contacts are configured" in out.read_text()
    assert "No alert webhook is configured" in out.read_text()
