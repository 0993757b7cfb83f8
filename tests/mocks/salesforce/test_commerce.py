"""Commerce objects over the REST API: products, price books and entries, orders and their
items (with the org's computed totals), and the custom objects fed by the ERP."""

from __future__ import annotations

from typing import Any

import pytest

from mocks.salesforce.commerce_rules import STANDARD_PRICEBOOK_ID
from mocks.salesforce.ids import make_id

from .conftest import Api


def _create(api: Api, obj: str, **fields: Any) -> str:
    response = api.post(f"sobjects/{obj}/", json=fields)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _error(api: Api, obj: str, **fields: Any) -> dict[str, Any]:
    response = api.post(f"sobjects/{obj}/", json=fields)
    assert response.status_code == 400, response.text
    (error,) = response.json()
    return dict(error)


def _get(api: Api, obj: str, record_id: str) -> dict[str, Any]:
    response = api.get(f"sobjects/{obj}/{record_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def product(api: Api) -> str:
    return _create(api, "Product2", Name="Pump A-10", ProductCode="SKU-1", IsActive=True,
                   Family="Hardware", NetSuite_Id__c="17")  # fmt: skip


@pytest.fixture
def entry(api: Api, product: str) -> str:
    return _create(api, "PricebookEntry", Pricebook2Id=STANDARD_PRICEBOOK_ID,
                   Product2Id=product, UnitPrice=12.5, IsActive=True)  # fmt: skip


@pytest.fixture
def account(api: Api) -> str:
    return _create(api, "Account", Name="Acme")


@pytest.fixture
def order(api: Api, account: str) -> str:
    return _create(api, "Order", AccountId=account, EffectiveDate="2024-01-10", Status="Draft",
                   Pricebook2Id=STANDARD_PRICEBOOK_ID, Order_Key__c="SO-1")  # fmt: skip


def test_new_objects_get_ids_with_their_key_prefixes(
    api: Api, product: str, entry: str, order: str, account: str
) -> None:
    invoice = _create(api, "Invoice__c", Name="INV-1", Account__c=account, Order__c=order,
                      Total__c=10, Amount_Due__c=10, Payment_Status__c="Unpaid")  # fmt: skip
    level = _create(api, "Inventory_Level__c", Product__c=product, Quantity_On_Hand__c=4)
    prefixes = [i[:3] for i in (product, entry, order, invoice, level)]
    assert prefixes == ["01t", "01u", "801", "a01", "a02"]
    assert all(len(i) == 18 for i in (product, entry, order, invoice, level))
    assert _get(api, "Inventory_Level__c", level)["Name"] == "IL-000001"


def test_standard_price_book_exists_and_cannot_be_created(api: Api) -> None:
    rows = api.query("SELECT Id, Name, IsStandard FROM Pricebook2").json()["records"]
    assert [(r["Id"], r["IsStandard"]) for r in rows] == [(STANDARD_PRICEBOOK_ID, True)]
    error = _error(api, "Pricebook2", Name="Mine", IsStandard=True)
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_price_book_entries_are_unique_and_need_a_standard_price(
    api: Api, product: str, entry: str
) -> None:
    duplicate = _error(api, "PricebookEntry", Pricebook2Id=STANDARD_PRICEBOOK_ID,
                       Product2Id=product, UnitPrice=1)  # fmt: skip
    assert duplicate["errorCode"] == "DUPLICATE_VALUE"
    wholesale = _create(api, "Pricebook2", Name="Wholesale", IsActive=True)
    no_standard = _error(api, "PricebookEntry", Pricebook2Id=wholesale, Product2Id=product,
                         UnitPrice=9, CurrencyIsoCode="EUR")  # fmt: skip
    assert no_standard["errorCode"] == "STANDARD_PRICE_NOT_DEFINED"
    custom = _create(api, "PricebookEntry", Pricebook2Id=wholesale, Product2Id=product,
                     UnitPrice=10)  # fmt: skip
    body = _get(api, "PricebookEntry", custom)
    assert (body["Name"], body["ProductCode"], body["CurrencyIsoCode"]) == (
        "Pump A-10", "SKU-1", "USD")  # fmt: skip


def test_order_items_total_and_roll_up_into_the_order(
    api: Api, order: str, entry: str, product: str
) -> None:
    first = _create(api, "OrderItem", OrderId=order, PricebookEntryId=entry, Quantity=3,
                    UnitPrice=12.5)  # fmt: skip
    _create(api, "OrderItem", OrderId=order, PricebookEntryId=entry, Quantity=2, UnitPrice=10,
            Discount__c=4)  # fmt: skip
    item = _get(api, "OrderItem", first)
    assert (item["Product2Id"], item["ListPrice"], item["TotalPrice"]) == (product, 12.5, 37.5)
    assert item["OrderItemNumber"] == "0000000001"
    placed = _get(api, "Order", order)
    assert placed["TotalAmount"] == 53.5
    assert placed["OrderNumber"] == "00000100"
    assert api.patch(f"sobjects/OrderItem/{first}", json={"Quantity": 1}).status_code == 204
    assert _get(api, "OrderItem", first)["TotalPrice"] == 12.5
    assert _get(api, "Order", order)["TotalAmount"] == 28.5
    assert api.delete(f"sobjects/OrderItem/{first}").status_code == 204
    assert _get(api, "Order", order)["TotalAmount"] == 16


@pytest.mark.parametrize(
    ("obj", "fields", "code"),
    [
        ("OrderItem", {"PricebookEntryId": "<entry>", "Quantity": 1, "UnitPrice": 1},
         "REQUIRED_FIELD_MISSING"),
        ("OrderItem", {"OrderId": make_id("801", 999), "PricebookEntryId": "<entry>",
                       "Quantity": 1, "UnitPrice": 1}, "INVALID_CROSS_REFERENCE_KEY"),
        ("OrderItem", {"OrderId": "<bare order>", "PricebookEntryId": "<entry>",
                       "Quantity": 1, "UnitPrice": 1}, "FIELD_INTEGRITY_EXCEPTION"),
        ("OrderItem", {"OrderId": "<order>", "PricebookEntryId": "<entry>", "UnitPrice": 1},
         "REQUIRED_FIELD_MISSING"),
        ("Order", {"AccountId": "<account>", "EffectiveDate": "2024-01-01", "Status": "Open"},
         "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
        ("Order", {"EffectiveDate": "2024-01-01", "Status": "Draft"}, "REQUIRED_FIELD_MISSING"),
        ("Order", {"AccountId": "<account>", "EffectiveDate": "2024-01-01", "Status": "Draft",
                   "TotalAmount": 5}, "INVALID_FIELD_FOR_INSERT_UPDATE"),
        ("Invoice__c", {"Name": "INV-9", "Account__c": "<account>",
                        "Payment_Status__c": "Late"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
        ("Inventory_Level__c", {"Quantity_On_Hand__c": 3}, "REQUIRED_FIELD_MISSING"),
        ("Product2", {"ProductCode": "X"}, "REQUIRED_FIELD_MISSING"),
    ],
    ids=[
        "item-without-order", "item-for-missing-order", "item-order-without-pricebook",
        "item-without-quantity", "order-bad-status", "order-without-account",
        "order-read-only-total", "invoice-bad-status", "level-without-product",
        "product-without-name",
    ],
)  # fmt: skip
def test_commerce_saves_are_validated(
    api: Api, order: str, entry: str, account: str, obj: str, fields: dict[str, Any], code: str
) -> None:
    bare = _create(api, "Order", AccountId=account, EffectiveDate="2024-01-01", Status="Draft")
    swap = {"<entry>": entry, "<order>": order, "<bare order>": bare, "<account>": account}
    body = {k: swap.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    assert _error(api, obj, **body)["errorCode"] == code


def test_orders_upsert_by_order_key_and_netsuite_id(api: Api, account: str) -> None:
    body = {"AccountId": account, "EffectiveDate": "2024-02-01", "Status": "Draft"}
    created = api.patch("sobjects/Order/Order_Key__c/SO-9", json=body)
    assert created.status_code == 201 and created.json()["created"] is True
    again = api.patch("sobjects/Order/Order_Key__c/SO-9", json={**body, "PoNumber": "PO-1"})
    assert again.status_code in (200, 204)
    record_id = created.json()["id"]
    assert (
        api.patch(f"sobjects/Order/{record_id}", json={"NetSuite_Id__c": "42"}).status_code == 204
    )
    found = api.get("sobjects/Order/NetSuite_Id__c/42").json()
    assert (found["Id"], found["PoNumber"]) == (record_id, "PO-1")


def test_deleting_an_order_deletes_its_items(api: Api, order: str, entry: str) -> None:
    item = _create(api, "OrderItem", OrderId=order, PricebookEntryId=entry, Quantity=1,
                   UnitPrice=1)  # fmt: skip
    assert api.delete(f"sobjects/Order/{order}").status_code == 204
    assert api.get(f"sobjects/OrderItem/{item}").status_code == 404


def test_composite_creates_an_order_with_items_in_one_request(
    api: Api, account: str, entry: str
) -> None:
    order = _create(api, "Order", AccountId=account, EffectiveDate="2024-03-01", Status="Draft",
                    Pricebook2Id=STANDARD_PRICEBOOK_ID)  # fmt: skip
    records = [
        {"attributes": {"type": "OrderItem"}, "OrderId": order, "PricebookEntryId": entry,
         "Quantity": q, "UnitPrice": 2}
        for q in (1, 2, 3)
    ]  # fmt: skip
    results = api.post("composite/sobjects", json={"allOrNone": True, "records": records}).json()
    assert all(r["success"] for r in results)
    assert _get(api, "Order", order)["TotalAmount"] == 12
    numbers = api.query(f"SELECT OrderItemNumber FROM OrderItem WHERE OrderId = '{order}'"
                        " ORDER BY OrderItemNumber").json()["records"]  # fmt: skip
    assert [r["OrderItemNumber"] for r in numbers] == ["0000000001", "0000000002", "0000000003"]


def test_describe_reports_commerce_metadata(api: Api) -> None:
    order = api.get("sobjects/Order/describe").json()
    fields = {f["name"]: f for f in order["fields"]}
    assert fields["OrderNumber"]["autoNumber"] and not fields["OrderNumber"]["createable"]
    assert fields["TotalAmount"]["calculated"] and fields["TotalAmount"]["type"] == "currency"
    assert fields["Order_Key__c"]["externalId"] and fields["NetSuite_Id__c"]["externalId"]
    assert fields["Status"]["restrictedPicklist"]
    assert order["childRelationships"][0]["relationshipName"] == "OrderItems"
    invoice = api.get("sobjects/Invoice__c/describe").json()
    assert invoice["custom"] and invoice["keyPrefix"] == "a01"
    statuses = {f["name"]: f for f in invoice["fields"]}["Payment_Status__c"]["picklistValues"]
    assert [p["value"] for p in statuses] == ["Paid", "Partially Paid", "Unpaid", "Overdue"]


def test_child_subquery_nests_order_items_under_their_order(
    api: Api, order: str, entry: str, account: str
) -> None:
    for quantity in (2, 1):
        _create(api, "OrderItem", OrderId=order, PricebookEntryId=entry, Quantity=quantity,
                UnitPrice=3)  # fmt: skip
    empty = _create(api, "Order", AccountId=account, EffectiveDate="2024-01-02", Status="Draft")
    soql = (
        "SELECT Id, TotalAmount, (SELECT Quantity, TotalPrice FROM OrderItems"
        " ORDER BY Quantity) FROM Order ORDER BY EffectiveDate DESC"
    )
    rows = api.query(soql).json()["records"]
    assert [r["Id"] for r in rows] == [order, empty]
    items = rows[0]["OrderItems"]
    assert (items["totalSize"], items["done"]) == (2, True)
    assert [(i["Quantity"], i["TotalPrice"]) for i in items["records"]] == [(1, 3), (2, 6)]
    assert items["records"][0]["attributes"]["type"] == "OrderItem"
    assert rows[1]["OrderItems"] is None


def test_unknown_child_relationship_is_invalid_type(api: Api) -> None:
    response = api.query("SELECT Id, (SELECT Id FROM Lines) FROM Order")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_TYPE"


def test_order_item_product_must_match_its_price_book_entry(
    api: Api, order: str, entry: str, product: str
) -> None:
    other = _create(api, "Product2", Name="Other")
    line = {"OrderId": order, "PricebookEntryId": entry, "Quantity": 1, "UnitPrice": 1}
    assert _error(api, "OrderItem", **line, Product2Id=other)["errorCode"] == (
        "FIELD_INTEGRITY_EXCEPTION"
    )
    assert _get(api, "OrderItem", _create(api, "OrderItem", **line, Product2Id=product))
