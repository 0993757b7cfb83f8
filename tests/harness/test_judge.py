"""`harness judge` on real sandboxes (uvicorn over TLS): the example integration, written with
the vendors' SDKs only, judged GO; each of its seeded bugs NO-GO with the cause named; a
command that fails is NO-GO by itself; and the journal counts what the connectors count."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.judge import JudgeSettings, run_judge
from harness.judge.admin import admin
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from tests.paths import ROOT

EXAMPLE = ROOT / "examples" / "salesforce_to_netsuite"
SYNC = (sys.executable, str(EXAMPLE / "sync.py"))
THROTTLED = EXAMPLE / "faults" / "throttled_writes.yaml"


def settings(tmp_path: Path, *command: str, **kw: object) -> JudgeSettings:
    world = kw.pop("world", WorldSettings(accounts=30))
    return JudgeSettings(
        command=command or SYNC,
        workdir=tmp_path / "work",
        reports_dir=tmp_path / "reports",
        world=world,  # type: ignore[arg-type]
        flows=("customers",),
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.fidelity
def test_the_example_is_go_for_customers_and_orders(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "judge",
            "--accounts",
            "30",
            "--flow",
            "customers",
            "--flow",
            "orders",
            "--mappings",
            str(EXAMPLE / "mappings"),
            "--workdir",
            str(tmp_path / "work"),
            "--reports-dir",
            str(tmp_path / "reports"),
            "--json",
            "--",
            *SYNC,
        ],
    )

    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout.strip().splitlines()[-1])
    assert verdict["verdict"] == "GO" and verdict["reasons"] == []
    assert verdict["command"]["exit_code"] == 0
    erp = next(u for u in verdict["usage"] if u["role"] == "erp")
    assert erp["records_written"]["customer"] == 30 and erp["records_written"]["salesOrder"] > 30
    assert erp["out_of_scope"] == {}
    assert erp["calls"] <= 3 * erp["minimum_calls"]
    assert (tmp_path / "reports" / "judge.xml").is_file()


@pytest.mark.fidelity
def test_names_cut_at_30_characters_are_no_go_as_silent_truncation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXAMPLE_BUG_TRUNCATE_NAMES", "1")
    outcome = run_judge(settings(tmp_path))

    assert not outcome.report.verdict.go
    (flow,) = outcome.report.flows
    causes = " ".join(flow.root_causes)
    assert "silently truncated by the target (30 of" in causes
    assert any("customers: record accuracy" in r for r in outcome.report.verdict.reasons)


@pytest.mark.fidelity
def test_a_retry_loop_that_ignores_retry_after_is_no_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXAMPLE_BUG_IGNORE_RETRY_AFTER", "1")
    outcome = run_judge(settings(tmp_path, faults=THROTTLED, long_names=0.0))

    reasons = outcome.report.verdict.reasons
    assert reasons == ("integration: erp 429s not honoured (Retry-After ignored) is 2, needs <= 0",)
    erp = next(u for u in outcome.usage if u.role == "erp")
    assert erp.rate_limited == 2 and erp.retry_after["ignored"] == 2


@pytest.mark.fidelity
def test_the_example_waits_as_asked_and_is_go_under_throttling(tmp_path: Path) -> None:
    outcome = run_judge(settings(tmp_path, faults=THROTTLED, long_names=0.0))

    assert outcome.report.verdict.go, outcome.report.verdict.reasons
    erp = next(u for u in outcome.usage if u.role == "erp")
    assert erp.retry_after["honoured"] == 2 and erp.retries == 2


def test_a_failing_command_is_no_go_and_never_sees_the_admin_token(tmp_path: Path) -> None:
    seen = tmp_path / "seen.json"
    script = (
        "import json, os, sys; "
        f"json.dump(sorted(os.environ), open({str(seen)!r}, 'w')); sys.exit(3)"
    )
    outcome = run_judge(settings(tmp_path, sys.executable, "-c", script, long_names=0.0))

    assert "integration: command exit status is 3, needs <= 0" in outcome.report.verdict.reasons
    names = set(json.loads(seen.read_text()))
    assert {
        "HARNESS_CRM_URL",
        "HARNESS_ERP_URL",
        "HARNESS_CA_BUNDLE",
        "HARNESS_ERP_ACCOUNT",
        "HARNESS_SF_CLIENT_ID",
        "HARNESS_NS_TOKEN_SECRET",
    } <= names
    assert "HARNESS_ADMIN_TOKEN" not in names
    assert stat.S_IMODE(outcome.env_path.stat().st_mode) == 0o600
    assert "HARNESS_ERP_URL=" in outcome.env_path.read_text()


def test_journal_calls_match_the_connectors_call_count_for_our_own_sync(tmp_path: Path) -> None:
    with Sandbox.start(tmp_path, WorldSettings(accounts=60)) as box:
        for role in ("crm", "erp"):
            admin(box, role, "DELETE", "/journal")
        run = box.sync(full=True)
        journals = {
            r: admin(box, r, "GET", "/journal", params={"limit": 0}) for r in ("crm", "erp")
        }

    assert run.source_calls > 0 and run.target_calls > 0
    assert journals["crm"]["totals"]["requests"] == run.source_calls
    assert journals["erp"]["totals"]["requests"] == run.target_calls
    written = journals["erp"]["summary"]["records_written"]["customer"]
    assert written == 60


def test_a_long_running_integration_is_stopped_once_the_sandboxes_go_quiet(
    tmp_path: Path,
) -> None:
    script = (
        "import os, time, httpx; "
        "httpx.get(os.environ['HARNESS_CRM_URL'] + '/services/data/', "
        "verify=os.environ['HARNESS_CA_BUNDLE']); time.sleep(60)"
    )
    outcome = run_judge(
        settings(
            tmp_path, sys.executable, "-c", script, quiet_for=1.0, timeout=60.0, long_names=0.0
        )
    )

    assert outcome.command.ending == "quiet"
    command = next(c for c in outcome.report.verdict.checks if c.name == "command exit status")
    assert command.ok
    crm = next(u for u in outcome.usage if u.role == "crm")
    assert crm.calls == 1


@pytest.mark.fidelity
def test_sandboxes_already_running_are_judged_and_left_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.config import apply_env_file
    from harness.sandbox import start_mock_environment

    up = start_mock_environment(
        crm="salesforce",
        erp="netsuite",
        world=WorldSettings(accounts=5),
        workdir=tmp_path / "up",
        https=True,
        crm_port=0,
        erp_port=0,
        config_out=tmp_path / "up" / "harness.yaml",
    )
    try:
        environ: dict[str, str] = {}
        apply_env_file(up.env_path, environ)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        outcome = run_judge(settings(tmp_path, running=up.config_path))
        assert outcome.report.verdict.go, outcome.report.verdict.reasons
        (flow,) = outcome.report.flows
        assert flow.source_records == 30  # reseeded with the judge's world
        ca = str(up.mocks.tls.ca_path) if up.mocks.tls else False
        health = httpx.get(f"{up.mocks.crm.url}/__harness/health", verify=ca)
        assert health.status_code == 200  # still serving: not the judge's to stop
    finally:
        up.mocks.stop()


def test_the_json_report_carries_the_judgement_and_meets_its_schema(tmp_path: Path) -> None:
    import jsonschema

    outcome = run_judge(settings(tmp_path, sys.executable, "-c", "pass", long_names=0.0))

    document = json.loads(outcome.paths["json"].read_text())
    schema = json.loads(
        (ROOT / "fixtures" / "schemas" / "reconcile-report.schema.json").read_text()
    )
    jsonschema.validate(document, schema)
    assert document["meta"]["judge"]["ending"] == "exited"
    assert {u["role"] for u in document["meta"]["judge"]["usage"]} == {"crm", "erp"}
    assert document["verdict"]["verdict"] == "NO-GO"  # nothing carried: customers missing
