"""A full-business world in the ERP: catalogue, parties, transactions, SuiteQL tables and the
ground truth of the defects the world injected."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mocks.netsuite import create_app
from mocks.netsuite.seed.business import upc
from mocks.world.generator import WorldSettings, generate_world
from mocks.world.overlap import plan
from tests.mocks.netsuite.support import ADMIN, SUITEQL, TbaAuth, TestClient

SETTINGS = WorldSettings(seed=7, accounts=60, full_business=True, dirty=0.4)
RECORDS = "/services/rest/record/v1"


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[TestClient, dict[str, int]]]:
    app = create_app()
    counts = app.state.mock.seed(SETTINGS)
    with TestClient(app) as client:
        client.auth = TbaAuth()
        yield client, counts


def _rows(client: TestClient, query: str, limit: int = 1000) -> list[dict[str, Any]]:
    response = client.post(SUITEQL, json={"q": query}, params={"limit": limit})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_seed_counts_follow_the_overlap_plan(seeded: tuple[TestClient, dict[str, int]]) -> None:
    _, counts = seeded
    world = generate_world(SETTINGS)
    overlap = plan(world)
    business = world.business
    assert business is not None
    assert counts["inventoryItem"] == len(business.products)
    assert counts["location"] == len(business.locations)
    assert counts["customer"] == len(overlap.customers) > 0
    assert counts["contact"] == len(overlap.contacts) > 0
    assert counts["salesOrder"] == len(overlap.orders)
    assert counts["invoice"] == sum(1 for o in overlap.orders if o.key in overlap.invoices)
    assert 0 < counts["customerPayment"] <= len(business.payments)


def test_companies_only_world_keeps_its_old_counts() -> None:
    app = create_app()
    counts = app.state.mock.seed(WorldSettings(seed=7, accounts=20))
    assert counts == {"subsidiary": 5, "customer": 0}


def test_seeded_transactions_link_up_and_carry_crm_ids(
    seeded: tuple[TestClient, dict[str, int]],
) -> None:
    client, _ = seeded
    (invoice,) = _rows(client, "SELECT id FROM transaction WHERE type = 'CustInvc' AND id < 3")
    body = client.get(f"{RECORDS}/invoice/{invoice['id']}",
                      params={"expandSubResources": "true"}).json()  # fmt: skip
    order = client.get(f"{RECORDS}/salesOrder/{body['createdFrom']['id']}").json()
    assert order["entity"]["id"] == body["entity"]["id"]
    assert order["externalId"].startswith("801")
    customer = client.get(f"{RECORDS}/customer/{order['entity']['id']}").json()
    assert customer["externalId"].startswith("001") and len(customer["externalId"]) == 18
    assert body["amountRemaining"] <= body["total"]
    assert body["item"]["items"] and body["tranDate"] <= body["dueDate"]


def test_invoice_amount_remaining_matches_the_payments_applied(
    seeded: tuple[TestClient, dict[str, int]],
) -> None:
    client, _ = seeded
    invoices = _rows(client, "SELECT id, foreigntotal, foreignamountremaining, status"
                             " FROM transaction WHERE type = 'CustInvc'")  # fmt: skip
    payments = client.get(f"{RECORDS}/customerPayment", params={"limit": 1000}).json()["items"]
    applied: dict[str, float] = {}
    for ref in payments[:80]:
        pay = client.get(f"{RECORDS}/customerPayment/{ref['id']}",
                         params={"expandSubResources": "true"}).json()  # fmt: skip
        for line in pay["apply"]["items"]:
            applied[line["doc"]["id"]] = applied.get(line["doc"]["id"], 0) + line["amount"]
    checked = 0
    for row in invoices:
        remaining = float(row.get("foreignamountremaining", "0"))
        if row["id"] in applied:
            assert remaining == pytest.approx(float(row["foreigntotal"]) - applied[row["id"]])
            checked += 1
        assert row["status"] == ("B" if remaining == 0 else "A")
    assert checked > 0


def test_inventory_and_prices_are_queryable(seeded: tuple[TestClient, dict[str, int]]) -> None:
    client, _ = seeded
    stock = _rows(client, "SELECT item, location, quantityonhand, quantityavailable"
                          " FROM inventoryitemlocations WHERE item = 1")  # fmt: skip
    assert len(stock) == len(_rows(client, "SELECT id FROM location"))
    assert all(float(s["quantityavailable"]) <= float(s["quantityonhand"]) for s in stock
               if "quantityonhand" in s)  # fmt: skip
    prices = _rows(client, "SELECT pricelevel, currency, unitprice FROM pricing WHERE item = 1")
    assert {(p["pricelevel"], p["currency"]) for p in prices} == {
        (level, cur) for level in ("1", "2") for cur in ("1", "2", "3", "4")
    }
    (item,) = _rows(client, "SELECT itemid, itemtype, upccode FROM item WHERE id = 1")
    assert item["itemid"] == "SKU-00001" and item["itemtype"] == "InvtPart"


def test_transaction_lines_use_netsuite_posting_signs(
    seeded: tuple[TestClient, dict[str, int]],
) -> None:
    client, _ = seeded
    query = (
        "SELECT transaction, mainline, quantity, rate, foreignamount FROM transactionline"
        " WHERE transaction = 1 ORDER BY linesequencenumber"
    )
    rows = _rows(client, query)
    main, *lines = rows
    assert main["mainline"] == "T" and "quantity" not in main
    assert all(line["mainline"] == "F" for line in lines)
    assert all(float(line["foreignamount"]) <= 0 for line in lines)
    assert all(float(line["rate"]) > 0 for line in lines)


def test_ground_truth_names_netsuite_records_and_fields(
    seeded: tuple[TestClient, dict[str, int]],
) -> None:
    client, _ = seeded
    facts = client.get("/__harness/ground-truth", headers=ADMIN).json()["facts"]
    lines = [f for f in facts if f.get("entity") == "order_line" and f.get("record_id")]
    assert lines, "a dirty world injects line defects into orders the ERP holds"
    fact = lines[0]
    assert fact["vendor"] == "netsuite"
    assert fact["vendor_field"] in ("item.quantity", "item.amount")
    order = client.get(f"{RECORDS}/salesOrder/{fact['record_id']}")
    assert order.status_code == 200


def test_upc_codes_carry_a_valid_check_digit() -> None:
    code = upc(1)
    digits = [int(d) for d in code]
    assert len(code) == 12
    assert (sum(digits[0::2]) * 3 + sum(digits[1::2])) % 10 == 0


def test_payment_links_say_which_invoice_each_payment_paid(
    seeded: tuple[TestClient, dict[str, int]],
) -> None:
    client, _ = seeded
    query = (
        "SELECT previousdoc, nextdoc, linktype, foreignamount FROM previoustransactionlinelink"
        " WHERE linktype = 'Payment' ORDER BY nextdoc"
    )
    links = _rows(client, query)
    assert links
    first = links[0]
    (payment,) = _rows(
        client, f"SELECT foreigntotal FROM transaction WHERE id = {first['nextdoc']}"
    )
    assert payment["foreigntotal"] == first["foreignamount"]
    billed = _rows(client, "SELECT previousdoc, nextdoc FROM previoustransactionlinelink"
                           " WHERE linktype = 'OrdBill' ORDER BY nextdoc")  # fmt: skip
    assert billed and all(int(b["previousdoc"]) < int(b["nextdoc"]) for b in billed)
