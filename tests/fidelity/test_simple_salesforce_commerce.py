"""simple-salesforce 1.12.10, unchanged, on the commerce objects of a seeded full-business
world over real HTTPS: products, price books, orders with items, invoices, inventory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from mocks.salesforce.commerce_rules import STANDARD_PRICEBOOK_ID
from tests.fidelity.salesforce_sdk import seeded_salesforce

pytestmark = pytest.mark.fidelity

WORLD = {"seed": 9, "accounts": 30, "full_business": True, "dirty": 0.2}


@pytest.fixture(scope="module")
def sf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Salesforce]:
    with seeded_salesforce(tmp_path_factory.mktemp("sf-commerce-tls"), WORLD) as client:
        yield client


def test_query_orders_and_their_items(sf: Salesforce) -> None:
    result = sf.query_all("SELECT Id, OrderNumber, Status, TotalAmount, Order_Key__c FROM Order")
    assert result["totalSize"] > 0
    order = result["records"][0]
    assert order["attributes"]["type"] == "Order" and order["Id"].startswith("801")
    nested = sf.query(
        f"SELECT Id, (SELECT Id, Quantity, TotalPrice FROM OrderItems) FROM Order"
        f" WHERE Id = '{order['Id']}'"
    )
    (row,) = nested["records"]
    items = row["OrderItems"]
    assert items is None or all(i["Id"].startswith("802") for i in items["records"])


def test_product_create_and_price_book_entry(sf: Salesforce) -> None:
    created = sf.Product2.create({"Name": "SDK Widget", "ProductCode": "SDK-1",
                                  "IsActive": True, "NetSuite_Id__c": "SDK-1"})  # fmt: skip
    assert created["success"] and created["id"].startswith("01t")
    entry = sf.PricebookEntry.create({"Pricebook2Id": STANDARD_PRICEBOOK_ID,
                                      "Product2Id": created["id"], "UnitPrice": 9.99})  # fmt: skip
    assert entry["id"].startswith("01u")
    with pytest.raises(SalesforceMalformedRequest) as duplicate:
        sf.PricebookEntry.create({"Pricebook2Id": STANDARD_PRICEBOOK_ID,
                                  "Product2Id": created["id"], "UnitPrice": 1})  # fmt: skip
    assert duplicate.value.content[0]["errorCode"] == "DUPLICATE_VALUE"
    found = sf.Product2.get_by_custom_id("NetSuite_Id__c", "SDK-1")
    assert found["Name"] == "SDK Widget"


def test_order_upsert_by_order_key_and_items(sf: Salesforce) -> None:
    account = sf.query("SELECT Id FROM Account LIMIT 1")["records"][0]["Id"]
    body = {"AccountId": account, "EffectiveDate": "2025-12-01", "Status": "Draft",
            "Pricebook2Id": STANDARD_PRICEBOOK_ID}  # fmt: skip
    assert sf.Order.upsert("Order_Key__c/SDK-ORDER-1", body) == 201
    assert sf.Order.upsert("Order_Key__c/SDK-ORDER-1", {**body, "PoNumber": "PO-9"}) in (200, 204)
    order = sf.Order.get_by_custom_id("Order_Key__c", "SDK-ORDER-1")
    entry = sf.query(f"SELECT Id FROM PricebookEntry WHERE Pricebook2Id = '{STANDARD_PRICEBOOK_ID}'"
                     " AND CurrencyIsoCode = 'USD' LIMIT 1")["records"][0]["Id"]  # fmt: skip
    sf.OrderItem.create({"OrderId": order["Id"], "PricebookEntryId": entry, "Quantity": 4,
                         "UnitPrice": 2.5})  # fmt: skip
    assert sf.Order.get(order["Id"])["TotalAmount"] == 10
    with pytest.raises(SalesforceMalformedRequest) as missing:
        sf.OrderItem.create({"PricebookEntryId": entry, "Quantity": 1, "UnitPrice": 1})
    assert missing.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_custom_objects_from_the_erp(sf: Salesforce) -> None:
    invoices = sf.query("SELECT Id, Name, Payment_Status__c, Amount_Due__c, Total__c"
                        " FROM Invoice__c LIMIT 5")["records"]  # fmt: skip
    assert invoices and all(i["Id"].startswith("a01") for i in invoices)
    assert {i["Payment_Status__c"] for i in invoices} <= {"Paid", "Partially Paid", "Unpaid",
                                                          "Overdue"}  # fmt: skip
    level = sf.query("SELECT Id, Name, Quantity_On_Hand__c FROM Inventory_Level__c LIMIT 1")
    assert level["records"][0]["Name"].startswith("IL-")
    described = sf.Inventory_Level__c.describe()
    assert described["custom"] and described["keyPrefix"] == "a02"
