"""A full-business world in the CRM: products, price books, orders with items, invoices and
inventory, the overlap with the ERP's ids, and the ground truth of injected defects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mocks.salesforce import create_app
from mocks.salesforce.seed.commerce import payment_status
from mocks.store import RecordStore
from mocks.world.generator import WorldSettings, generate_world
from mocks.world.overlap import plan

SETTINGS = WorldSettings(seed=7, accounts=60, full_business=True, dirty=0.4)


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[RecordStore, dict[str, int], list[dict[str, Any]]]]:
    app = create_app()
    counts = app.state.mock.seed(SETTINGS)
    yield app.state.mock.store, counts, app.state.mock.ground_truth


def test_counts_cover_every_commerce_object(
    seeded: tuple[RecordStore, dict[str, int], list[dict[str, Any]]],
) -> None:
    store, counts, _ = seeded
    world = generate_world(SETTINGS)
    overlap = plan(world)
    assert counts["Product2"] == len(overlap.crm_products)
    assert counts["Pricebook2"] == 2
    assert counts["PricebookEntry"] == counts["Product2"] * 2 * 4
    assert counts["Order"] == sum(1 for o in world.business.orders if o.key in overlap.crm_ids)  # type: ignore[union-attr]
    assert counts["Invoice__c"] == len(overlap.crm_invoices) > 0
    assert counts["Inventory_Level__c"] > 0
    assert all(store.count(obj) == n for obj, n in counts.items())


def test_companies_only_world_seeds_accounts_only() -> None:
    app = create_app()
    assert app.state.mock.seed(WorldSettings(seed=7, accounts=15)) == {"Account": 15}


def test_orders_reference_accounts_price_books_and_items_roll_up(
    seeded: tuple[RecordStore, dict[str, int], list[dict[str, Any]]],
) -> None:
    store, _, _ = seeded
    items: dict[str, list[float]] = {}
    for item in store.records("OrderItem"):
        items.setdefault(item.fields["OrderId"], []).append(item.fields["TotalPrice"])
        entry = store.get("PricebookEntry", item.fields["PricebookEntryId"])
        order = store.get("Order", item.fields["OrderId"])
        assert entry is not None and order is not None
        assert entry.fields["Pricebook2Id"] == order.fields["Pricebook2Id"]
        assert entry.fields["CurrencyIsoCode"] == order.fields["CurrencyIsoCode"]
    orders = store.records("Order")
    assert all(store.get("Account", o.fields["AccountId"]) for o in orders)
    adds_up = [o for o in orders if round(sum(items.get(o.id, [])), 2) == o.fields["TotalAmount"]]
    assert len(adds_up) > len(orders) * 0.8  # the rest carry injected defects
    in_erp = [o for o in orders if o.fields["NetSuite_Id__c"]]
    assert 0 < len(in_erp) < len(orders)


def test_ground_truth_reports_order_defects_and_what_was_left_out(
    seeded: tuple[RecordStore, dict[str, int], list[dict[str, Any]]],
) -> None:
    store, _, truth = seeded
    orphans = [f for f in truth if f["entity"] == "order" and f["kind"] == "orphan"]
    assert orphans and all(f["not_loaded"] == "REQUIRED_FIELD_MISSING" for f in orphans)
    no_quantity = [f for f in truth if f["entity"] == "order_line" and f["field"] == "quantity"]
    assert no_quantity and all("record_id" not in f for f in no_quantity)
    totals = [f for f in truth if f["kind"] == "total_mismatch" and "record_id" in f]
    assert {f["vendor_field"] for f in totals} <= {"TotalAmount", "TotalPrice"}
    for fact in totals:
        obj = "Order" if fact["entity"] == "order" else "OrderItem"
        assert store.get(obj, fact["record_id"]) is not None


@pytest.mark.parametrize(
    ("total", "due", "due_date", "expected"),
    [(100, 0, "2025-01-01", "Paid"), (100, 100, "2026-02-01", "Unpaid"),
     (100, 40, "2026-02-01", "Partially Paid"), (100, 40, "2025-12-01", "Overdue")],
    ids=["paid", "unpaid", "partial", "overdue"],
)  # fmt: skip
def test_payment_status_follows_amount_due_and_due_date(
    total: int, due: int, due_date: str, expected: str
) -> None:
    from datetime import date

    as_of = date(2026, 1, 1)
    assert payment_status(total, due, date.fromisoformat(due_date), as_of) == expected
