"""The SuiteQL endpoint: results, value formatting, paging and errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from mocks.netsuite.query import execute as suiteql_exec
from mocks.store import RecordStore
from tests.mocks.netsuite.support import ADMIN, SUITEQL, Clock, TestClient, error_detail


def _query(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.post(SUITEQL, json={"q": q}, params=params, headers={"Prefer": "transient"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _rows(client: TestClient, q: str) -> list[dict[str, Any]]:
    rows = _query(client, q)["items"]
    assert all(row.pop("links") == [] for row in rows)
    return list(rows)


@pytest.fixture
def customers(client: TestClient, make_customer: Callable[..., str], clock: Clock) -> None:
    """Three customers created a day apart from 2024-01-15 10:22 UTC."""
    make_customer(companyName="Alpha Ltd", email="ap@alpha.example", creditLimit=1500,
                  externalId="CRM-1")  # fmt: skip
    clock.now += timedelta(days=1, hours=3)
    make_customer(companyName="Beta GmbH", subsidiary={"id": "3"}, creditLimit=250.5)
    clock.now += timedelta(days=1)
    make_customer(companyName="Gamma SAS", subsidiary={"id": "4"}, isInactive=True)


def test_values_are_strings_booleans_t_f_and_nulls_are_omitted(
    client: TestClient, customers: None
) -> None:
    rows = _rows(
        client,
        "SELECT id, companyname, email, subsidiary, creditlimit, isinactive, isperson"
        " FROM customer ORDER BY id",
    )
    assert rows == [
        {"id": "1", "companyname": "Alpha Ltd", "email": "ap@alpha.example", "subsidiary": "1",
         "creditlimit": "1500", "isinactive": "F", "isperson": "F"},
        {"id": "2", "companyname": "Beta GmbH", "subsidiary": "3", "creditlimit": "250.5",
         "isinactive": "F", "isperson": "F"},
        {"id": "3", "companyname": "Gamma SAS", "subsidiary": "4", "isinactive": "T",
         "isperson": "F"},
    ]  # fmt: skip


def test_dates_follow_the_date_preference_and_lose_their_time(
    client: TestClient, customers: None
) -> None:
    rows = _rows(client, "SELECT datecreated, lastmodifieddate FROM customer ORDER BY id")
    assert [row["datecreated"] for row in rows] == ["1/15/2024", "1/16/2024", "1/17/2024"]


@pytest.mark.filterwarnings("ignore::fastapi.exceptions.FastAPIDeprecationWarning")
def test_date_preference_can_change_mid_run(client: TestClient, customers: None) -> None:
    client.patch("/__harness/settings", json={"date_format": "DD.MM.YYYY"}, headers=ADMIN)
    rows = _rows(client, "SELECT datecreated FROM customer WHERE id = 1")
    assert rows == [{"datecreated": "15.01.2024"}]


def test_to_char_keeps_the_time(client: TestClient, customers: None) -> None:
    rows = _rows(
        client,
        "SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS modified,"
        " TO_CHAR(datecreated, 'DD/MM/YYYY HH24:MI') FROM customer WHERE id = 2",
    )
    assert rows == [{"id": "2", "modified": "2024-01-16T13:22:00", "expr3": "16/01/2024 13:22"}]


def test_to_char_of_a_stamp_is_the_same_a_column_at_a_time_as_row_by_row(
    client: TestClient, make_customer: Callable[..., str], clock: Clock
) -> None:
    """A page selecting only columns and `TO_CHAR` of a stamp is built a column at a time;
    with `UPPER` beside them, row by row: the texts are the same (seconds cut, not rounded;
    12-hour clock; quoted text kept as it is)."""
    for moment in ((0, 0, 999_999), (13, 5, 500_000), (12, 59, 1)):
        clock.now = clock.now.replace(hour=moment[0], minute=moment[1], microsecond=moment[2])
        make_customer(companyName="Stamp Co")
        clock.now += timedelta(days=1)
    stamps = ("TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS a,"
              " TO_CHAR(datecreated, 'HH12 \"{h}\" HH:MI DD/MM/YYYY') AS b")  # fmt: skip
    by_column = _rows(client, f"SELECT id, {stamps} FROM customer ORDER BY id")
    upper = "UPPER(companyname) AS u"
    by_row = _rows(client, f"SELECT id, {stamps}, {upper} FROM customer ORDER BY id")
    assert [{k: v for k, v in row.items() if k != "u"} for row in by_row] == by_column
    assert [row["b"] for row in by_column] == [
        "12 {h} 12:00 15/01/2024", "01 {h} 01:05 16/01/2024", "12 {h} 12:59 17/01/2024",
    ]  # fmt: skip
    assert by_column[0]["a"] == "2024-01-15T00:00:00"


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        pytest.param(
            "lastmodifieddate >= TO_TIMESTAMP('2024-01-16 13:22:00', 'YYYY-MM-DD HH24:MI:SS')",
            ["2", "3"],
            id="to-timestamp-inclusive",
        ),
        pytest.param(
            "lastmodifieddate > TO_TIMESTAMP('2024-01-16 13:22:00', 'YYYY-MM-DD HH24:MI:SS')",
            ["3"],
            id="to-timestamp-exclusive",
        ),
        pytest.param(
            "datecreated >= TO_DATE('2024-01-16', 'YYYY-MM-DD')", ["2", "3"], id="to-date"
        ),
        pytest.param("datecreated < '1/16/2024'", ["1"], id="string-in-date-preference"),
        pytest.param("companyname = 'Beta GmbH'", ["2"], id="equal"),
        pytest.param("companyname <> 'Beta GmbH'", ["1", "3"], id="not-equal"),
        pytest.param("id > '1'", ["2", "3"], id="number-against-string"),
        pytest.param("creditlimit <= 1500", ["1", "2"], id="null-never-compares"),
        pytest.param("subsidiary IN (3, 4)", ["2", "3"], id="in"),
        pytest.param("id NOT IN (1, NULL)", [], id="not-in-with-null"),
        pytest.param("companyname LIKE '%a S%'", ["3"], id="like-percent"),
        pytest.param("companyname LIKE '_eta%'", ["2"], id="like-underscore"),
        pytest.param("companyname LIKE 'alpha%'", [], id="like-is-case-sensitive"),
        pytest.param("UPPER(companyname) LIKE 'ALPHA%'", ["1"], id="upper"),
        pytest.param("email IS NULL", ["2", "3"], id="is-null"),
        pytest.param("email IS NOT NULL", ["1"], id="is-not-null"),
        pytest.param("NOT isinactive = 'T'", ["1", "2"], id="not"),
        pytest.param("isinactive = 'T' OR id = 1 AND email IS NULL", ["3"], id="precedence"),
        pytest.param("(isinactive = 'T' OR id = 1) AND email IS NULL", ["3"], id="parentheses"),
        pytest.param("id BETWEEN 2 AND 3", ["2", "3"], id="between"),
        pytest.param("NVL(email, 'none') = 'none'", ["2", "3"], id="nvl"),
        pytest.param("externalid = 'CRM-1'", ["1"], id="external-id"),
    ],
)
def test_where(client: TestClient, customers: None, where: str, expected: list[str]) -> None:
    rows = _rows(client, f"SELECT id FROM customer WHERE {where} ORDER BY id")
    assert [row["id"] for row in rows] == expected


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        pytest.param("id DESC", ["3", "2", "1"], id="desc"),
        pytest.param("name", ["1", "2", "3"], id="by-alias"),
        pytest.param("2 DESC", ["3", "2", "1"], id="by-position"),
        pytest.param("creditlimit", ["2", "1", "3"], id="nulls-last"),
        pytest.param("creditlimit DESC", ["3", "1", "2"], id="nulls-first-when-desc"),
        pytest.param("isinactive DESC, id DESC", ["3", "2", "1"], id="two-keys"),
    ],
)
def test_order_by(client: TestClient, customers: None, order: str, expected: list[str]) -> None:
    rows = _rows(client, f"SELECT id, companyname AS name FROM customer ORDER BY {order}")
    assert [row["id"] for row in rows] == expected


def test_count(client: TestClient, customers: None) -> None:
    assert _rows(client, "SELECT COUNT(*) FROM customer WHERE isinactive = 'F'") == [{"expr1": "2"}]
    assert _rows(client, "SELECT COUNT(*) AS total FROM customer") == [{"total": "3"}]


def test_select_star_returns_every_column_with_a_value(client: TestClient, customers: None) -> None:
    row = _rows(client, "SELECT * FROM customer WHERE id = 1")[0]
    assert set(row) == {"id", "entityid", "companyname", "isperson", "email", "subsidiary",
                        "creditlimit", "balance", "externalid", "isinactive", "datecreated",
                        "lastmodifieddate"}  # fmt: skip
    assert row["balance"] == "0"


def test_subsidiary_table(client: TestClient) -> None:
    rows = _rows(client, "SELECT s.id, s.name, country, currency FROM subsidiary s ORDER BY id")
    assert rows[0] == {"id": "1", "name": "Harness Parent Inc.", "country": "US", "currency": "1"}
    assert len(rows) == 5


def test_deleted_records_are_not_returned(
    client: TestClient, customers: None, make_customer: Callable[..., str]
) -> None:
    client.delete("/services/rest/record/v1/customer/2")
    assert [r["id"] for r in _rows(client, "SELECT id FROM customer ORDER BY id")] == ["1", "3"]


def _fill(store: RecordStore, count: int) -> None:
    for i in range(1, count + 1):
        store.insert("customer", str(i), {"companyName": f"Co {i}", "subsidiary": "1"})


def test_pages_walk_every_row_once(client: TestClient, store: RecordStore) -> None:
    _fill(store, 25)
    seen: list[str] = []
    offset = 0
    while True:
        body = _query(client, "SELECT id FROM customer ORDER BY id", limit=10, offset=offset)
        assert body["totalResults"] == 25 and body["offset"] == offset
        seen += [row["id"] for row in body["items"]]
        if not body["hasMore"]:
            break
        rels = {link["rel"]: link["href"] for link in body["links"]}
        assert rels["next"].endswith(
            f"/services/rest/query/v1/suiteql?limit=10&offset={offset + 10}"
        )
        offset += 10
    assert seen == [str(i) for i in range(1, 26)]
    assert body["count"] == 5


def test_default_page_is_1000_rows(client: TestClient, store: RecordStore) -> None:
    _fill(store, 1001)
    body = _query(client, "SELECT id FROM customer")
    assert (body["count"], body["hasMore"], body["totalResults"]) == (1000, True, 1001)
    last = _query(client, "SELECT id FROM customer", offset=1000)
    assert (last["count"], last["hasMore"], last["items"][0]["id"]) == (1, False, "1001")


def test_rows_beyond_the_query_cap_are_an_error(
    client: TestClient, store: RecordStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert suiteql_exec.MAX_ROWS == 100_000
    monkeypatch.setattr(suiteql_exec, "MAX_ROWS", 20)  # the cap's logic without 100k inserts
    _fill(store, 21)
    response = client.post(SUITEQL, json={"q": "SELECT id FROM customer"}, params={"limit": 5})
    assert response.status_code == 400
    assert "more than the 20" in error_detail(response)["detail"]
    narrowed = _query(client, "SELECT id FROM customer WHERE id > 1", limit=5)
    assert narrowed["totalResults"] == 20


@pytest.mark.parametrize(
    ("q", "message"),
    [
        pytest.param("SELECT id FROM customer WHERE", "Invalid search query", id="syntax"),
        pytest.param("SELECT shoesize FROM customer", "Field 'shoesize'", id="unknown-column"),
        pytest.param("SELECT id FROM widget", "Record 'widget'", id="unknown-table"),
        pytest.param("SELECT x.id FROM customer c", "unknown table or alias", id="bad-qualifier"),
        pytest.param("SELECT id, COUNT(*) FROM customer", "GROUP BY", id="count-mixed"),
        pytest.param("SELECT id FROM customer WHERE id = 'abc'", "invalid number", id="number"),
        pytest.param(
            "SELECT id FROM customer WHERE datecreated > 'soon'", "not a valid date", id="date"
        ),
        pytest.param(
            "SELECT TO_CHAR(datecreated, 'YYYY Q') FROM customer", "format", id="bad-format"
        ),
        pytest.param(
            "SELECT id FROM customer WHERE datecreated > TO_DATE('2024/13/45', 'YYYY/MM/DD')",
            "Invalid search query",
            id="impossible-date",
        ),
    ],
)
def test_bad_query_is_invalid_parameter(
    client: TestClient, customers: None, q: str, message: str
) -> None:
    response = client.post(SUITEQL, json={"q": q})
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["detail"].startswith("Invalid search query")
    assert message in detail["detail"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no-q"),
        pytest.param({"q": ""}, id="empty-q"),
        pytest.param({"q": 5}, id="q-not-text"),
        pytest.param(["SELECT id FROM customer"], id="not-an-object"),
    ],
)
def test_bad_body_is_invalid_content(client: TestClient, body: Any) -> None:
    response = client.post(SUITEQL, json=body)
    assert response.status_code == 400
    assert error_detail(response)["o:errorCode"] == "INVALID_CONTENT"


def test_unknown_body_property_needs_property_name_validation(client: TestClient) -> None:
    body = {"q": "SELECT id FROM customer", "extra": 1}
    assert client.post(SUITEQL, json=body).status_code == 200
    strict = client.post(SUITEQL, json=body, headers={"X-NetSuite-PropertyNameValidation": "error"})
    assert error_detail(strict)["o:errorCode"] == "INVALID_CONTENT"


def test_limit_over_1000_is_invalid_parameter(client: TestClient) -> None:
    response = client.post(SUITEQL, json={"q": "SELECT id FROM customer"}, params={"limit": 1001})
    assert error_detail(response)["o:errorQueryParam"] == "limit"
