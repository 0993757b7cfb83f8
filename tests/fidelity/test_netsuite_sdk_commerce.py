"""The `netsuite` SDK (0.12.0), unchanged but for its host, on the commerce record types of a
seeded full-business world: sales orders, invoices, payments, items and SuiteQL over the
`transaction` and `transactionline` tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mocks.server import RunningServer
from mocks.tls import TlsMaterial
from tests.fidelity.netsuite_sdk import (
    SDK_MARKS,
    LoopbackRestApi,
    netsuite_server,
    run,
    sdk_client,
)

pytestmark = SDK_MARKS
WORLD = {"seed": 9, "accounts": 30, "full_business": True}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, TlsMaterial]]:
    with netsuite_server(tmp_path_factory.mktemp("netsuite-commerce-tls"), WORLD) as served:
        yield served


@pytest.fixture
def api(
    server: tuple[RunningServer, TlsMaterial], monkeypatch: pytest.MonkeyPatch
) -> LoopbackRestApi:
    return sdk_client(*server, monkeypatch)


def _rows(api: LoopbackRestApi, query: str, limit: int = 50) -> list[dict[str, Any]]:
    body = run(lambda: api.suiteql(query, limit=limit, offset=0))
    return list(body["items"])


def test_get_sales_order_with_expanded_item_lines(api: LoopbackRestApi) -> None:
    (first,) = _rows(api, "SELECT id FROM transaction WHERE type = 'SalesOrd' AND id = 1")
    order = run(lambda: api.get(f"/record/v1/salesOrder/{first['id']}",
                                params={"expandSubResources": "true"}))  # fmt: skip
    assert order["tranId"].startswith("SO")
    lines = order["item"]["items"]
    assert lines and all(line["item"]["id"] for line in lines)
    by_eid = run(lambda: api.get(f"/record/v1/salesOrder/eid:{order['externalId']}"))
    assert by_eid["id"] == order["id"]


def test_suiteql_over_transactions_and_lines(api: LoopbackRestApi) -> None:
    invoices = _rows(api, "SELECT id, tranid, entity, trandate, duedate, foreigntotal,"
                          " foreignamountremaining, status FROM transaction"
                          " WHERE type = 'CustInvc' ORDER BY id", limit=5)  # fmt: skip
    assert len(invoices) == 5
    first = invoices[0]
    assert first["status"] in ("A", "B") and "/" in first["trandate"]  # user date format
    lines = _rows(api, f"SELECT linesequencenumber, item, quantity, foreignamount, mainline"
                       f" FROM transactionline WHERE transaction = {first['id']}"
                       " ORDER BY linesequencenumber")  # fmt: skip
    assert lines[0]["mainline"] == "T" and lines[0]["foreignamount"] == first["foreigntotal"]
    assert all(float(line["foreignamount"]) <= 0 for line in lines[1:])
    counted = _rows(api, "SELECT COUNT(*) AS n FROM transaction WHERE type = 'CustPymt'")
    assert int(counted[0]["n"]) > 0


def test_create_and_upsert_a_sales_order_with_lines(api: LoopbackRestApi) -> None:
    (customer,) = _rows(api, "SELECT id FROM customer WHERE id = 1")
    (item,) = _rows(api, "SELECT id FROM item WHERE id = 1")
    lines = {"items": [{"item": {"id": item["id"]}, "quantity": 2, "rate": 20}]}
    body = {"entity": {"id": customer["id"]}, "otherRefNum": "PO-SDK", "item": lines}
    assert run(lambda: api.put("/record/v1/salesOrder/eid:SDK-ORDER-1", json=body)) is None
    created = run(lambda: api.get("/record/v1/salesOrder/eid:SDK-ORDER-1"))
    assert (created["total"], created["orderStatus"]["id"]) == (40, "B")
    patch = {"item": {"items": [{"item": {"id": item["id"]}, "quantity": 1, "rate": 20}]}}
    assert run(lambda: api.patch(f"/record/v1/salesOrder/{created['id']}", json=patch)) is None
    assert run(lambda: api.get(f"/record/v1/salesOrder/{created['id']}"))["total"] == 20


def test_inventory_item_and_payment_records(api: LoopbackRestApi) -> None:
    item = run(lambda: api.get("/record/v1/inventoryItem/1",
                               params={"expandSubResources": "true"}))  # fmt: skip
    assert item["itemId"] == "SKU-00001"
    assert {"location", "quantityOnHand"} <= set(item["locations"]["items"][0])
    query = "SELECT id FROM transaction WHERE type = 'CustPymt' ORDER BY id"
    (payment,) = _rows(api, query, limit=1)
    paid = run(lambda: api.get(f"/record/v1/customerPayment/{payment['id']}",
                               params={"expandSubResources": "true"}))  # fmt: skip
    (line,) = paid["apply"]["items"]
    invoice = run(lambda: api.get(f"/record/v1/invoice/{line['doc']['id']}"))
    assert invoice["amountRemaining"] <= invoice["total"] - line["amount"] + 0.001
    schema = run(lambda: api.jsonschema("salesOrder"))
    assert schema["properties"]["tranDate"]["format"] == "date"
