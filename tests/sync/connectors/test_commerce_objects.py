"""Both connectors over the commerce objects of a seeded full-business world: describe, full
reads (with sublists and child rows), external-id lookups and upserts with lines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mocks.world.generator import WorldSettings
from sync.connectors import Record

from .conftest import Kit, build_kit

WORLD = WorldSettings(seed=5, accounts=25, full_business=True, dirty=0.2)


@pytest.fixture
def ns(netsuite_kit: Kit) -> Kit:
    netsuite_kit.app.state.mock.seed(WORLD)
    return netsuite_kit


@pytest.fixture
def sf() -> Iterator[Kit]:
    for kit in build_kit("salesforce"):
        kit.app.state.mock.seed(WORLD)
        yield kit


def _all(kit: Kit, obj: str, **kw: object) -> list[Record]:
    return [r for page in kit.connector().read(obj, **kw) for r in page]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "obj",
    ["salesOrder", "invoice", "customerPayment", "inventoryItem", "contact", "location"],
)
def test_netsuite_reads_every_commerce_record_type(ns: Kit, obj: str) -> None:
    store = ns.app.state.mock.store
    records = _all(ns, obj)
    assert sorted(r.id for r in records) == sorted(r.id for r in store.records(obj))
    assert [(r.modified_at, r.id) for r in records] == sorted(
        (r.modified_at, r.id) for r in records
    )


def test_netsuite_sales_orders_carry_their_lines(ns: Kit) -> None:
    order = _all(ns, "salesOrder")[0]
    lines = order.fields["item"]
    assert isinstance(lines, list)  # the sublist's lines, without its paging keys
    assert lines and all({"item", "rate", "amount"} <= set(line) for line in lines)
    assert all(isinstance(line["item"], str) and line["item_refName"] for line in lines)
    assert isinstance(order.fields["entity"], str) and order.fields["entity_refName"]
    schema = ns.connector().describe("salesOrder")
    assert schema.field("tranDate").type == "date"  # type: ignore[union-attr]
    assert schema.field("item").type == "array"  # type: ignore[union-attr]
    assert schema.field("total").createable is False  # type: ignore[union-attr]


def test_netsuite_upserts_sales_orders_with_lines_by_external_id(ns: Kit) -> None:
    conn = ns.connector()
    existing = _all(ns, "salesOrder")[0]
    external_id = existing.fields["externalId"]
    found = conn.get_by_external_id("salesOrder", "externalId", [external_id, "801-NOPE"])
    assert list(found) == [external_id] and found[external_id].id == existing.id
    item = existing.fields["item"][0]["item"]
    body = {
        "externalId": "801-NEW",
        "entity": existing.fields["entity"],
        "item": [{"item": item, "quantity": 3, "rate": 2.5}],
    }
    (result,) = conn.upsert("salesOrder", "externalId", [body])
    assert result.ok and result.id
    created = conn.get_by_external_id("salesOrder", "externalId", ["801-NEW"])["801-NEW"]
    assert created.fields["total"] == 7.5
    assert created.fields["entity"] == existing.fields["entity"]
    assert [(line["item"], line["quantity"]) for line in created.fields["item"]] == [(item, 3)]
    assert int(created.id) > max(int(r.id) for r in _all(ns, "invoice"))  # one sequence


def test_salesforce_reads_orders_with_nested_order_items(sf: Kit) -> None:
    store = sf.app.state.mock.store
    orders = _all(sf, "Order", fields=["OrderNumber", "TotalAmount", "OrderItems"])
    assert len(orders) == store.count("Order")
    with_items = [o for o in orders if o.fields["OrderItems"]]
    assert with_items and all(isinstance(o.fields["OrderItems"], list) for o in orders)
    line = with_items[0].fields["OrderItems"][0]
    assert line["OrderId"] == with_items[0].id and "attributes" not in line
    assert {"Quantity", "UnitPrice", "TotalPrice", "PricebookEntryId"} <= set(line)
    items = _all(sf, "OrderItem")
    assert len(items) == store.count("OrderItem")


@pytest.mark.parametrize(
    ("obj", "ext_field"),
    [("Product2", "NetSuite_Id__c"), ("Invoice__c", "NetSuite_Id__c"),
     ("Inventory_Level__c", "NetSuite_Id__c"), ("Order", "Order_Key__c")],
)  # fmt: skip
def test_salesforce_looks_up_commerce_records_by_external_id(
    sf: Kit, obj: str, ext_field: str
) -> None:
    conn = sf.connector()
    records = _all(sf, obj)
    assert records
    keys = [str(r.fields[ext_field]) for r in records[:5]]
    found = conn.get_by_external_id(obj, ext_field, [*keys, "NOPE"])
    assert set(found) == set(keys)


def test_salesforce_upserts_products_and_invoices_from_the_erp(sf: Kit) -> None:
    conn = sf.connector()
    products = conn.upsert("Product2", "NetSuite_Id__c", [
        {"NetSuite_Id__c": "1", "Name": "Renamed Pump", "IsActive": True},
        {"NetSuite_Id__c": "9001", "Name": "New Valve", "ProductCode": "SKU-9001"},
    ])  # fmt: skip
    assert [(r.ok, r.created) for r in products] == [(True, False), (True, True)]
    account = _all(sf, "Account", fields=["Name"])[0].id
    (invoice,) = conn.upsert("Invoice__c", "NetSuite_Id__c", [
        {"NetSuite_Id__c": "INV-NEW", "Name": "INV-NEW", "Account__c": account,
         "Total__c": 10, "Amount_Due__c": 10, "Payment_Status__c": "Late"},
    ])  # fmt: skip
    assert (invoice.ok, invoice.error_code) == (False, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
