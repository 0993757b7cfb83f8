"""Clauses SOQL refuses beside aggregates, answered as real Salesforce answers them: 400
MALFORMED_QUERY with the query, a caret and the reason, as every malformed query is.

Rules (SOQL and SOSL Reference, developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/
soql_sosl/...):
- sforce_api_calls_soql_select_count.htm: COUNT() must be alone; "You can use COUNT() with a
  LIMIT clause"; "You can't use COUNT() with an ORDER BY clause"; "You can't use COUNT() with
  a GROUP BY clause for API version 19.0 and later. Use COUNT(fieldName) instead."
- sforce_api_calls_soql_select_limit.htm: "You can't use a LIMIT clause in a query that uses
  an aggregate function, but does not use a GROUP BY clause", with `SELECT MAX(CreatedDate)
  FROM Account LIMIT 1` as the invalid example (also "Considerations for GROUP BY").
"""

from __future__ import annotations

from typing import Any

import pytest

from mocks.store import RecordStore
from tests.mocks.salesforce.conftest import Api, add_accounts


@pytest.fixture
def accounts(store: RecordStore) -> None:
    add_accounts(store, 2, Industry="Banking")
    add_accounts(store, 3, start=3, Industry="Energy")


@pytest.mark.parametrize(
    ("soql", "caret_at", "reason"),
    [
        pytest.param("SELECT COUNT() FROM Account GROUP BY Industry", "Industry",
                     "COUNT() can not be used with GROUP BY", id="count-group-by"),
        pytest.param("SELECT COUNT() FROM Account ORDER BY Name", "Name",
                     "COUNT() can not be used with ORDER BY", id="count-order-by"),
        pytest.param("SELECT COUNT() FROM Account WHERE Name != null ORDER BY Name LIMIT 5",
                     "Name LIMIT", "COUNT() can not be used with ORDER BY",
                     id="count-order-by-limit"),
        pytest.param("SELECT MAX(CreatedDate) FROM Account LIMIT 1", "LIMIT",
                     "LIMIT can not be used in a query with an aggregate function and no"
                     " GROUP BY", id="aggregate-limit-no-group-by"),
        pytest.param("SELECT COUNT(Id) FROM Account LIMIT 10", "LIMIT",
                     "LIMIT can not be used", id="count-field-limit-no-group-by"),
    ],
)  # fmt: skip
def test_refused_beside_aggregates(api: Api, accounts: None, soql: str, caret_at: str,
                                   reason: str) -> None:  # fmt: skip
    response = api.query(soql)
    assert response.status_code == 400, response.text
    [error] = response.json()
    assert error["errorCode"] == "MALFORMED_QUERY"
    message: str = error["message"]
    _, line, caret, where, why = message.split("\n")
    assert line == soql and caret.endswith("^")
    assert soql[len(caret) - 1 :].startswith(caret_at), (caret, caret_at)
    assert where.startswith("ERROR at Row:1:Column:")
    assert why.startswith(reason)


def _rows(api: Api, soql: str) -> dict[str, Any]:
    response = api.query(soql)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_count_alone_and_with_where_and_limit_still_count(api: Api, accounts: None) -> None:
    assert _rows(api, "SELECT COUNT() FROM Account")["totalSize"] == 5
    # "You can use LIMIT with count() as the fieldList to count up to the maximum specified."
    limited = _rows(api, "SELECT COUNT() FROM Account WHERE Industry = 'Energy' LIMIT 2")
    assert limited == {"totalSize": 2, "done": True, "records": []}


def test_count_of_a_field_groups_and_limits_with_group_by(api: Api, accounts: None) -> None:
    grouped = _rows(api, "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry "
                         "ORDER BY Industry")  # fmt: skip
    assert [(r["Industry"], r["expr0"]) for r in grouped["records"]] == [
        ("Banking", 2), ("Energy", 3),
    ]  # fmt: skip
    top = _rows(api, "SELECT Industry, MAX(CreatedDate) latest FROM Account GROUP BY Industry "
                     "ORDER BY COUNT(Id) DESC LIMIT 1")  # fmt: skip
    assert [r["Industry"] for r in top["records"]] == ["Energy"]
    assert _rows(api, "SELECT MAX(CreatedDate) FROM Account")["totalSize"] == 1
