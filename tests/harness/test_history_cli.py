"""`harness history`, `harness trend`, the reconcile log behind them, and `--mask-pii`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from harness import output
from harness.api import record_reconcile
from harness.cli import app
from harness.config import HarnessConfig, load_config
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.mask import mask_value
from reconcile.model import FlowScore, Thresholds
from reconcile.reconciler import build_report
from sync.state import ReconcileSummary, StateStore
from tests.paths import CUSTOMERS_MAPPING

MAPPING = CUSTOMERS_MAPPING
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
runner = CliRunner()


def _config_text(state: Path) -> str:
    return f"""\
version: 1
systems:
  crm:
    vendor: salesforce
    base_url: https://127.0.0.1:8443/
    credentials: {{client_id: {{env: HARNESS_SF_CLIENT_ID}}}}
  erp:
    vendor: netsuite
    base_url: https://127.0.0.1:8444
    credentials: {{token_secret: {{env: HARNESS_NS_TOKEN_SECRET}}}}
    options: {{account: "1234567_SB1"}}
state: {{path: {state}}}
flows:
  - {{name: customers, mapping: {MAPPING}, source: crm, target: erp}}
"""


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a 200-column terminal shows them, so a row stays on one line."""
    monkeypatch.setattr(output.console, "width", 200)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "harness.yaml"
    path.write_text(_config_text(tmp_path / "state" / "state.db"), encoding="utf-8")
    return path


@pytest.fixture
def config(config_path: Path) -> HarnessConfig:
    return load_config(config_path, {})


def _score(flow: str, equal: int, missing: int = 0) -> FlowScore:
    total = equal + missing
    return FlowScore(
        flow=flow, source_object="Account", target_object="customer", source_records=total,
        target_records=equal, matched=equal, equal=equal, different=0, missing_in_target=missing,
        unexpected_in_target=0, duplicates=0, quarantined=0, fields_compared=equal * 10,
        fields_equal=equal * 10, fields=(), root_causes={"never synced": missing} if missing
        else {}, findings=(),
    )  # fmt: skip


def _seed(config: HarnessConfig) -> None:
    """Two sync runs and four reconciles of two flows, accuracy rising."""
    with StateStore(config.state_path, clock=lambda: T0) as state:
        run = state.start_run("customers", "live", "full")
        state.finish_run(run.run_id, "succeeded", {"read": 40, "created": 38, "quarantined": 2})
        other = state.start_run("orders", "dry-run", "incremental")
        state.finish_run(other.run_id, "failed", {"read": 0}, error="boom")
        for i, equal in enumerate((80, 90, 95, 100)):
            counts = {"source_records": 100, "missing_in_target": 100 - equal}
            summaries = [
                ReconcileSummary(
                    flow=flow,
                    generated_at=T0 + timedelta(days=i),
                    verdict="GO" if i == 3 else "NO-GO",
                    passed=i == 3,
                    record_accuracy=equal / 100,
                    field_accuracy=(equal + 100) / 200,
                    counts=counts,
                )
                for flow in ("customers", "orders")
            ]
            state.record_reconcile(summaries)


def test_history_without_a_state_file_says_so(config_path: Path) -> None:
    result = runner.invoke(app, ["history", "--config", str(config_path)])
    assert result.exit_code == 0, result.output
    assert "no sync runs or reconciles recorded yet" in result.output
    result = runner.invoke(app, ["trend", "--config", str(config_path)])
    assert result.exit_code == 0 and "run `harness reconcile` first" in result.output


@pytest.mark.usefixtures("wide")
def test_history_lists_runs_and_reconciles(config_path: Path, config: HarnessConfig) -> None:
    _seed(config)
    result = runner.invoke(app, ["history", "--config", str(config_path)])
    assert result.exit_code == 0, result.output
    assert "sync runs (2)" in result.output and "reconciles (8 flow results)" in result.output
    assert "dry-run" in result.output and "failed" in result.output
    assert "read 40 created 38 quarantined 2" in result.output
    assert "100.00%" in result.output and "80.00%" in result.output
    assert "NO-GO" in result.output


def test_history_json_filters_by_flow(config_path: Path, config: HarnessConfig) -> None:
    _seed(config)
    args = ["history", "--config", str(config_path), "--flow", "orders", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = orjson.loads(result.stdout)
    assert [(r["flow"], r["mode"], r["status"], r["error"]) for r in doc["runs"]] == [
        ("orders", "dry-run", "failed", "boom")
    ]
    assert {s["flow"] for s in doc["reconciles"]} == {"orders"}
    assert [s["record_accuracy"] for s in doc["reconciles"]] == [1.0, 0.95, 0.9, 0.8]
    assert doc["reconciles"][0]["counts"] == {"source_records": 100, "missing_in_target": 0}


@pytest.mark.usefixtures("wide")
def test_trend_shows_accuracy_oldest_first_with_a_sparkline(
    config_path: Path, config: HarnessConfig
) -> None:
    _seed(config)
    args = ["trend", "--config", str(config_path), "--flow", "customers"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "trend: customers (4 reconciles)" in result.output
    assert "orders" not in result.output
    assert "record accuracy ▁▅▆█  80.00% -> 100.00%" in result.output
    doc = orjson.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert [s["record_accuracy"] for s in doc] == [0.8, 0.9, 0.95, 1.0]


@pytest.mark.parametrize(
    ("values", "line"),
    [
        pytest.param([], "", id="empty"),
        pytest.param([0.5, 0.5], "██", id="flat"),
        pytest.param([0.0, 0.0], "▁▁", id="flat-zero"),
        pytest.param([0.0, 0.5, 1.0], "▁▅█", id="rising"),
        pytest.param([1.0, 0.0], "█▁", id="falling"),
    ],
)
def test_sparkline(values: list[float], line: str) -> None:
    assert output.sparkline(values) == line


def test_every_reconcile_is_logged_and_returned_for_the_trend(config: HarnessConfig) -> None:
    first = build_report([_score("customers", 9, missing=1)], Thresholds(), {"config": "x"})
    second = build_report([_score("customers", 10)], Thresholds(), {"config": "x"})
    assert [s.record_accuracy for s in record_reconcile(config, first)] == [0.9]
    history = record_reconcile(config, second)
    assert [(s.record_accuracy, s.verdict, s.passed) for s in history] == [
        (1.0, "GO", True),
        (0.9, "NO-GO", False),
    ]
    assert history[1].counts["missing_in_target"] == 1
    assert history[0].config == str(config.path)


def test_an_unusable_state_file_does_not_fail_the_reconcile(config: HarnessConfig) -> None:
    config.state_path.mkdir(parents=True)  # a directory where the file should be
    report = build_report([_score("customers", 10)], Thresholds())
    assert record_reconcile(config, report) == []


def test_reconcile_masks_pii_in_every_report_and_logs_the_run(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.reseed(WorldSettings(accounts=12, seed=11))
    assert sandbox.sync().status == "succeeded"
    secret_name, secret_email = "Zebulon Quackenbush & Daughters", "zebulon.q@example.org"
    with sandbox.connectors() as connectors:
        crm = connectors["crm"]
        (page, *_rest) = list(crm.read("Account"))
        edited = page[0].id
        crm.update("Account", [(edited, {"Name": secret_name, "Billing_Email__c": secret_email})])
    reports = tmp_path / "reports"
    args = ["reconcile", "--config", str(sandbox.config_path), "--reports-dir", str(reports)]
    result = runner.invoke(app, [*args, "--mask-pii"], env=sandbox.mocks.env)
    assert result.exit_code == 1, result.output  # the edit in flight is a difference: NO-GO
    files = {p.suffix: p for p in reports.iterdir()}
    assert set(files) == {".json", ".md", ".html", ".xml"}
    for path in files.values():
        text = path.read_text(encoding="utf-8")
        assert "Zebulon" not in text and "zebulon" not in text, path.name
    doc = orjson.loads(files[".json"].read_bytes())
    assert doc["meta"]["masked"] == "emails, names, phones"
    diffs = {d["path"]: d for f in doc["flows"] for x in f["findings"] for d in x["diffs"]}
    assert diffs["companyName"]["expected"] == mask_value(secret_name)
    assert "Zebulon" not in result.output
    assert "personal data masked in every report: emails, names, phones" in result.output
    assert f"html report: {files['.html']}" in result.output.replace("\n", "")
    # the reconcile was logged, and the HTML draws its trend from the log
    logged = runner.invoke(app, ["history", "--config", str(sandbox.config_path), "--json"])
    (summary,) = orjson.loads(logged.stdout)["reconciles"]
    assert (summary["flow"], summary["verdict"], summary["passed"]) == ("customers", "NO-GO", False)
    assert summary["counts"]["different"] >= 1
    assert 'id="trend-0"' in files[".html"].read_text(encoding="utf-8")
