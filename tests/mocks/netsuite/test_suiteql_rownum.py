"""Oracle's ROWNUM in a SuiteQL WHERE: rows are numbered as they pass the other conditions,
in internal id order, before any ORDER BY or aggregate, and a row is numbered only once
it passes, so `ROWNUM > 1` keeps nothing."""

from __future__ import annotations

import pytest

from tests.mocks.netsuite.support import SUITEQL, TestClient, error_detail, suiteql_items


def _ids(client: TestClient, query: str) -> list[str]:
    return [row["id"] for row in suiteql_items(client, query)["items"]]


def test_rownum_keeps_the_first_rows_in_id_order(business: TestClient) -> None:
    every = _ids(business, "SELECT id FROM customer ORDER BY id")
    assert _ids(business, "SELECT id FROM customer WHERE ROWNUM <= 3") == every[:3]
    assert _ids(business, "SELECT id FROM customer WHERE rownum < 3") == every[:2]
    assert _ids(business, "SELECT id FROM customer WHERE ROWNUM = 1") == every[:1]
    assert _ids(business, "SELECT id FROM customer WHERE ROWNUM = '1'") == every[:1]  # as Oracle


@pytest.mark.parametrize("condition", ["ROWNUM > 1", "ROWNUM = 2", "ROWNUM >= 2"])
def test_a_row_is_numbered_only_once_it_passes(business: TestClient, condition: str) -> None:
    """The first candidate is always number 1: a condition it fails keeps nothing."""
    assert _ids(business, f"SELECT id FROM customer WHERE {condition}") == []


def test_rows_are_numbered_after_the_other_conditions(business: TestClient) -> None:
    wanted = _ids(business, "SELECT id FROM customer WHERE currency = 2 ORDER BY id")
    assert len(wanted) > 2
    query = "SELECT id FROM customer WHERE ROWNUM <= 2 AND currency = 2"
    assert _ids(business, query) == wanted[:2]


def test_rows_are_numbered_before_order_by_and_aggregates(business: TestClient) -> None:
    every = _ids(business, "SELECT id FROM customer ORDER BY id")
    ordered = "SELECT id FROM customer WHERE ROWNUM <= 3 ORDER BY id DESC"
    assert _ids(business, ordered) == list(reversed(every[:3]))  # not the last three
    counted = suiteql_items(business, "SELECT COUNT(*) AS n FROM customer WHERE ROWNUM <= 5")
    assert counted["items"][0]["n"] == "5"
    grouped = suiteql_items(
        business, "SELECT currency, COUNT(*) AS n FROM customer WHERE ROWNUM <= 4 GROUP BY currency"
    )
    assert sum(int(row["n"]) for row in grouped["items"]) == 4


def test_rownum_counts_joined_rows(business: TestClient) -> None:
    query = (
        "SELECT c.id, a.city FROM customer c LEFT OUTER JOIN entityaddress a"
        " ON a.nkey = c.defaultbillingaddress WHERE ROWNUM <= 2 AND c.isinactive = 'F'"
    )
    rows = suiteql_items(business, query)["items"]
    every = _ids(business, "SELECT id FROM customer ORDER BY id")
    assert [row["id"] for row in rows] == every[:2]


def test_a_keyset_page_with_rownum_reads_no_index(business: TestClient) -> None:
    """A keyset-shaped query (ORDER BY the stamp and id, a bound on the stamp) is served from
    an index of the rows its other conditions keep; with ROWNUM it is tested row by row."""
    query = (
        "SELECT id FROM customer WHERE lastmodifieddate >= TO_TIMESTAMP('2000-01-01 00:00:00',"
        " 'YYYY-MM-DD HH24:MI:SS') AND {} ORDER BY lastmodifieddate, id"
    )
    first = _ids(business, query.format("ROWNUM <= 4"))
    assert len(first) == 4
    assert set(first) <= set(_ids(business, query.format("1 = 1")))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT id, ROWNUM FROM customer",  # served in WHERE only
        "SELECT id FROM customer c WHERE c.rownum <= 2",  # a qualified name is a column
        "SELECT id FROM customer ORDER BY rownum",
    ],
)
def test_rownum_outside_a_where_is_refused_plainly(business: TestClient, query: str) -> None:
    response = business.post(SUITEQL, json={"q": query})
    assert response.status_code == 400, response.text
    assert "rownum" in error_detail(response)["detail"].lower()
