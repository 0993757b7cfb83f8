"""SuiteQL rows come from a per-record cache: every kind of change must show."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from mocks.netsuite.query import execute
from mocks.netsuite.query.rowcache import ROW_CACHE, cacheable
from mocks.netsuite.query.suiteql import parse
from mocks.netsuite.query.tables import TABLES
from mocks.store import RecordStore
from tests.mocks.netsuite.support import ADMIN, CUSTOMERS, SUITEQL, Clock, TestClient

Q = "SELECT id, companyname, phone, datecreated, lastmodifieddate FROM customer ORDER BY id"

pytestmark = pytest.mark.filterwarnings("ignore::fastapi.exceptions.FastAPIDeprecationWarning")


def _body(client: TestClient, q: str = Q, **params: Any) -> bytes:
    response = client.post(SUITEQL, json={"q": q}, params=params)
    assert response.status_code == 200, response.text
    return response.content


def _rows(client: TestClient, q: str = Q) -> dict[str, dict[str, Any]]:
    """Rows by id, after checking them against the same query with the row cache emptied."""
    content = _body(client, q)
    assert _body(client, q) == content  # served from the row cache
    ROW_CACHE.clear()
    assert _body(client, q) == content  # every row built again
    return {row["id"]: row for row in json.loads(content)["items"]}


@pytest.fixture
def three(make_customer: Callable[..., str], clock: Clock) -> list[str]:
    ids = []
    for n in range(3):
        ids.append(make_customer(companyName=f"Co {n}", phone="+1 555 0100"))
        clock.now += timedelta(days=1)
    return ids


def test_a_repeated_query_sees_record_api_writes_and_silent_edits(
    client: TestClient, store: RecordStore, clock: Clock, three: list[str]
) -> None:
    first, second, third = three
    before = _rows(client)
    assert _rows(client) == before  # served from the row cache now
    clock.now += timedelta(days=5)
    patched = client.patch(f"{CUSTOMERS}/{first}", json={"phone": "+1 555 0199"})
    assert patched.status_code == 204, patched.text
    after = _rows(client)
    assert after[first]["phone"] == "+1 555 0199"
    assert after[first]["lastmodifieddate"] != before[first]["lastmodifieddate"]
    assert after[second] == before[second]

    trap = {"trap": "silent_edit", "object": "customer", "count": 3, "field": "phone", "seed": 1}
    response = client.post("/__harness/traps", json=trap, headers=ADMIN)
    assert response.status_code == 200, response.text
    facts = response.json()["facts"]
    assert {f["id"] for f in facts} == {first, second, third}
    silent = _rows(client)
    # Data changed without a new version or modified time: still seen.
    assert {i: silent[i]["phone"] for i in three} == {f["id"]: f["after"] for f in facts}
    assert {i: silent[i]["lastmodifieddate"] for i in three} == {
        i: after[i]["lastmodifieddate"] for i in three
    }


def test_a_repeated_query_follows_the_date_preference(client: TestClient, three: list[str]) -> None:
    assert _rows(client)[three[0]]["datecreated"] == "1/15/2024"
    for date_format, expected in (("DD.MM.YYYY", "15.01.2024"), ("M/D/YYYY", "1/15/2024")):
        changed = client.patch(
            "/__harness/settings", json={"date_format": date_format}, headers=ADMIN
        )
        assert changed.status_code == 200, changed.text
        rows = _rows(client)
        assert rows[three[0]]["datecreated"] == expected
        assert rows[three[1]]["datecreated"] == expected.replace("15", "16")


def test_a_reseed_never_reuses_rows_of_the_records_it_replaced(
    client: TestClient, store: RecordStore, three: list[str]
) -> None:
    _rows(client)
    reseed = client.post("/__harness/seed", json={"seed": 5, "accounts": 4}, headers=ADMIN)
    assert reseed.status_code == 200, reseed.text
    rows = _rows(client)
    assert len(rows) == store.count("customer")
    assert not any(row.get("companyname", "").startswith("Co ") for row in rows.values())
    again = client.post("/__harness/seed", json={"seed": 6, "accounts": 4}, headers=ADMIN)
    assert again.status_code == 200, again.text
    names = {r.id: r.fields.get("companyName") for r in store.records("customer")}
    assert {i: row.get("companyname") for i, row in _rows(client).items()} == names


FUNCTIONS_Q = (
    "SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS modified,"
    " UPPER(companyname) AS loud, NVL(phone, 'none') AS phone FROM customer ORDER BY id"
)


def test_a_query_of_scalar_functions_is_cached_and_sees_edits(
    client: TestClient, clock: Clock, three: list[str]
) -> None:
    first = three[0]
    before = _rows(client, FUNCTIONS_Q)  # also checks cached rows against rebuilt ones
    assert before[first]["loud"] == "CO 0"
    clock.now += timedelta(days=5)
    patched = client.patch(f"{CUSTOMERS}/{first}", json={"companyName": "Renamed"})
    assert patched.status_code == 204, patched.text
    after = _rows(client, FUNCTIONS_Q)
    assert after[first]["loud"] == "RENAMED"
    assert after[first]["modified"] > before[first]["modified"]
    assert after[three[1]] == before[three[1]]


@pytest.mark.parametrize(
    "select",
    [
        "BUILTIN.DF(subsidiary) AS sub",  # reads the subsidiary record, not the customer
        "UPPER(BUILTIN.DF(subsidiary)) AS sub",
        "COUNT(*) AS n",
    ],
)
def test_display_names_and_aggregates_are_never_cached(select: str) -> None:
    query = parse(f"SELECT {select} FROM customer")
    assert not cacheable(query.items or (), TABLES["customer"])


def test_a_display_name_follows_the_record_it_names(
    client: TestClient, store: RecordStore, three: list[str]
) -> None:
    q = "SELECT id, BUILTIN.DF(subsidiary) AS sub FROM customer ORDER BY id"
    before = _rows(client, q)
    (sub,) = {str(r.fields["subsidiary"]) for r in store.records("customer")}
    store.update("subsidiary", sub, {"name": "Renamed Subsidiary"})
    after = _rows(client, q)
    assert before[three[0]]["sub"] != "Renamed Subsidiary"
    assert {row["sub"] for row in after.values()} == {"Renamed Subsidiary"}


def test_rows_of_scalar_functions_are_built_once(
    client: TestClient, three: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Any] = []
    real = execute.compile_projection

    def counting(*args: Any, **kwargs: Any) -> Any:
        project = real(*args, **kwargs)

        def counted(records: list[Any]) -> list[dict[str, Any]]:
            built.extend(records)
            return project(records)

        return counted

    monkeypatch.setattr(execute, "compile_projection", counting)
    first = _body(client, FUNCTIONS_Q)
    assert len(built) == len(three)
    execute._RESULTS.clear()  # the result set computed again: its rows come from the cache
    assert _body(client, FUNCTIONS_Q) == first
    assert len(built) == len(three)


def test_literals_of_another_type_are_another_query(
    client: TestClient, clock: Clock, three: list[str]
) -> None:
    """`1` and `1.0` compare equal in Python; as SuiteQL they are different text, and the
    caches must not answer one with the other, before or after a write."""
    as_int = "SELECT id, UPPER(1) AS one FROM customer ORDER BY id"
    as_float = "SELECT id, UPPER(1.0) AS one FROM customer ORDER BY id"
    for _ in range(2):
        assert {row["one"] for row in _rows(client, as_int).values()} == {"1"}
        assert {row["one"] for row in _rows(client, as_float).values()} == {"1.0"}
        clock.now += timedelta(days=1)
        patched = client.patch(f"{CUSTOMERS}/{three[0]}", json={"phone": "+1 555 0142"})
        assert patched.status_code == 204, patched.text
    _body(client, "SELECT id, TO_DATE(2024, 'YYYY') AS d FROM customer ORDER BY id")
    refused = client.post(
        SUITEQL, json={"q": "SELECT id, TO_DATE(2024.0, 'YYYY') AS d FROM customer ORDER BY id"}
    )
    assert refused.status_code == 400, refused.text
