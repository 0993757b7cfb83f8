"""A page's lines asked by parent (`transaction IN (...)`, `ab.entity IN (...)`) are read from
those parents' records, not from a scan of the whole line table, and answer exactly as the
scan does: the same rows in the same order, alone or joined, with BUILTIN.DF or without,
paged by keyset, and the same refusal for a mistake the parser catches (an error that
depends on the data, such as a text compared with a number, shows only for rows read)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mocks.netsuite.support import (
    SUITEQL,
    TestClient,
    error_detail,
    suiteql_items,
)

# `OR 1 = 0` pins nothing: the same condition, read by a scan of the whole table.
SCANNED = " OR 1 = 0"


@pytest.fixture
def client(business: TestClient) -> TestClient:
    return business  # the session's seeded world (conftest)


def _rows(client: TestClient, query: str) -> list[dict[str, Any]]:
    return list(suiteql_items(client, query)["items"])


def _ids(client: TestClient, query: str) -> list[str]:
    return [row["id"] for row in _rows(client, query)]


def _some(ids: list[str]) -> str:
    """Every other id, plus one no record has: a page's worth of parents, not all."""
    return ", ".join([*ids[::2], "987654"])


@pytest.mark.parametrize(
    "template",
    [
        # the connector's item lines: BUILTIN.DF makes it a relational query
        "SELECT transaction AS parent, linesequencenumber AS seq, mainline, item,"
        " BUILTIN.DF(item) AS item_df, quantity, foreignamount FROM transactionline"
        " WHERE (transaction IN ({ids}){scan}) AND taxline = 'F'"
        " ORDER BY transaction, linesequencenumber",
        # a plain single-table read of the same lines, no ORDER BY: the table's own order
        "SELECT transaction, linesequencenumber, mainline, rate FROM transactionline"
        " WHERE (transaction IN ({ids}){scan})",
        # keyset paging past a (parent, line) key
        "SELECT transaction, linesequencenumber FROM transactionline"
        " WHERE (transaction IN ({ids}){scan}) AND (transaction > {first}"
        " OR (transaction = {first} AND linesequencenumber > 1))"
        " ORDER BY transaction, linesequencenumber",
    ],
    ids=["lines-with-names", "plain-lines", "keyset-page"],
)
def test_transaction_lines_by_parent_equal_the_scan(client: TestClient, template: str) -> None:
    orders = _ids(client, "SELECT id FROM transaction WHERE type = 'SalesOrd' ORDER BY id")
    invoices = _ids(client, "SELECT id FROM transaction WHERE type = 'CustInvc' ORDER BY id")
    assert orders and invoices
    ids = _some(sorted([*orders, *invoices], key=int))
    first = min(int(i) for i in orders)

    def query(scan: str) -> str:
        return template.format(ids=ids, scan=scan, first=first)

    pinned = _rows(client, query(""))
    assert pinned == _rows(client, query(SCANNED))
    assert len(pinned) > len(orders) // 2  # main lines and item lines of many parents


def test_address_book_lines_by_parent_equal_the_scan(client: TestClient) -> None:
    customers = _ids(client, "SELECT id FROM customer ORDER BY id")
    template = (
        "SELECT ab.entity AS parent, ab.internalid AS seq, ab.label AS label, a.city AS city"
        " FROM customeraddressbook ab"
        " LEFT JOIN customeraddressbookentityaddress a ON a.nkey = ab.addressbookaddress"
        " WHERE (ab.entity IN ({ids}){scan}) ORDER BY ab.entity, ab.internalid"
    )
    ids = _some(customers)
    pinned = _rows(client, template.format(ids=ids, scan=""))
    assert pinned == _rows(client, template.format(ids=ids, scan=SCANNED))
    assert {row["parent"] for row in pinned} <= set(customers[::2]) and pinned


def test_another_sources_column_does_not_pin_the_lines(client: TestClient) -> None:
    """`t.id IN (...)` names the joined transaction, not the line table's parent column:
    the lines are scanned, and the answer is the scan's."""
    orders = _ids(client, "SELECT id FROM transaction WHERE type = 'SalesOrd' ORDER BY id")
    template = (
        "SELECT tl.transaction AS parent, tl.linesequencenumber AS seq, t.tranid AS tranid"
        " FROM transactionline tl JOIN transaction t ON t.id = tl.transaction"
        " WHERE (t.id IN ({ids}){scan}) ORDER BY tl.transaction, tl.linesequencenumber"
    )
    ids = _some(orders)
    rows = _rows(client, template.format(ids=ids, scan=""))
    assert rows == _rows(client, template.format(ids=ids, scan=SCANNED))
    assert {row["parent"] for row in rows} == set(orders[::2])


def test_a_mistake_is_refused_the_same_with_or_without_the_index(client: TestClient) -> None:
    for scan in ("", SCANNED):
        response = client.post(
            SUITEQL,
            json={
                "q": f"SELECT nosuchcolumn FROM transactionline WHERE (transaction IN (1){scan})"
            },
        )
        assert response.status_code == 400
        assert "nosuchcolumn" in error_detail(response)["detail"]
