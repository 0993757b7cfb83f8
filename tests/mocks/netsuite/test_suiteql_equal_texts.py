"""`column = 'text'` conditions are tested a column at a time (`compile.equal_texts`): every
query shape that takes them (a plain filter, an aggregate, a join's early filter, a keyset
index) answers what the same condition written `column IN ('text')` answers row by row."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mocks.netsuite.support import TestClient, suiteql_items

NAME = "Newton-Sykes Limited"  # customer 2 of the session's seeded world

CONDITIONS = {
    "text": f"c.companyname = '{NAME}'",
    "text written the other way round": f"'{NAME}' = c.companyname",
    "text in another case": f"c.companyname = '{NAME.upper()}'",
    "flag": "c.isinactive = 'F'",
    "number read from text": "c.currency = '2'",
    "column of NULLs": "c.fax = 'x'",
    "two equalities and a range": f"c.companyname = '{NAME}' AND c.currency = '1' AND c.id > 0",
}

SHAPES = {
    "filter": "SELECT c.id, c.companyname FROM customer c WHERE {} ORDER BY c.id",
    "aggregate": "SELECT COUNT(*) AS n, MIN(c.id) AS lo, MAX(c.lastmodifieddate) AS hi,"
    " COUNT(DISTINCT c.currency) AS currencies FROM customer c WHERE {}",
    "join": "SELECT c.id, a.city FROM customer c LEFT OUTER JOIN entityaddress a"
    " ON a.nkey = c.defaultbillingaddress WHERE {} ORDER BY c.id",
    "keyset": "SELECT c.id FROM customer c WHERE {} AND c.lastmodifieddate >="
    " TO_TIMESTAMP('2000-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS')"
    " ORDER BY c.lastmodifieddate, c.id",
}


def _as_in_list(condition: str) -> str:
    """The same condition with each `= 'text'` written `IN ('text')` (tested row by row)."""
    parts = []
    for part in condition.split(" AND "):
        left, op, right = part.partition(" = ")
        if op and right.startswith("'"):
            part = f"{left} IN ({right})"
        elif op:  # 'text' = column
            part = f"{right} IN ({left})"
        parts.append(part)
    return " AND ".join(parts)


def _items(client: TestClient, query: str) -> list[dict[str, Any]]:
    return list(suiteql_items(client, query)["items"])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("condition", CONDITIONS)
def test_an_equality_tested_a_column_at_a_time_answers_as_the_row_test(
    business: TestClient, shape: str, condition: str
) -> None:
    where = CONDITIONS[condition]
    if shape == "keyset":  # the keyset index is of one table: no alias
        where = where.replace("c.", "")
        query = SHAPES[shape].replace("c.", "").replace("customer c", "customer")
    else:
        query = SHAPES[shape]
    fast = _items(business, query.format(where))
    assert fast == _items(business, query.format(_as_in_list(where)))


def test_the_conditions_select_what_the_world_holds(business: TestClient) -> None:
    """The cases above are not all empty: each answers what its records say."""
    rows = _items(business, "SELECT id, companyname, currency FROM customer ORDER BY id")
    query = SHAPES["filter"]
    expected = {
        "text": [r["id"] for r in rows if r["companyname"] == NAME],
        "text in another case": [],
        "flag": [r["id"] for r in rows],
        "number read from text": [r["id"] for r in rows if r["currency"] == "2"],
        "column of NULLs": [],
    }
    for condition, ids in expected.items():
        found = [r["id"] for r in _items(business, query.format(CONDITIONS[condition]))]
        assert found == ids, condition
    assert expected["text"] == ["2"] and len(expected["number read from text"]) > 1
