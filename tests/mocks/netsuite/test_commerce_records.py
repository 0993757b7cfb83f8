"""The commerce record types through the record service: contact, location, inventoryItem,
salesOrder, invoice and customerPayment, with their sublists and server-computed fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.mocks.netsuite.support import STRICT, SUITEQL, TestClient, error_detail

RECORDS = "/services/rest/record/v1"


def _post(client: TestClient, record_type: str, body: dict[str, Any]) -> str:
    response = client.post(f"{RECORDS}/{record_type}", json=body, headers=STRICT)
    assert response.status_code == 204, response.text
    assert response.content == b""
    return str(response.headers["Location"].rsplit("/", 1)[1])


def _get(client: TestClient, record_type: str, key: str, **params: str) -> dict[str, Any]:
    response = client.get(f"{RECORDS}/{record_type}/{key}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def item(client: TestClient) -> str:
    location = _post(client, "location", {"name": "Chicago DC", "subsidiary": {"id": "1"}})
    return _post(
        client,
        "inventoryItem",
        {
            "itemId": "SKU-1",
            "displayName": "Pump A-10",
            "basePrice": 12.5,
            "price": {"items": [{"priceLevel": {"id": "1"}, "currency": {"id": "1"},
                                 "price": 12.5}]},
            "locations": {"items": [{"location": {"id": location}, "quantityOnHand": 40}]},
        },
    )  # fmt: skip


@pytest.fixture
def order(client: TestClient, make_customer: Callable[..., str], item: str) -> str:
    customer = make_customer(currency={"id": "1"})
    return _post(
        client,
        "salesOrder",
        {
            "entity": {"id": customer},
            "tranDate": "2024-01-10",
            "externalId": "801Dn0000000001IAA",
            "otherRefNum": "PO-77",
            "item": {"items": [
                {"item": {"id": item}, "quantity": 3, "rate": 12.5},
                {"item": {"id": item}, "quantity": 1, "rate": 10, "amount": 8},
            ]},
        },
    )  # fmt: skip


def test_inventory_item_expands_price_and_location_sublists(client: TestClient, item: str) -> None:
    body = _get(client, "inventoryItem", item, expandSubResources="true")
    (stock,) = body["locations"]["items"]
    assert stock["location"]["refName"] == "Chicago DC"
    assert stock["quantityOnHand"] == 40 and stock["quantityAvailable"] == 40
    (price,) = body["price"]["items"]
    assert price["priceLevel"] == {"id": "1", "refName": "Base Price", "links": price[
        "priceLevel"]["links"]}  # fmt: skip
    assert body["createdDate"].endswith("Z") and "dateCreated" not in body
    collapsed = _get(client, "inventoryItem", item)
    assert set(collapsed["locations"]) == {"links"}


def test_sales_order_computes_lines_total_and_defaults(
    client: TestClient, order: str, item: str
) -> None:
    body = _get(client, "salesOrder", order, expandSubResources="true")
    lines = body["item"]["items"]
    assert [(line["line"], line["amount"]) for line in lines] == [(1, 37.5), (2, 8)]
    assert lines[0]["item"]["refName"] == "SKU-1"
    assert body["total"] == 45.5
    assert body["orderStatus"]["id"] == "B"
    assert body["orderStatus"]["refName"] == "Pending Fulfillment"
    assert body["tranId"] == f"SO{order}"
    assert body["currency"]["id"] == "1" and body["subsidiary"]["id"] == "1"
    assert body["tranDate"] == "2024-01-10"
    by_eid = _get(client, "salesOrder", "eid:801Dn0000000001IAA")
    assert by_eid["id"] == order


def test_transactions_share_one_id_sequence(client: TestClient, order: str) -> None:
    entity = _get(client, "salesOrder", order)["entity"]["id"]
    invoice = _post(client, "invoice", {"entity": {"id": entity}, "createdFrom": {"id": order}})
    assert int(invoice) == int(order) + 1


def test_payment_updates_the_invoice_amount_remaining_and_status(
    client: TestClient, order: str, item: str
) -> None:
    entity = _get(client, "salesOrder", order)["entity"]["id"]
    invoice = _post(
        client,
        "invoice",
        {"entity": {"id": entity}, "createdFrom": {"id": order}, "dueDate": "2024-02-10",
         "item": {"items": [{"item": {"id": item}, "quantity": 4, "rate": 25}]}},
    )  # fmt: skip
    opened = _get(client, "invoice", invoice)
    assert (opened["total"], opened["amountRemaining"], opened["status"]["id"]) == (100, 100, "A")
    apply = {"items": [{"doc": {"id": invoice}, "apply": True, "amount": 40}]}
    first = _post(client, "customerPayment",
                  {"customer": {"id": entity}, "payment": 40, "apply": apply})  # fmt: skip
    assert _get(client, "invoice", invoice)["amountRemaining"] == 60
    rest = {"items": [{"doc": {"id": invoice}}]}
    second = _post(client, "customerPayment",
                   {"customer": {"id": entity}, "payment": 60, "apply": rest})  # fmt: skip
    paid = _get(client, "invoice", invoice)
    assert (paid["amountRemaining"], paid["status"]["refName"]) == (0, "Paid In Full")
    line = _get(client, "customerPayment", second, expandSubResources="true")["apply"]["items"][0]
    assert (line["amount"], line["due"], line["apply"]) == (60, 60, True)
    assert client.delete(f"{RECORDS}/customerPayment/{first}").status_code == 204
    assert _get(client, "invoice", invoice)["amountRemaining"] == 40


def test_overapplied_payment_is_a_user_error(client: TestClient, order: str, item: str) -> None:
    entity = _get(client, "salesOrder", order)["entity"]["id"]
    invoice = _post(client, "invoice", {"entity": {"id": entity}, "item": {"items": [
        {"item": {"id": item}, "quantity": 1, "rate": 10}]}})  # fmt: skip
    response = client.post(
        f"{RECORDS}/customerPayment",
        json={"customer": {"id": entity}, "payment": 5,
              "apply": {"items": [{"doc": {"id": invoice}, "amount": 10}]}},
    )  # fmt: skip
    assert response.status_code == 400
    assert error_detail(response)["o:errorCode"] == "USER_ERROR"


@pytest.mark.parametrize(
    ("record_type", "body", "code", "path"),
    [
        ("salesOrder", {"entity": {"id": "999"}}, "INVALID_KEY_OR_REF", "entity"),
        ("salesOrder", {"tranDate": "2024-01-01"}, "USER_ERROR", "entity"),
        ("salesOrder", {"entity": {"id": "1"}, "item": {"items": [{"quantity": 1}]}},
         "USER_ERROR", "item.items[0].item"),
        ("salesOrder", {"entity": {"id": "1"}, "tranDate": "10/01/2024"},
         "INVALID_CONTENT", "tranDate"),
        ("salesOrder", {"entity": {"id": "1"}, "shipDate": "2024-01-01"},
         "INVALID_CONTENT", "shipDate"),
        ("salesOrder", {"entity": {"id": "1"}, "total": 5}, "INVALID_CONTENT", "total"),
        ("invoice", {"entity": {"id": "1"}, "createdFrom": {"id": "4242"}},
         "INVALID_KEY_OR_REF", "createdFrom"),
        ("customerPayment", {"customer": {"id": "1"}}, "USER_ERROR", "payment"),
        ("inventoryItem", {"displayName": "No SKU"}, "USER_ERROR", "itemId"),
        ("inventoryItem", {"itemId": "S", "locations": {"items": [{"location": {"id": "77"}}]}},
         "INVALID_KEY_OR_REF", "locations.items[0].location"),
        ("contact", {"email": "a@example.com"}, "USER_ERROR", "entityId"),
        ("location", {"subsidiary": {"id": "1"}}, "USER_ERROR", "name"),
    ],
    ids=[
        "order-bad-entity", "order-no-entity", "order-line-no-item", "order-bad-date",
        "order-unknown-field", "order-read-only-total", "invoice-bad-created-from",
        "payment-no-amount", "item-no-itemid", "item-bad-location", "contact-no-name",
        "location-no-name",
    ],
)  # fmt: skip
def test_commerce_writes_are_validated(
    client: TestClient,
    make_customer: Callable[..., str],
    record_type: str,
    body: dict[str, Any],
    code: str,
    path: str,
) -> None:
    make_customer()
    response = client.post(f"{RECORDS}/{record_type}", json=body, headers=STRICT)
    assert response.status_code == 400, response.text
    detail = error_detail(response)
    assert (detail["o:errorCode"], detail.get("o:errorPath")) == (code, path)


def test_contact_takes_name_and_subsidiary_from_its_parts(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    customer = make_customer(subsidiary={"id": "2"})
    body = {"firstName": "Ada", "lastName": "Lovelace", "company": {"id": customer}}
    contact = _post(client, "contact", {**body, "externalId": "003X"})
    body = _get(client, "contact", contact)
    assert body["entityId"] == "Ada Lovelace"
    assert body["subsidiary"]["id"] == "2"
    assert body["company"]["id"] == customer
    assert "dateCreated" in body


def test_given_line_numbers_are_kept_and_others_numbered_after_them(
    client: TestClient, order: str, item: str
) -> None:
    lines = [{"line": 5, "item": {"id": item}, "quantity": 1, "rate": 1},
             {"item": {"id": item}, "quantity": 1, "rate": 2}]  # fmt: skip
    patched = client.patch(f"{RECORDS}/salesOrder/{order}", json={"item": {"items": lines}})
    assert patched.status_code == 204
    body = _get(client, "salesOrder", order, expandSubResources="true")
    assert [line["line"] for line in body["item"]["items"]] == [5, 6]
    twice = [{**lines[0]}, {**lines[0]}]
    clash = client.patch(f"{RECORDS}/salesOrder/{order}", json={"item": {"items": twice}})
    assert clash.status_code == 400 and error_detail(clash)["o:errorCode"] == "USER_ERROR"


def test_sales_order_upsert_by_external_id_replaces_lines(
    client: TestClient, order: str, item: str
) -> None:
    eid = f"{RECORDS}/salesOrder/eid:801Dn0000000001IAA"
    lines = {"items": [{"item": {"id": item}, "quantity": 2, "rate": 5}]}
    assert client.put(eid, json={"item": lines, "memo": "changed"}).status_code == 204
    body = _get(client, "salesOrder", order, expandSubResources="true")
    assert [line["amount"] for line in body["item"]["items"]] == [10]
    assert (body["total"], body["memo"]) == (10, "changed")
    created = client.put(f"{RECORDS}/salesOrder/eid:NEW-1",
                         json={"entity": body["entity"], "item": lines})  # fmt: skip
    assert created.status_code == 204
    assert _get(client, "salesOrder", "eid:NEW-1")["total"] == 10
    assert client.patch(f"{RECORDS}/salesOrder/{order}", json={"memo": "m"}).status_code == 204
    assert _get(client, "salesOrder", order)["total"] == 10


def test_list_and_q_filter_work_for_transactions(client: TestClient, order: str) -> None:
    listed = client.get(f"{RECORDS}/salesOrder").json()
    assert [i["id"] for i in listed["items"]] == [order]
    hit = client.get(f"{RECORDS}/salesOrder", params={"q": 'tranDate ON "2024-01-10"'}).json()
    miss = client.get(f"{RECORDS}/salesOrder", params={"q": 'tranDate AFTER "2024-01-10"'})
    assert hit["totalResults"] == 1 and miss.json()["totalResults"] == 0


def test_suiteql_sees_new_transactions_in_the_shared_tables(
    client: TestClient, order: str, item: str
) -> None:
    query = (
        "SELECT id, type, tranid, entity, trandate, status, foreigntotal, otherrefnum,"
        " externalid FROM transaction WHERE type = 'SalesOrd'"
    )
    (row,) = client.post(SUITEQL, json={"q": query}).json()["items"]
    assert row == {
        "links": [], "id": order, "type": "SalesOrd", "tranid": f"SO{order}", "entity": "1",
        "trandate": "1/10/2024", "status": "B", "foreigntotal": "45.5", "otherrefnum": "PO-77",
        "externalid": "801Dn0000000001IAA",
    }  # fmt: skip
    query = "SELECT quantity, rate, foreignamount, mainline FROM transactionline ORDER BY id"
    lines = client.post(SUITEQL, json={"q": query}).json()
    assert [(r.get("quantity"), r["foreignamount"], r["mainline"]) for r in lines["items"]] == [
        (None, "45.5", "T"), ("-3", "-37.5", "F"), ("-1", "-8", "F"),
    ]  # fmt: skip
    bad = client.post(SUITEQL, json={"q": "SELECT shipdate FROM transaction"})
    assert bad.status_code == 400
    assert "shipdate" in error_detail(bad)["detail"]


def test_metadata_catalog_describes_commerce_types(client: TestClient) -> None:
    schema = client.get(f"{RECORDS}/metadata-catalog/salesOrder").json()
    assert "entity" in schema["required"]
    assert schema["properties"]["tranDate"] == {
        "title": "Date", "type": "string", "format": "date", "nullable": True,
        "description": "Today when absent.",
    }  # fmt: skip
    lines = schema["properties"]["item"]["properties"]["items"]["items"]["properties"]
    assert lines["item"]["type"] == "object" and lines["amount"]["format"] == "double"
    assert schema["properties"]["total"]["readOnly"] is True
    assert schema["properties"]["memo"]["maxLength"] == 999
