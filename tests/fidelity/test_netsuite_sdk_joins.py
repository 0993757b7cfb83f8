"""The `netsuite` SDK (0.12.0), unchanged but for its host, against the mock over HTTPS:
SuiteQL joins, `BUILTIN.DF`, GROUP BY and subqueries through `rest_api.suiteql`, and an
asynchronous create with an idempotency key through `rest_api.request`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from netsuite.exceptions import NetsuiteAPIRequestError

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
WORLD = {"seed": 5, "accounts": 20, "full_business": True}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, TlsMaterial]]:
    with netsuite_server(tmp_path_factory.mktemp("netsuite-joins-tls"), WORLD) as served:
        yield served


@pytest.fixture
def api(
    server: tuple[RunningServer, TlsMaterial], monkeypatch: pytest.MonkeyPatch
) -> LoopbackRestApi:
    return sdk_client(*server, monkeypatch)


def _rows(api: LoopbackRestApi, query: str, limit: int = 1000) -> list[dict[str, Any]]:
    body = run(lambda: api.suiteql(query, limit=limit, offset=0))
    return [{k: v for k, v in row.items() if k != "links"} for row in body["items"]]


def test_sales_order_lines_joined_with_display_values(api: LoopbackRestApi) -> None:
    rows = _rows(api, "SELECT t.tranid, BUILTIN.DF(t.entity) AS customer, tl.item,"
                      " BUILTIN.DF(tl.item) AS sku FROM transaction t"
                      " INNER JOIN transactionline tl ON tl.transaction = t.id"
                      " WHERE t.type = 'SalesOrd' AND tl.mainline = 'F' AND t.id = 1")  # fmt: skip
    order = run(lambda: api.get("/record/v1/salesOrder/1", params={"expandSubResources": "true"}))
    assert rows == [
        {"tranid": order["tranId"], "customer": order["entity"]["refName"],
         "item": line["item"]["id"], "sku": line["item"]["refName"]}
        for line in order["item"]["items"]
    ]  # fmt: skip


def test_customers_left_joined_to_their_billing_address(api: LoopbackRestApi) -> None:
    rows = _rows(api, "SELECT c.id, a.city, BUILTIN.DF(a.country) AS country FROM customer c"
                      " LEFT JOIN entityaddress a ON a.nkey = c.defaultbillingaddress"
                      " WHERE c.id = 1")  # fmt: skip
    customer = run(lambda: api.get("/record/v1/customer/1",
                                   params={"expandSubResources": "true"}))  # fmt: skip
    (billing,) = [a for a in customer["addressBook"]["items"] if a["defaultBilling"]]
    assert rows[0]["city"] == billing["addressBookAddress"]["city"]
    assert rows[0]["country"] and rows[0]["country"] != billing["addressBookAddress"]["country"]


def test_group_by_and_a_subquery(api: LoopbackRestApi) -> None:
    counts = _rows(api, "SELECT type, COUNT(*) AS n FROM transaction GROUP BY type ORDER BY type")
    assert {row["type"] for row in counts} == {"CustInvc", "CustPymt", "SalesOrd"}
    invoices = _rows(api, "SELECT id FROM transaction WHERE type = 'CustInvc'")
    assert next(int(r["n"]) for r in counts if r["type"] == "CustInvc") == len(invoices)
    paying = _rows(api, "SELECT COUNT(*) AS n FROM customer WHERE id IN"
                        " (SELECT entity FROM transaction WHERE type = 'CustPymt')")  # fmt: skip
    payers = _rows(api, "SELECT entity FROM transaction WHERE type = 'CustPymt'")
    assert int(paying[0]["n"]) == len({row["entity"] for row in payers})


def test_an_ambiguous_column_is_the_sdks_request_error(api: LoopbackRestApi) -> None:
    query = "SELECT id FROM customer c JOIN transaction t ON t.entity = c.id"
    with pytest.raises(NetsuiteAPIRequestError) as caught:
        run(lambda: api.suiteql(query))
    assert caught.value.status_code == 400
    assert "INVALID_PARAMETER" in caught.value.response_text


def test_an_async_create_retried_with_its_key_makes_one_record(api: LoopbackRestApi) -> None:
    headers = {"Prefer": "respond-async", "X-NetSuite-Idempotency-Key": str(uuid.uuid4())}
    body = {"companyName": "SDK Async Co", "subsidiary": {"id": "1"}}
    first = run(lambda: api.request("POST", "/record/v1/customer", json=body, headers=headers))
    retry = run(lambda: api.request("POST", "/record/v1/customer", json=body, headers=headers))
    assert (first.status_code, retry.status_code) == (202, 400)
    assert retry.headers["Location"] == first.headers["Location"]
    job = first.headers["Location"].split("/services/rest", 1)[1]
    assert run(lambda: api.get(job))["progress"] == "succeeded"
    created = _rows(api, "SELECT id FROM customer WHERE companyname = 'SDK Async Co'")
    assert len(created) == 1
