"""Gherkin steps about flows that depend on each other: a full-business world, every business
flow configured (`harness.sandbox.flows`), and orders checked record by record on both
sides (the customer and each line's item resolved through the other flows' crosswalks)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.sandbox import Sandbox
from harness.sandbox.flows import BUSINESS_FLOWS
from mocks.world.generator import WorldSettings
from sync.connectors.base import Record
from sync.engine import RunResult
from sync.state import StateStore

ORDER_FIELDS = ("Id", "AccountId", "EffectiveDate", "OrderItems")


def crm_orders(box: Sandbox) -> list[Record]:
    """Every Salesforce order with its OrderItems (a nested list of rows)."""
    with box.connectors() as c:
        pages = c["crm"].read("Order", fields=ORDER_FIELDS)
        return sorted((r for page in pages for r in page), key=lambda r: r.id)


def _erp_ids_by_external(box: Sandbox, obj: str, values: list[str]) -> dict[str, Record]:
    with box.connectors() as c:
        return c["erp"].get_by_external_id(obj, "externalId", values)


def _product_items(box: Sandbox) -> dict[str, str]:
    """Product2 Id -> the NetSuite item id it was made from (NetSuite_Id__c)."""
    with box.connectors() as c:
        pages = c["crm"].read("Product2", fields=("Id", "NetSuite_Id__c"))
        return {r.id: str(r.fields.get("NetSuite_Id__c")) for page in pages for r in page}


def _run(box: Sandbox, ctx: dict[str, Any], flow: str, *, full: bool) -> RunResult:
    result = box.sync(flow, full=full)
    assert result.status in ("succeeded", "partial"), result.error
    ctx.setdefault("runs", {})[flow] = result
    return result


# -- Given -------------------------------------------------------------------------------------


@given(
    parsers.parse(
        "a full business world of {accounts:d} accounts and {products:d} products "
        "generated from seed {seed:d}"
    )
)
def full_business_world(sandbox: Sandbox, accounts: int, products: int, seed: int) -> None:
    world = WorldSettings(
        seed=seed, accounts=accounts, products=products, locations=2, full_business=True
    )
    sandbox.reseed(world)
    assert crm_orders(sandbox), "the world should hold orders in Salesforce"


@given("every business flow is configured")
def all_flows_configured(sandbox: Sandbox) -> None:
    sandbox.use_flows(BUSINESS_FLOWS)
    assert {f.name for f in sandbox.config.flows} == {f.name for f in BUSINESS_FLOWS}


@given(parsers.parse('the "{flow}" flow has run in full'))
def flow_ran_in_full(sandbox: Sandbox, scenario_context: dict[str, Any], flow: str) -> None:
    result = _run(sandbox, scenario_context, flow, full=True)
    assert result.status == "succeeded", [q.message for q in result.quarantined[:5]]


@given("NetSuite lacks some of the Salesforce orders")
def erp_lacks_orders(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    orders = [o.id for o in crm_orders(sandbox)]
    missing = set(orders) - set(_erp_ids_by_external(sandbox, "salesOrder", orders))
    assert missing, "every Salesforce order is already in NetSuite"
    scenario_context["missing_orders"] = missing


# -- When --------------------------------------------------------------------------------------


@when(parsers.parse('the "{flow}" flow runs in full'))
def flow_runs_in_full(sandbox: Sandbox, scenario_context: dict[str, Any], flow: str) -> None:
    _run(sandbox, scenario_context, flow, full=True)


@when(parsers.parse('the "{flow}" flow runs incrementally'))
def flow_runs_incrementally(sandbox: Sandbox, scenario_context: dict[str, Any], flow: str) -> None:
    _run(sandbox, scenario_context, flow, full=False)


# -- Then --------------------------------------------------------------------------------------


@then(parsers.parse('every order waits in quarantine as "{reason}" naming the "{flow}" flow'))
def orders_wait(sandbox: Sandbox, reason: str, flow: str) -> None:
    orders = crm_orders(sandbox)
    with StateStore(sandbox.config.state_path) as state:
        held = {q.source_id: q for q in state.quarantined("orders")}
    assert set(held) == {o.id for o in orders}
    for order in orders:
        entry = held[order.id]
        assert entry.reason == reason, entry.message
        assert f"{order.fields['AccountId']!r} is not synced yet" in entry.message
        assert f"{flow!r}" in entry.message


@then("NetSuite holds no sales order the orders flow would have written")
def no_orders_written(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["runs"]["orders"]
    assert (run.counts.created, run.counts.updated) == (0, 0)
    with StateStore(sandbox.config.state_path) as state:
        assert state.audit_for_run(run.run_id) == []


@then("the orders flow created exactly the sales orders NetSuite lacked")
def created_the_missing(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["runs"]["orders"]
    with StateStore(sandbox.config.state_path) as state:
        created = {e.source_id for e in state.audit_for_run(run.run_id) if e.action == "create"}
    assert created == scenario_context["missing_orders"]
    assert run.counts.created == len(created)


@then("no order waits in quarantine")
def no_order_waits(sandbox: Sandbox) -> None:
    with StateStore(sandbox.config.state_path) as state:
        assert state.quarantined("orders") == []


@then("every Salesforce order is a NetSuite sales order of its account's customer")
def orders_reached_the_erp(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    orders = crm_orders(sandbox)
    sales = _erp_ids_by_external(sandbox, "salesOrder", [o.id for o in orders])
    accounts = sorted({str(o.fields["AccountId"]) for o in orders})
    customers = _erp_ids_by_external(sandbox, "customer", accounts)
    assert set(sales) == {o.id for o in orders}
    for order in orders:
        customer = customers[str(order.fields["AccountId"])]
        assert sales[order.id].fields["entity"]["id"] == customer.id, order.id
    scenario_context.update(orders=orders, sales=sales)


@then("each of its lines names the product's NetSuite item with the same quantity and rate")
def lines_match(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    items = _product_items(sandbox)
    orders: list[Record] = scenario_context["orders"]
    sales: dict[str, Record] = scenario_context["sales"]
    lines_seen = 0
    for order in orders:
        crm_lines = sorted(order.fields["OrderItems"], key=lambda row: row["Line__c"])
        erp_lines = sorted(sales[order.id].fields["item"]["items"], key=lambda row: row["line"])
        assert [int(row["Line__c"]) for row in crm_lines] == [row["line"] for row in erp_lines]
        for crm, erp in zip(crm_lines, erp_lines, strict=True):
            assert erp["item"]["id"] == items[crm["Product2Id"]], (order.id, crm["Line__c"])
            assert float(erp["quantity"]) == float(crm["Quantity"]), (order.id, crm["Line__c"])
            assert float(erp["rate"]) == float(crm["UnitPrice"]), (order.id, crm["Line__c"])
            lines_seen += 1
    assert lines_seen > 0
