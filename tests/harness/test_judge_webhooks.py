"""`harness judge --webhook URL` with HubSpot as the CRM: the example integration listens on
loopback, checks each delivery's v3 signature, and upserts the companies the events name
into NetSuite. A sales rep renames companies while it runs, so only the webhooks carry the
new names: judged GO. A receiver that refuses its first batch twice gets HubSpot's retries
(`attemptNumber` 0, 1, 2) and still ends GO. Real sandboxes (uvicorn over TLS)."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.judge import JudgeOutcome, JudgeSettings, WebhookPlan, run_judge
from mocks.world.generator import WorldSettings
from tests.paths import ROOT

EXAMPLE = ROOT / "examples" / "hubspot_webhooks"
SYNC = (sys.executable, str(EXAMPLE / "sync.py"))


def free_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hubspot/events"


def judge(tmp_path: Path, *extra: str, edits: int = 3) -> JudgeOutcome:
    return run_judge(
        JudgeSettings(
            command=(*SYNC, *extra),
            workdir=tmp_path / "work",
            reports_dir=tmp_path / "reports",
            world=WorldSettings(accounts=20, crm="hubspot", erp="netsuite"),
            crm="hubspot",
            erp="netsuite",
            flows=("customers",),
            timeout=120,
            quiet_for=2.0,
            webhook=WebhookPlan(free_url(), edits=edits, delay_scale=0.0005),
        )
    )


def checks(outcome: JudgeOutcome) -> dict[str, Any]:
    return {c.name: c for c in outcome.report.verdict.checks}


def webhooks(outcome: JudgeOutcome) -> dict[str, Any]:
    found: dict[str, Any] = outcome.report.meta["judge"]["webhooks"]
    return found


@pytest.mark.fidelity
def test_a_webhook_integration_carries_the_reps_renames_and_is_go(tmp_path: Path) -> None:
    outcome = judge(tmp_path)

    log = outcome.command.log_path.read_text()
    assert outcome.report.verdict.go, (outcome.report.verdict.reasons, log)
    assert outcome.command.ending == "quiet"
    found = webhooks(outcome)
    assert len(found["renamed"]) == 3 and found["rep_error"] is None
    assert found["totals"]["events_delivered"] >= 3 and found["retried_attempts"] == 0
    made = checks(outcome)["crm webhook edits made (3 asked)"]
    assert made.ok and made.value == 3
    assert checks(outcome)["crm webhook events not delivered"].value == 0
    assert "synced" in log  # it heard the deliveries
    # The backfill wrote each company once; the renames came after it, by webhook only.
    erp = next(u for u in outcome.usage if u.role == "erp").to_json()
    assert erp["records_written"]["customer"] == 20 + 3


@pytest.mark.fidelity
def test_a_receiver_failing_twice_gets_the_retries_and_is_still_go(tmp_path: Path) -> None:
    outcome = judge(tmp_path, "--fail-first", "2", edits=1)

    assert outcome.report.verdict.go, (
        outcome.report.verdict.reasons,
        outcome.command.log_path.read_text(),
    )
    found = webhooks(outcome)
    first = found["attempts"][0]["eventIds"]
    tries = [(a["attemptNumber"], a["status"]) for a in found["attempts"] if a["eventIds"] == first]
    assert tries == [(0, 500), (1, 500), (2, 204)]
    assert found["retried_attempts"] == 2
    assert found["totals"]["attempts_retrying"] == 2
    assert found["totals"]["events_delivered"] >= 1
    assert found["totals"].get("events_gave_up", 0) == 0


@pytest.mark.fidelity
def test_the_examples_scenario_runs_with_pytest(tmp_path: Path) -> None:
    """As a team runs it: pytest on the feature folder, the plugin's steps, our command."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "-q",
            str(EXAMPLE / "features"),
            "--harness-crm",
            "hubspot",
            "--harness-erp",
            "netsuite",
            "--harness-command",
            shlex.join(SYNC),
            f"--junitxml={tmp_path / 'junit.xml'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert 'failures="0"' in (tmp_path / "junit.xml").read_text()


@pytest.mark.fidelity
def test_the_cli_judges_a_webhook_integration_and_refuses_a_crm_without_webhooks(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from harness.cli import app

    runner = CliRunner()
    folders = ["--workdir", str(tmp_path / "work"), "--reports-dir", str(tmp_path / "reports")]
    common = ["judge", "--crm", "hubspot", "--erp", "netsuite", "--flow", "customers",
              "--accounts", "10", "--timeout", "120", "--quiet-for", "2", *folders]  # fmt: skip
    go = runner.invoke(app, [*common, "--webhook", free_url(), "--webhook-edits", "2", "--",
                             *SYNC])  # fmt: skip
    assert go.exit_code == 0, go.output
    refused = runner.invoke(app, ["judge", "--crm", "salesforce", "--erp", "netsuite",
                                  "--webhook", free_url(), "--workdir", str(tmp_path / "w2"),
                                  "--", *SYNC])  # fmt: skip
    assert refused.exit_code == 2, refused.output
