"""SuiteQL past one table: joins, aliases, BUILTIN.DF, GROUP BY with aggregates, HAVING and
IN (SELECT ...), on a seeded full-business world, checked against the records themselves."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.mocks.netsuite.support import (
    SUITEQL,
    TestClient,
    error_detail,
    suiteql_items,
)

RECORDS = "/services/rest/record/v1"


@pytest.fixture
def client(business: TestClient) -> TestClient:
    return business  # the session's seeded world (conftest)


def _rows(client: TestClient, query: str) -> list[dict[str, Any]]:
    body = suiteql_items(client, query)
    assert body["totalResults"] == len(body["items"])  # one page holds these results
    rows = body["items"]
    assert all(row.pop("links") == [] for row in rows)
    return list(rows)


def _record(client: TestClient, record_type: str, record_id: str) -> dict[str, Any]:
    response = client.get(f"{RECORDS}/{record_type}/{record_id}",
                          params={"expandSubResources": "true"})  # fmt: skip
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_customer_left_join_its_default_billing_address(client: TestClient) -> None:
    rows = _rows(
        client,
        "SELECT c.id, c.companyname, a.city, a.country, BUILTIN.DF(a.country) AS countryname"
        " FROM customer AS c LEFT OUTER JOIN entityaddress a ON a.nkey = c.defaultbillingaddress"
        " ORDER BY c.id",
    )
    assert len(rows) == len(_rows(client, "SELECT id FROM customer"))
    for row in rows[:5]:
        record = _record(client, "customer", row["id"])
        (billing,) = [a for a in record["addressBook"]["items"] if a["defaultBilling"]]
        address = billing["addressBookAddress"]
        assert (row["companyname"], row["city"]) == (record["companyName"], address["city"])
        assert row["country"] == address["country"] and len(row["countryname"]) > 2


def test_left_join_keeps_a_customer_without_addresses(client: TestClient) -> None:
    body = {"companyName": "Addressless Co", "subsidiary": {"id": "1"}}
    created = client.post(f"{RECORDS}/customer", json=body)
    assert created.status_code == 204, created.text
    new_id = created.headers["Location"].rsplit("/", 1)[1]
    query = ("SELECT c.id, a.city FROM customer c LEFT JOIN entityaddress a"
             f" ON a.nkey = c.defaultbillingaddress WHERE c.id = {new_id}")  # fmt: skip
    assert _rows(client, query) == [{"id": new_id}]  # a.city is NULL: left out of the row
    inner = query.replace("LEFT JOIN", "JOIN")
    assert _rows(client, inner) == []


def test_address_book_through_its_three_tables(client: TestClient) -> None:
    rows = _rows(
        client,
        "SELECT ab.entity, ab.label, ab.defaultbilling, ab.defaultshipping, cabea.addr1,"
        " cabea.zip FROM customer c"
        " INNER JOIN customeraddressbook ab ON ab.entity = c.id"
        " INNER JOIN customeraddressbookentityaddress cabea ON cabea.nkey = ab.addressbookaddress"
        " WHERE c.id <= 3 ORDER BY ab.entity, ab.internalid",
    )
    expected = []
    for customer_id in ("1", "2", "3"):
        for line in _record(client, "customer", customer_id)["addressBook"]["items"]:
            address = line["addressBookAddress"]
            expected.append({
                "entity": customer_id, "label": line["label"],
                "defaultbilling": "T" if line["defaultBilling"] else "F",
                "defaultshipping": "T" if line["defaultShipping"] else "F",
                "addr1": address["addr1"], "zip": address["zip"],
            })  # fmt: skip
    assert rows == expected


def test_transaction_lines_with_display_values(client: TestClient) -> None:
    rows = _rows(
        client,
        "SELECT t.id, t.tranid, BUILTIN.DF(t.entity) AS customer, BUILTIN.DF(t.status) status,"
        " tl.item, BUILTIN.DF(tl.item) AS sku, tl.quantity FROM transaction t"
        " JOIN transactionline tl ON tl.transaction = t.id"
        " WHERE t.type = 'SalesOrd' AND tl.mainline = 'F' ORDER BY t.id, tl.linesequencenumber",
    )
    first = rows[0]
    order = _record(client, "salesOrder", first["id"])
    lines = order["item"]["items"]
    assert [r for r in rows if r["id"] == first["id"]] == [
        {"id": order["id"], "tranid": order["tranId"], "customer": order["entity"]["refName"],
         "status": f"Sales Order : {order['orderStatus']['refName']}",
         "item": line["item"]["id"], "sku": line["item"]["refName"],
         "quantity": str(-line["quantity"])}
        for line in lines
    ]  # fmt: skip
    (counted,) = _rows(client, "SELECT COUNT(*) AS n FROM transactionline tl"
                               " JOIN transaction t ON t.id = tl.transaction"
                               " WHERE t.type = 'SalesOrd' AND tl.mainline = 'F'")  # fmt: skip
    assert int(counted["n"]) == len(rows)


def test_items_with_their_locations(client: TestClient) -> None:
    rows = _rows(
        client,
        "SELECT i.itemid, BUILTIN.DF(l.location) AS location, l.quantityonhand"
        " FROM item i JOIN inventoryitemlocations l ON l.item = i.id WHERE i.id = 1",
    )
    item = _record(client, "inventoryItem", "1")
    assert rows == [
        {"itemid": item["itemId"], "location": line["location"]["refName"],
         "quantityonhand": str(line["quantityOnHand"])}
        for line in item["locations"]["items"]
    ]  # fmt: skip


def test_links_between_documents(client: TestClient) -> None:
    rows = _rows(
        client,
        "SELECT p.previousdoc, BUILTIN.DF(p.previousdoc) AS fromdoc, p.nextdoc, so.tranid"
        " FROM previoustransactionlinelink p"
        " JOIN transaction so ON so.id = p.previousdoc WHERE p.linktype = 'OrdBill'",
    )
    assert rows
    for row in rows[:3]:
        invoice = _record(client, "invoice", row["nextdoc"])
        assert invoice["createdFrom"]["id"] == row["previousdoc"]
        assert row["fromdoc"] == f"Sales Order #{row['tranid']}"


def test_group_by_with_aggregates_and_having(client: TestClient) -> None:
    rows = _rows(
        client,
        "SELECT t.type, COUNT(*) AS n, COUNT(DISTINCT t.entity) AS customers,"
        " SUM(t.foreigntotal) AS total, MIN(t.id) AS first, MAX(t.id) AS last"
        " FROM transaction t GROUP BY t.type HAVING COUNT(*) > 0 ORDER BY n DESC, t.type",
    )
    for row in rows:
        members = _rows(client, f"SELECT id, entity, foreigntotal FROM transaction"
                                f" WHERE type = '{row['type']}' ORDER BY id")  # fmt: skip
        total = sum(float(m["foreigntotal"]) for m in members)
        assert int(row["n"]) == len(members)
        assert int(row["customers"]) == len({m["entity"] for m in members})
        assert float(row["total"]) == pytest.approx(total)
        assert (row["first"], row["last"]) == (members[0]["id"], members[-1]["id"])
    assert [int(r["n"]) for r in rows] == sorted((int(r["n"]) for r in rows), reverse=True)
    having = _rows(client, "SELECT type FROM transaction GROUP BY type HAVING COUNT(*) > 100000")
    assert having == []


def test_group_by_a_display_value_and_an_aggregate_over_no_rows(client: TestClient) -> None:
    rows = _rows(client, "SELECT BUILTIN.DF(subsidiary) AS name, COUNT(*) AS n FROM customer"
                         " GROUP BY subsidiary ORDER BY 2 DESC")  # fmt: skip
    customers = _rows(client, "SELECT subsidiary FROM customer")
    assert sorted(int(r["n"]) for r in rows) == sorted(
        Counter(c["subsidiary"] for c in customers).values()
    )
    assert all(r["name"] for r in rows)
    (nothing,) = _rows(client, "SELECT COUNT(*) AS n, SUM(creditlimit) AS s FROM customer"
                               " WHERE id < 0")  # fmt: skip
    assert nothing == {"n": "0"}  # SUM of no rows is NULL, so left out


def test_in_subquery(client: TestClient) -> None:
    invoiced = _rows(client, "SELECT id FROM customer WHERE id IN"
                             " (SELECT entity FROM transaction WHERE type = 'CustInvc')"
                             " ORDER BY id")  # fmt: skip
    entities = _rows(client, "SELECT entity FROM transaction WHERE type = 'CustInvc'")
    assert [r["id"] for r in invoiced] == sorted({e["entity"] for e in entities}, key=int)
    others = _rows(client, "SELECT id FROM customer WHERE id NOT IN"
                           " (SELECT entity FROM transaction WHERE type = 'CustInvc')")  # fmt: skip
    total = len(_rows(client, "SELECT id FROM customer"))
    assert len(invoiced) + len(others) == total


def test_join_results_page_like_any_other(client: TestClient) -> None:
    query = ("SELECT t.id, tl.linesequencenumber FROM transaction t JOIN transactionline tl"
             " ON tl.transaction = t.id ORDER BY t.id, tl.linesequencenumber")  # fmt: skip
    whole = _rows(client, query)
    paged: list[dict[str, Any]] = []
    for offset in (0, 50, 100):
        page = client.post(SUITEQL, json={"q": query}, params={"limit": 50, "offset": offset})
        assert page.json()["totalResults"] == len(whole)
        paged += page.json()["items"]
    assert [{k: v for k, v in r.items() if k != "links"} for r in paged] == whole[:150]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "SELECT id FROM customer c JOIN transaction t ON t.entity = c.id",
            "ambiguously defined",
            id="ambiguous",
        ),
        pytest.param(
            "SELECT c.id FROM customer c JOIN widget w ON w.id = c.id",
            "Record 'widget' was not found",
            id="unknown-table",
        ),
        pytest.param(
            "SELECT t.shoesize FROM customer c JOIN transaction t ON t.entity = c.id",
            "Field 'shoesize' for record 'transaction'",
            id="unknown-column",
        ),
        pytest.param(
            "SELECT x.id FROM customer c JOIN transaction t ON t.entity = c.id",
            "unknown table or alias 'x'",
            id="unknown-alias",
        ),
        pytest.param(
            "SELECT entity, id, COUNT(*) FROM transaction GROUP BY entity",
            "'id' is not a GROUP BY expression",
            id="not-grouped",
        ),
        pytest.param("SELECT id FROM customer WHERE COUNT(*) > 1", "not allowed", id="where"),
        pytest.param(
            "SELECT id FROM customer WHERE id IN (SELECT id, entity FROM transaction)",
            "exactly one column",
            id="subquery-columns",
        ),
        pytest.param(
            "SELECT c.id FROM customer c JOIN item c ON c.id = c.id", "used twice", id="alias-twice"
        ),
        pytest.param(
            "SELECT c.id FROM customer c FULL JOIN item i ON i.id = c.id",
            "FULL JOIN",
            id="full-join",
        ),
    ],
)
def test_bad_joined_query_is_invalid_parameter(
    client: TestClient, query: str, message: str
) -> None:
    response = client.post(SUITEQL, json={"q": query})
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["detail"].startswith("Invalid search query.") and message in detail["detail"]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            "SELECT c.nosuch FROM customer c JOIN transaction t ON t.entity = c.id WHERE c.id < 0",
            id="select",
        ),
        pytest.param(
            "SELECT c.id FROM customer c WHERE c.id IN"
            " (SELECT nosuch FROM transaction) AND c.id < 0",
            id="subquery",
        ),
        pytest.param(
            "SELECT c.id FROM customer c JOIN transaction t ON t.entity = i.id"
            " JOIN item i ON i.id = c.id WHERE c.id < 0",
            id="on-before-join",
        ),
    ],
)
def test_a_bad_name_fails_even_when_no_row_reaches_it(client: TestClient, query: str) -> None:
    response = client.post(SUITEQL, json={"q": query})
    assert response.status_code == 400
    assert error_detail(response)["o:errorCode"] == "INVALID_PARAMETER"


def test_group_by_checks_inside_functions_but_not_inside_aggregates(client: TestClient) -> None:
    rows = _rows(client, "SELECT type, TO_CHAR(MAX(trandate), 'YYYY') AS y FROM transaction"
                         " GROUP BY type")  # fmt: skip
    assert rows and all(len(row["y"]) == 4 for row in rows)
    response = client.post(SUITEQL, json={"q": "SELECT UPPER(tranid) FROM transaction"
                                                " GROUP BY type"})  # fmt: skip
    assert "'tranid' is not a GROUP BY expression" in error_detail(response)["detail"]


def test_select_distinct(client: TestClient) -> None:
    query = "SELECT DISTINCT entity FROM transaction WHERE type = 'CustInvc' ORDER BY entity"
    rows = _rows(client, query)
    entities = [row["entity"] for row in _rows(client, query.replace("DISTINCT ", ""))]
    assert [row["entity"] for row in rows] == list(dict.fromkeys(entities))
    assert len(rows) < len(entities)  # the seeded world bills some customers twice


@pytest.mark.parametrize("keys", ["ab.addressbookaddress", "TO_CHAR(ab.addressbookaddress)"])
def test_a_join_on_the_address_key_reads_what_a_scan_of_the_table_reads(
    client: TestClient, keys: str
) -> None:
    """The join on `nkey` reads only the address lines the book rows name (an index); the
    same join through an expression on `nkey` scans the whole table: the same rows, whether
    the keys come as numbers or as text, and a left join still keeps unmatched book rows."""
    query = ("SELECT ab.entity, ab.internalid, a.city, a.zip FROM customeraddressbook ab"
             " LEFT JOIN customeraddressbookentityaddress a ON {on}"
             " WHERE ab.entity IN (2, 5, 9) ORDER BY ab.entity, ab.internalid")  # fmt: skip
    indexed = _rows(client, query.format(on=f"a.nkey = {keys}"))
    scanned = _rows(client, query.format(on=f"NVL(a.nkey, 0) = {keys}"))
    assert indexed == scanned and len(indexed) >= 3
    assert all("city" in row for row in indexed) == (keys == "ab.addressbookaddress")
    missing = _rows(client, query.format(on="a.nkey = ab.entity"))  # names no line
    assert [r["internalid"] for r in missing] == [r["internalid"] for r in indexed]
    assert all("city" not in row for row in missing)
