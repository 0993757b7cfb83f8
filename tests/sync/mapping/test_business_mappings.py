"""The reference integration's mapping specs (fixtures/integrations/salesforce-netsuite/):
each loads, and sample records of both vendors map to the payloads the other side expects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mocks.salesforce.commerce_rules import STANDARD_PRICEBOOK_ID
from sync.connectors.base import Record
from sync.explode import explode
from sync.mapping import MappingSpec, apply_mapping, load_mapping
from sync.mapping.spec import Reference

MAPPINGS = Path(__file__).resolve().parents[3] / "fixtures" / "integrations" / "salesforce-netsuite"
SPECS = sorted(MAPPINGS.glob("*.yaml"))


class Crosswalks:
    """Answers references as the state store's crosswalks would, per (flow, via)."""

    def __init__(self, pairs: dict[tuple[str, str], dict[str, str]]) -> None:
        self.pairs = pairs

    def resolve(self, ref: Reference, value: str) -> str | None:
        return self.pairs.get((ref.flow, ref.via), {}).get(value)


SYNCED = Crosswalks(
    {
        ("customers", "source"): {"001A": "77"},  # Account Id -> NetSuite customer id
        ("customers", "target"): {"77": "001A"},
        ("products", "source"): {"501": "01tX", "502": "01tY"},  # item id -> Product2 Id
        ("products", "target"): {"01tX": "501", "01tY": "502"},
        ("orders", "target"): {"9001": "801A"},  # salesOrder id -> Order Id
    }
)


def spec(name: str) -> MappingSpec:
    return load_mapping(MAPPINGS / f"{name}.yaml")


def mapped(name: str, record: dict[str, Any]) -> dict[str, Any]:
    result = apply_mapping(spec(name), record, refs=SYNCED)
    assert result.ok, result.issues
    return result.payload


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_every_business_mapping_loads(path: Path) -> None:
    loaded = load_mapping(path)
    assert loaded.fields and loaded.file is not None


def test_the_crm_owns_customers_and_watches_the_erp_for_edits() -> None:
    governance = spec("customers").governance
    assert (governance.on_conflict, governance.watch_target) == ("owner_wins", True)
    assert governance.owner("companyName") == "source"


def test_customer_finance_updates_the_account_the_customer_came_from() -> None:
    finance = spec("customer_finance")
    assert finance.target.update_only and finance.external_id_field == "Id"
    customer = {
        "id": "12",
        "externalId": "001A",
        "creditLimit": 25000,
        "terms": "5",
        "terms_refName": "Net 30",
        "balance": 1250.5,
        "isInactive": False,
    }
    assert mapped("customer_finance", customer) == {
        "Id": "001A",
        "Credit_Limit__c": 25000.0,
        "Payment_Terms__c": "Net 30",
        "Balance__c": 1250.5,
        "Account_Status__c": "Active",
    }
    no_terms = {k: v for k, v in customer.items() if k != "terms_refName"} | {"terms": None}
    inactive = mapped("customer_finance", {**no_terms, "isInactive": True})
    assert inactive["Account_Status__c"] == "Inactive" and "Payment_Terms__c" not in inactive


def test_a_contact_belongs_to_the_customer_its_account_became() -> None:
    contact = {
        "Id": "003A",
        "AccountId": "001A",
        "FirstName": " Ada ",
        "LastName": "Lovelace",
        "Email": "ADA@Example.com",
        "Phone": "+44 20 7946 0958",
        "MailingCountry": "GB",
    }
    payload = mapped("contacts", contact)
    assert payload["company"] == "77"
    assert (payload["firstName"], payload["lastName"]) == ("Ada", "Lovelace")
    assert payload["email"] == "ada@example.com" and payload["phone"] == "+442079460958"
    assert payload["externalId"] == "003A"


def test_an_item_becomes_a_product_keyed_by_its_netsuite_id() -> None:
    item = {
        "id": "501",
        "itemId": "SKU-0001",
        "displayName": "Torque  Wrench",
        "salesDescription": "A wrench",
        "stockUnit": "Each",
        "isInactive": True,
    }
    assert mapped("products", item) == {
        "NetSuite_Id__c": "501",
        "Name": "Torque Wrench",
        "ProductCode": "SKU-0001",
        "Description": "A wrench",
        "StockKeepingUnit": "SKU-0001",
        "QuantityUnitOfMeasure": "Each",
        "IsActive": False,
    }


def test_an_items_base_price_goes_to_the_standard_price_book() -> None:
    payload = mapped("prices", {"id": "502", "basePrice": 19.9})
    assert payload == {
        "NetSuite_Id__c": "502",
        "Pricebook2Id": STANDARD_PRICEBOOK_ID,
        "Product2Id": "01tY",
        "UnitPrice": 19.9,
        "CurrencyIsoCode": "USD",
        "IsActive": True,
    }


def test_an_order_goes_out_with_its_customer_and_items_resolved() -> None:
    order = {
        "Id": "801A",
        "AccountId": "001A",
        "EffectiveDate": "2025-11-03",
        "PoNumber": "PO-7",
        "Order_Key__c": "SO-000042",
        "CurrencyIsoCode": "EUR",
        "OrderItems": [
            {"Line__c": 1.0, "Product2Id": "01tX", "Quantity": 2.0, "UnitPrice": 9.5},
            {"Line__c": 2.0, "Product2Id": "01tY", "Quantity": 1.0, "UnitPrice": 120.0},
        ],
    }
    assert mapped("orders", order) == {
        "externalId": "801A",
        "entity": "77",
        "tranDate": "2025-11-03",
        "otherRefNum": "PO-7",
        "memo": "SO-000042",
        "currency": "4",
        "item": [
            {"line": 1, "item": "501", "quantity": 2.0, "rate": 9.5},
            {"line": 2, "item": "502", "quantity": 1.0, "rate": 120.0},
        ],
    }


def test_an_order_whose_account_is_not_synced_is_an_unresolved_reference() -> None:
    order = {"Id": "801B", "AccountId": "001Z", "EffectiveDate": "2025-11-03",
             "OrderItems": [{"Line__c": 1, "Product2Id": "01tX", "Quantity": 1,
                             "UnitPrice": 1}]}  # fmt: skip
    result = apply_mapping(spec("orders"), order, refs=SYNCED)
    assert [(i.target, i.code) for i in result.issues] == [("entity", "unresolved_reference")]


INVOICE = {
    "id": "9002",
    "tranId": "INV-000042",
    "entity": "77",
    "entity_refName": "Acme",
    "createdFrom": "9001",
    "createdFrom_refName": "Sales Order #SO9001",
    "tranDate": "2025-11-05",
    "dueDate": "2025-12-05",
    "total": 139.0,
    "currency": "2",
    "currency_refName": "British pound",
    "amountRemaining": 39.0,
    "status": "A",
    "status_refName": "Open",
}


def test_an_invoice_points_at_the_account_and_order_it_came_from() -> None:
    assert mapped("invoices", INVOICE) == {
        "NetSuite_Id__c": "9002",
        "Name": "INV-000042",
        "Account__c": "001A",
        "Order__c": "801A",
        "Invoice_Date__c": "2025-11-05",
        "Due_Date__c": "2025-12-05",
        "Total__c": 139.0,
        "CurrencyIsoCode": "GBP",
    }


@pytest.mark.parametrize(
    ("status", "remaining", "expected"),
    [("A", 39.0, "Unpaid"), ("B", 0.0, "Paid")],
    ids=["open", "paid-in-full"],
)
def test_payments_mirror_what_is_left_to_pay(status: str, remaining: float, expected: str) -> None:
    payments = spec("payments")
    assert payments.target.update_only and payments.external_id_field == "NetSuite_Id__c"
    record = {**INVOICE, "amountRemaining": remaining, "status": status}
    assert mapped("payments", record) == {
        "NetSuite_Id__c": "9002",
        "Amount_Due__c": remaining,
        "Payment_Status__c": expected,
    }


def test_an_unknown_invoice_status_is_held_not_guessed() -> None:
    result = apply_mapping(spec("payments"), {**INVOICE, "status": "Z"}, refs=SYNCED)
    assert [(i.target, i.code) for i in result.issues] == [("Payment_Status__c", "invalid")]


def test_each_stock_row_of_an_item_becomes_one_inventory_level() -> None:
    inventory = spec("inventory")
    item = Record(
        "501",
        {
            "id": "501",
            "itemId": "SKU-0001",
            "locations": [
                {"location": "1", "location_refName": "Main Warehouse",
                 "quantityOnHand": 40, "quantityAvailable": 35},
                {"location": "3", "location_refName": "Lyon", "quantityOnHand": 0,
                 "quantityAvailable": 0},
            ],
        },
        datetime(2025, 11, 1, tzinfo=UTC),
    )  # fmt: skip
    rows = explode(inventory, [item])
    payloads = [mapped("inventory", row.fields) for row in rows]
    assert payloads == [
        {"NetSuite_Id__c": "501:1", "Product__c": "01tX", "Location__c": "Main Warehouse",
         "Quantity_On_Hand__c": 40.0, "Quantity_Available__c": 35.0},
        {"NetSuite_Id__c": "501:3", "Product__c": "01tX", "Location__c": "Lyon",
         "Quantity_On_Hand__c": 0.0, "Quantity_Available__c": 0.0},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "depends_on"),
    [
        ("contacts", {"customers"}),
        ("prices", {"products"}),
        ("orders", {"customers", "products"}),
        ("inventory", {"products"}),
        ("invoices", {"customers", "orders"}),
    ],
)
def test_each_mapping_references_exactly_the_flows_it_depends_on(
    name: str, depends_on: set[str]
) -> None:
    assert {r.flow for r in spec(name).references} == depends_on
