"""Steps about flows that depend on each other: a full-business world, every business flow
configured (`Sandbox.pair.flows`), and orders checked record by record on both sides.

An order and its lines are read through the orders flow's mapping (its canonical fields:
the customer, the lines, and each line's product, quantity and unit price); the customer is
found through the customers flow, and a product's ERP item through the products flow (the
CRM's product carries the ERP item's id in the products flow's external id field)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.bdd.business import Business, FlowView, get
from harness.bdd.steps.common import customers
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.connectors.base import Record
from sync.engine import RunResult
from sync.mapping import get_path
from sync.state import StateStore

ORDERS, PRODUCTS = "order", "product"


def _orders(box: Sandbox) -> FlowView:
    return Business(box).of(ORDERS)


def crm_orders(box: Sandbox) -> list[Record]:
    """Every order in the CRM with its lines (the child collection the mapping reads)."""
    flow = _orders(box)
    return Business(box).records(flow, flow.source, fields=flow.spec.source_fields)


def _erp_orders(box: Sandbox, order_ids: list[str]) -> dict[str, Record]:
    return Business(box).by_external_id(_orders(box), order_ids)


def _product_items(box: Sandbox) -> dict[str, str]:
    """The CRM's product id -> the ERP item it was made from (the products flow's external
    id, which the flow's target holds)."""
    flow = Business(box).of(PRODUCTS)
    external = flow.spec.external_id_field
    return {r.id: str(r.fields.get(external)) for r in Business(box).records(flow, flow.target)}


def _run(box: Sandbox, ctx: dict[str, Any], flow: str, *, full: bool) -> RunResult:
    result = box.sync(flow, full=full)
    assert result.status in ("succeeded", "partial"), result.error
    ctx.setdefault("runs", {})[flow] = result
    return result


def _quarantined(box: Sandbox, flow: str) -> dict[str, Any]:
    with StateStore(box.config.state_path) as state:
        return {q.source_id: q for q in state.quarantined(flow)}


# -- Given -------------------------------------------------------------------------------------


@given(
    parsers.parse(
        "a full business world of {count:d} customers and {products:d} products "
        "generated from seed {seed:d}"
    )
)
def full_business_world(sandbox: Sandbox, count: int, products: int, seed: int) -> None:
    world = WorldSettings(
        seed=seed, accounts=count, products=products, locations=2, full_business=True
    )
    sandbox.reseed(world)
    assert crm_orders(sandbox), "the world should hold orders in the CRM"


@given("every business flow is configured")
def all_flows_configured(sandbox: Sandbox) -> None:
    sandbox.use_flows(sandbox.pair.flows)
    assert {f.name for f in sandbox.config.flows} == {f.name for f in sandbox.pair.flows}


@given(parsers.parse('the "{flow}" flow has run in full'))
def flow_ran_in_full(sandbox: Sandbox, scenario_context: dict[str, Any], flow: str) -> None:
    result = _run(sandbox, scenario_context, flow, full=True)
    assert result.status == "succeeded", [q.message for q in result.quarantined[:5]]


@given("the ERP lacks some of the CRM's orders")
def erp_lacks_orders(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    orders = [o.id for o in crm_orders(sandbox)]
    missing = set(orders) - set(_erp_orders(sandbox, orders))
    assert missing, "every order of the CRM is already in the ERP"
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
    orders, customer = crm_orders(sandbox), _orders(sandbox).field("crm", "customer")
    held = _quarantined(sandbox, _orders(sandbox).name)
    assert set(held) == {o.id for o in orders}
    for order in orders:
        entry = held[order.id]
        assert entry.reason == reason, entry.message
        assert f"{order.fields[customer]!r} is not synced yet" in entry.message
        assert f"{flow!r}" in entry.message


@then("the ERP holds no order the orders flow would have written")
def no_orders_written(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["runs"][_orders(sandbox).name]
    assert (run.counts.created, run.counts.updated) == (0, 0)
    with StateStore(sandbox.config.state_path) as state:
        assert state.audit_for_run(run.run_id) == []


@then("the orders flow created exactly the orders the ERP lacked")
def created_the_missing(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["runs"][_orders(sandbox).name]
    with StateStore(sandbox.config.state_path) as state:
        created = {e.source_id for e in state.audit_for_run(run.run_id) if e.action == "create"}
    assert created == scenario_context["missing_orders"]
    assert run.counts.created == len(created)


@then("no order waits in quarantine")
def no_order_waits(sandbox: Sandbox) -> None:
    assert _quarantined(sandbox, _orders(sandbox).name) == {}


@then("every order in the CRM is an order in the ERP, for the same customer")
def orders_reached_the_erp(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow = _orders(sandbox)
    source, target = flow.field("crm", "customer"), flow.field("erp", "customer")
    orders = crm_orders(sandbox)
    erp_orders = _erp_orders(sandbox, [o.id for o in orders])
    buyers = sorted({str(o.fields[source]) for o in orders})
    known = Business(sandbox).by_external_id(customers(sandbox), buyers)
    assert set(erp_orders) == {o.id for o in orders}
    for order in orders:
        customer = known[str(order.fields[source])]
        assert str(get(erp_orders[order.id], target)) == customer.id, order.id
    scenario_context.update(orders=orders, erp_orders=erp_orders)


def _lines(record: Record, path: str, number: str) -> list[dict[str, Any]]:
    rows = get_path(record.fields, path) or []
    return sorted(rows, key=lambda row: int(get_path(row, number)))


@then("each of its lines names the product's ERP item with the same quantity and unit price")
def lines_match(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow = _orders(sandbox)
    carried = ("line_number", "product", "quantity", "unit_price")
    crm = {c: flow.element_field("crm", "lines", c) for c in carried}  # the CRM's line
    erp = {c: flow.element_field("erp", "lines", c) for c in carried}  # the ERP's line
    items = _product_items(sandbox)
    orders: list[Record] = scenario_context["orders"]
    erp_orders: dict[str, Record] = scenario_context["erp_orders"]
    lines_seen = 0
    for order in orders:
        crm_lines = _lines(order, flow.field("crm", "lines"), crm["line_number"])
        erp_lines = _lines(erp_orders[order.id], flow.field("erp", "lines"), erp["line_number"])
        assert [int(get_path(row, crm["line_number"])) for row in crm_lines] == [
            int(get_path(row, erp["line_number"])) for row in erp_lines
        ], order.id
        for ours, theirs in zip(crm_lines, erp_lines, strict=True):
            where = (order.id, get_path(ours, crm["line_number"]))
            product = items[str(get_path(ours, crm["product"]))]
            assert str(get_path(theirs, erp["product"])) == product, where
            for number in ("quantity", "unit_price"):
                expected = float(get_path(ours, crm[number]))
                assert float(get_path(theirs, erp[number])) == expected, (where, number)
            lines_seen += 1
    assert lines_seen > 0
