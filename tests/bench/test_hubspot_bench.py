"""The HubSpot benchmark's arithmetic, call sorting and figures (its run takes a minute)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.hubspot_bench import (
    HUBSPOT_PLAN,
    figures,
    hubspot_minimum,
    kind_of,
    max_records_per_s,
    plan_limits,
    with_products_flow,
)
from bench.limits_bench import CallLog
from sync.engine import RunCounts, RunResult

ROOT = "https://127.0.0.1:1"


def test_the_minimum_is_an_upsert_and_a_lookup_per_hundred() -> None:
    assert hubspot_minimum(5_000) == 50 + 50
    assert hubspot_minimum(101) == 2 + 2  # a part-filled batch is still one call
    assert hubspot_minimum(0) == 0


def test_the_maximum_is_the_burst_allowance_spent_on_batches_of_a_hundred() -> None:
    # hubspot_realistic.yaml: a Professional portal, 190 requests per rolling 10 s
    assert plan_limits() == (190, 10.0)
    assert HUBSPOT_PLAN.name == "hubspot_realistic.yaml"
    assert max_records_per_s(190, 10.0) == pytest.approx(1_900)
    assert max_records_per_s(190, 10.0, calls_per_batch=2) == pytest.approx(950)


@pytest.mark.parametrize(
    ("method", "url", "kind"),
    [
        ("POST", f"{ROOT}/crm/v3/objects/products/batch/upsert", "upsert"),
        ("POST", f"{ROOT}/crm/v3/objects/products/batch/read?archived=false", "lookup"),
        ("POST", f"{ROOT}/crm/v3/objects/products/search", "lookup"),
        ("GET", f"{ROOT}/crm/v3/properties/products", "describe"),
        ("POST", f"{ROOT}/oauth/v1/token", "auth"),
        ("POST", f"{ROOT}/crm/v4/associations/deals/companies/batch/read", "association"),
        ("GET", f"{ROOT}/crm/v3/objects/products?limit=100&after=5", "list"),
        ("GET", f"{ROOT}/crm/v3/objects/products/50000000001", "other"),
    ],
    ids=["upsert", "batch-read", "search", "describe", "auth", "association", "list", "get"],
)
def test_calls_are_sorted_by_what_they_did(method: str, url: str, kind: str) -> None:
    assert kind_of(method, url) == kind


def test_figures_count_hubspot_calls_against_the_minimum() -> None:
    log = CallLog()
    upsert, read = log.listener("crm"), log.listener("erp")
    for _ in range(50):
        upsert("POST", f"{ROOT}/crm/v3/objects/products/batch/upsert", None)
        upsert("POST", f"{ROOT}/crm/v3/objects/products/batch/read", None)
    upsert("GET", f"{ROOT}/crm/v3/properties/products", None)
    read("POST", f"{ROOT}/services/rest/query/v1/suiteql", None)  # NetSuite's: not counted
    counts = RunCounts(read=5_000, created=5_000)
    result = RunResult("r", "products", "live", "full", "succeeded", counts)
    found = figures(result, 10.0, log, {"crm"}, {"start": [1.0, 1.0, 1.0]})
    assert (found["hubspot_calls"], found["other_calls"]) == (101, 1)
    assert (found["hubspot_upsert"], found["hubspot_lookup"], found["hubspot_describe"]) == (
        50, 50, 1)  # fmt: skip
    assert found["batch_minimum_calls"] == 100
    assert found["calls_vs_minimum"] == pytest.approx(1.01)
    assert found["hubspot_calls_per_record"] == pytest.approx(101 / 5_000)
    assert found["records_per_s"] == pytest.approx(500)
    assert found["throughput_vs_max"] == pytest.approx(500 / 1_900)
    assert found["throughput_vs_max_with_lookups"] == pytest.approx(500 / 950)


def test_the_products_flow_replaces_the_customers_flow_mock_up_wrote(tmp_path: Path) -> None:
    path = tmp_path / "harness.yaml"
    customers = {"name": "customers", "mapping": ".harness/mappings/customers.yaml",
                 "source": "crm", "target": "erp", "batch_size": 2000}  # fmt: skip
    path.write_text(yaml.safe_dump({"version": 1, "flows": [customers]}), encoding="utf-8")
    (flow,) = yaml.safe_load(with_products_flow(path).read_text(encoding="utf-8"))["flows"]
    assert flow == {"name": "products", "mapping": ".harness/mappings/products.yaml",
                    "source": "erp", "target": "crm", "batch_size": 2000}  # fmt: skip
