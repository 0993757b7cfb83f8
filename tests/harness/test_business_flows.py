"""Every business flow in one sandbox: the config lists them with their dependencies, and
`run_business_sandbox` syncs them in dependency order and reconciles each."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from harness.api import load_flows
from harness.cli import app
from harness.config import load_config
from harness.sandbox import flows as sandbox_flows
from harness.sandbox import pair_flows, write_config
from harness.sandbox.flows import BusinessOutcome, flow_order, per_flow, run_business_sandbox
from harness.sandbox.mocks import MockPair, RunningMock, mock_vendor
from harness.sandbox.pairs import SHIPPED
from mocks.world.generator import WorldSettings
from sync.errors import ConfigError

PAIR = pair_flows("salesforce", "netsuite", Path("/nonexistent"))  # shipped: nothing written
BUSINESS_FLOWS = PAIR.flows
DEFAULT_MAPPING = PAIR.default.mapping


def _fake_mocks() -> MockPair:
    """A MockPair as `write_config` reads it: vendors and URLs, no servers."""

    def mock(vendor: str, role: str, port: int) -> RunningMock:
        server = cast(Any, SimpleNamespace(url=f"http://127.0.0.1:{port}"))
        return RunningMock(mock_vendor(vendor, role), server, cast(Any, None), {})

    return MockPair(mock("salesforce", "crm", 9001), mock("netsuite", "erp", 9002), None, "token")


def test_the_sandbox_config_lists_every_flow_with_its_dependencies(tmp_path: Path) -> None:
    path = write_config(_fake_mocks(), tmp_path / "harness.yaml", mapping=DEFAULT_MAPPING,
                        state_path=tmp_path / "state.db", reports_dir=tmp_path / "reports",
                        flows=BUSINESS_FLOWS)  # fmt: skip
    config = load_config(path, {})
    depends = {f.name: set(f.depends_on) for f in config.flows}
    assert depends == {
        "customers": set(),
        "products": set(),
        "customer_finance": {"customers"},
        "contacts": {"customers"},
        "prices": {"products"},
        "orders": {"customers", "products"},
        "inventory": {"products"},
        "invoices": {"customers", "orders"},
        "payments": {"invoices"},
    }
    directions = {f.name: (f.source, f.target) for f in config.flows}
    assert directions["orders"] == ("crm", "erp") and directions["invoices"] == ("erp", "crm")
    plans = {plan.config.name: plan.spec for plan in load_flows(config)}
    for name, spec in plans.items():  # every reference names a flow it depends on
        assert {r.flow for r in spec.references} <= depends[name], name


def test_without_flows_the_sandbox_config_keeps_the_customers_flow_alone(
    tmp_path: Path,
) -> None:
    path = write_config(
        _fake_mocks(),
        tmp_path / "harness.yaml",
        mapping=DEFAULT_MAPPING,
        state_path=tmp_path / "state.db",
        reports_dir=tmp_path / "reports",
    )
    (flow,) = load_config(path, {}).flows
    assert (flow.name, flow.mapping, flow.depends_on) == ("customers", DEFAULT_MAPPING, ())


def test_flows_run_after_the_flows_they_depend_on() -> None:
    order = flow_order(BUSINESS_FLOWS)
    for flow in BUSINESS_FLOWS:
        for dependency in flow.depends_on:
            assert order.index(dependency) < order.index(flow.name)
    assert order.index("payments") > order.index("invoices") > order.index("orders")


def test_an_unknown_business_flow_names_the_known_ones() -> None:
    assert PAIR.flow("orders").mapping == SHIPPED / "salesforce-netsuite" / "orders.yaml"
    assert PAIR.origin == "shipped"
    with pytest.raises(ConfigError, match="known: customers, products"):
        PAIR.flow("refunds")


def test_the_sandbox_command_syncs_and_reconciles_every_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[BusinessOutcome] = []

    def small_catalogue(*, world: WorldSettings, **kwargs: Any) -> BusinessOutcome:
        # The command's world, with a catalogue small enough for a unit test.
        assert world.full_business and world.accounts == 6
        outcome = run_business_sandbox(world=replace(world, products=12, locations=2), **kwargs)
        seen.append(outcome)
        return outcome

    # The command imports the sandbox when it runs (start-up stays light): patch its source.
    monkeypatch.setattr(sandbox_flows, "run_business_sandbox", small_catalogue)
    result = CliRunner().invoke(
        app,
        ["sandbox", "--all-flows", "--accounts", "6", "--seed", "5",
         "--workdir", str(tmp_path / "work"), "--reports-dir", str(tmp_path / "reports")],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    (outcome,) = seen
    ran = [run.flow for run in outcome.runs]
    assert ran == flow_order(BUSINESS_FLOWS)
    assert all(run.status in ("succeeded", "partial") for run in outcome.runs)
    assert [score.flow for score in outcome.report.flows] == ran
    customers = next(s for s in outcome.report.flows if s.flow == "customers")
    assert customers.source_records == customers.equal == 6
    for score in outcome.report.flows:
        # References resolved, lines compared by key, stock exploded, prices scoped, finance
        # updates matched to their accounts: whatever is not equal is held in quarantine.
        assert score.source_records > 0, score.flow
        assert score.unexpected_in_target == 0, score.flow
        assert score.equal + score.quarantined >= score.source_records, (score.flow, score)
    for flow in ran:
        assert f"sync {flow} (live, full)" in result.output
    assert result.output.count("reconciliation scorecard") == len(BUSINESS_FLOWS)
    cards = per_flow(outcome.report)
    assert [card.flows[0].flow for card in cards] == ran
    assert all({c.flow for c in card.verdict.checks} == {card.flows[0].flow} for card in cards)
    assert outcome.paths["json"].exists()
