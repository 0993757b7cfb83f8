"""`harness plan`: calls, allowance shares and wall time from stated volumes and the packs'
published limits, the binding limit named, and a plan that does not fit refused (exit 1)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import yaml
from typer.testing import CliRunner

from harness.cli import app
from harness.config import load_config
from harness.config.schedule import Schedule
from harness.plan import build_plan, interval_seconds

runner = CliRunner()
VOLUMES = ["--volume", "customers=50000", "--volume", "orders=200000"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["init", str(tmp_path), "--crm", "salesforce", "--erp", "netsuite"])
    assert result.exit_code == 0, result.output
    return tmp_path / "harness.yaml"


def _edit(config: Path, change: dict) -> None:  # type: ignore[type-arg]
    data = yaml.safe_load(config.read_text())
    for system, values in change.get("systems", {}).items():
        data["systems"][system].update(values)
    for flow in data["flows"]:
        flow.update(change.get("flows", {}).get(flow["name"], {}))
    config.write_text(yaml.safe_dump(data))


def _plan(config: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["plan", "--config", str(config), "--json", *args])
    return result.exit_code, orjson.loads(result.stdout) if result.stdout.strip() else {}


def test_the_guide_s_volumes_name_netsuite_s_writes_as_the_binding_limit(project: Path) -> None:
    _edit(project, {"systems": {"erp": {"concurrency": 15}}})
    code, doc = _plan(project, *VOLUMES, "--flow", "customers", "--flow", "orders")
    assert code == 0 and doc["fits"]
    customers, orders = doc["flows"]
    assert "NetSuite (erp) writes" in customers["full_load"]["binding"]
    # One record a call, 15 in flight at 320 ms, after one lookup per 1,000 records.
    assert customers["full_load"]["target_calls"] == 50_000 + 50
    assert customers["full_load"]["seconds"] == pytest.approx(50 * 0.32 + 3334 * 0.32, abs=1)
    assert orders["full_load"]["seconds"] / 3600 == pytest.approx(1.19, abs=0.02)
    assert customers["full_load"]["source_calls"] == 25 + 3  # 2,000-row pages and the run's own
    assert doc["daily_allowances"]["crm"] == 100_000 and doc["daily_allowances"]["erp"] is None


def test_the_text_names_the_limit_its_hours_and_the_concurrency_the_account_allows(
    project: Path,
) -> None:
    result = runner.invoke(app, ["plan", "--config", str(project), *VOLUMES, "--flow", "orders"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "full load: 4.5 h" in text and "bound by NetSuite (erp) writes" in text
    assert "raise systems.erp.concurrency to 15 (the account allows it): 72 min" in text
    assert all(len(line) <= 80 for line in result.output.splitlines())


def test_a_schedule_that_cannot_finish_in_its_interval_does_not_fit(project: Path) -> None:
    _edit(project, {"flows": {"customers": {"schedule": {"realtime": 60}}}})
    code, doc = _plan(project, "--volume", "customers=50000",
                      "--changes-per-day", "customers=2000000", "--flow", "customers")  # fmt: skip
    assert code == 1 and not doc["fits"]
    (steady,) = [f["steady_state"] for f in doc["flows"]]
    assert steady["runs_per_day"] == 1440 and not steady["fits_interval"]
    assert "longer than its 60 s interval" in doc["warnings"][0]


def test_an_account_s_own_allowance_overrides_the_published_one(project: Path) -> None:
    _edit(project, {"systems": {"crm": {"limits": {"daily_calls": 100}}}})
    code, doc = _plan(project, "--volume", "products=200000", "--flow", "products")
    assert code == 1 and doc["daily_allowances"]["crm"] == 100
    assert any("spans 2.0 days" in w for w in doc["warnings"])
    (products,) = doc["flows"]
    assert "daily allowance (100 calls)" in products["full_load"]["binding"]


def test_bulk_rounds_are_planned_for_a_large_load_into_salesforce(project: Path) -> None:
    config = load_config(project, {})
    (products,) = build_plan(config, {"products": 200_000}, flows=["products"]).flows
    # 20 Bulk API jobs of 10,000 at six calls each, their lookups as query jobs.
    assert products.full.target_calls == 20 * 6 + 20 * 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--volume", "customers"], "expected NAME=COUNT"),
        (["--volume", "customers=lots"], "expected NAME=COUNT"),
        (["--flow", "shipments", "--volume", "customers=1"], "shipments"),
        (["--volume", "custmers=50000"], "unknown name(s) custmers"),
        ([], "no flow was planned"),
    ],
    ids=["no-count", "not-a-number", "unknown-flow", "misspelt", "nothing-planned"],
)
def test_bad_input_is_exit_2_naming_it(project: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["plan", "--config", str(project), *args])
    assert result.exit_code == 2 and message in result.output


def test_an_unknown_limit_in_harness_yaml_is_exit_2_naming_the_key(project: Path) -> None:
    _edit(project, {"systems": {"erp": {"limits": {"dialy_calls": 5}}}})
    result = runner.invoke(app, ["plan", "--config", str(project), "--volume", "customers=1"])
    assert result.exit_code == 2 and "dialy_calls" in result.output


def test_flows_without_a_volume_are_listed_not_guessed(project: Path) -> None:
    code, doc = _plan(project, "--volume", "customers=1000")
    assert code == 0 and "products" in doc["unplanned"]
    assert [f["flow"] for f in doc["flows"]] == ["customers", "customer_finance"]


def test_cron_intervals_average_over_a_week() -> None:
    assert interval_seconds(Schedule(cron="*/15 * * * *")) == 900
    assert interval_seconds(Schedule(cron="0 2 * * 1-5")) == pytest.approx(7 * 86_400 / 5)
    assert interval_seconds(Schedule(realtime=30)) == 30 and interval_seconds(None) is None


def test_every_registered_pack_publishes_its_limits() -> None:
    from sync.connectors import connector_pack, known_vendors

    missing = [v for v in known_vendors() if connector_pack(v).limits is None and v != "toy"]
    assert missing == []


def test_a_hubspot_to_netsuite_plan_weighs_hubspot_s_burst_allowance(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path), "--crm", "hubspot", "--erp", "netsuite"])
    assert result.exit_code == 0, result.output
    config = load_config(tmp_path / "harness.yaml", {})
    (products,) = build_plan(config, {"products": 1_000_000}, flows=["products"]).flows
    times = products.full.times
    assert times["HubSpot (crm) burst allowance (190 per 10 s)"] == pytest.approx(20_000 / 19)
    assert products.full.binding.startswith("HubSpot (crm) writes")


def test_the_connector_s_bulk_threshold_option_is_what_the_plan_estimates(project: Path) -> None:
    """The Salesforce connection's `bulk_threshold` option decides whether writes go through
    Bulk API 2.0 (0: every write, as the connector means it); the plan counts the path the
    connector will take. A bad value is exit 2 naming the key."""
    volume = ["--volume", "products=20000", "--flow", "products"]
    figures = {}
    for threshold in (1_000_000, 0):
        data = yaml.safe_load(project.read_text())
        data["systems"]["crm"].setdefault("options", {})["bulk_threshold"] = threshold
        project.write_text(yaml.safe_dump(data))
        code, doc = _plan(project, *volume)
        assert code == 0
        (flow,) = doc["flows"]
        figures[threshold] = flow["full_load"]["target_calls"]
    assert figures[0] < figures[1_000_000] / 5  # jobs of 10,000, not collections of 200
    data = yaml.safe_load(project.read_text())
    data["systems"]["crm"]["options"]["bulk_threshold"] = "lots"
    project.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["plan", "--config", str(project), *volume])
    assert result.exit_code == 2 and "systems.crm.options.bulk_threshold" in result.output
