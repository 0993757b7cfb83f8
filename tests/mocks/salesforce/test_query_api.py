"""`query/` and `queryAll/` over HTTP: record shape, paging, snapshots and errors."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from mocks.store import RecordStore

from .conftest import BASE, Api, FixedClock, add_accounts, settings


def test_record_shape_and_datetime_format(api: Api, store: RecordStore) -> None:
    [record_id] = add_accounts(store, 1, NumberOfEmployees=7)
    body = api.query("SELECT Id, Name, NumberOfEmployees, CreatedDate FROM Account").json()
    assert body == {
        "totalSize": 1,
        "done": True,
        "records": [
            {
                "attributes": {"type": "Account", "url": f"{BASE}/sobjects/Account/{record_id}"},
                "Id": record_id,
                "Name": "Account 00001",
                "NumberOfEmployees": 7,
                "CreatedDate": "2024-01-15T10:22:33.123+0000",
            }
        ],
    }


def test_query_pages_through_more_than_2000_rows(api: Api, store: RecordStore) -> None:
    add_accounts(store, 2101)
    first = api.query("SELECT Id, Name FROM Account ORDER BY Name")
    body = first.json()
    assert (body["totalSize"], body["done"], len(body["records"])) == (2101, False, 2000)
    next_url = body["nextRecordsUrl"]
    assert next_url.startswith(f"{BASE}/query/01g") and next_url.endswith("-2000")
    second = api.get(next_url).json()
    assert (second["totalSize"], second["done"], len(second["records"])) == (2101, True, 101)
    assert "nextRecordsUrl" not in second
    names = [r["Name"] for r in body["records"] + second["records"]]
    assert names == sorted(names) and len(set(names)) == 2101


def test_batch_size_header_is_clamped_to_200_2000(api: Api, store: RecordStore) -> None:
    add_accounts(store, 450)
    small = api.query("SELECT Id FROM Account", headers={"Sforce-Query-Options": "batchSize=5"})
    assert len(small.json()["records"]) == 200
    exact = api.query("SELECT Id FROM Account", headers={"Sforce-Query-Options": "batchSize=300"})
    body = exact.json()
    assert len(body["records"]) == 300 and body["nextRecordsUrl"].endswith("-300")
    rest = api.get(body["nextRecordsUrl"]).json()
    assert len(rest["records"]) == 150 and rest["done"]


def test_default_batch_setting_and_query_more_by_locator(
    client: TestClient, api: Api, store: RecordStore
) -> None:
    add_accounts(store, 25)
    settings(client, default_query_batch=10)
    body = api.query("SELECT Id FROM Account").json()
    locator = body["nextRecordsUrl"].rsplit("/", 1)[1]
    page2 = api.get(f"query/{locator}").json()
    page3 = api.get(f"query/{page2['nextRecordsUrl'].rsplit('/', 1)[1]}/").json()
    assert [len(p["records"]) for p in (body, page2, page3)] == [10, 10, 5]
    assert page3["done"]


def test_locator_serves_a_snapshot(client: TestClient, api: Api, store: RecordStore) -> None:
    ids = add_accounts(store, 15)
    settings(client, default_query_batch=10)
    body = api.query("SELECT Id, Name FROM Account").json()
    store.update("Account", ids[12], {"Name": "Renamed"})
    store.delete("Account", ids[14])
    add_accounts(store, 5, start=100)
    rest = api.get(body["nextRecordsUrl"]).json()
    assert rest["totalSize"] == 15
    assert [r["Name"] for r in rest["records"]][2] == "Account 00013"
    assert len(rest["records"]) == 5


@pytest.mark.parametrize(
    "locator",
    [
        pytest.param("01gDn0000000009IAA-10", id="unknown"),
        pytest.param("garbage", id="garbage"),
        pytest.param("01gDn0000000001IAA-x", id="bad-offset"),
    ],
)
def test_invalid_locator(api: Api, locator: str) -> None:
    response = api.get(f"query/{locator}")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_locator_expires_when_idle(client: TestClient, api: Api, store: RecordStore) -> None:
    add_accounts(store, 15)
    settings(client, default_query_batch=10, query_cursor_ttl_seconds=0.01)
    next_url = api.query("SELECT Id FROM Account").json()["nextRecordsUrl"]
    time.sleep(0.02)
    assert api.get(next_url).json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_query_all_includes_deleted_rows(api: Api, store: RecordStore) -> None:
    keep, gone = add_accounts(store, 2)
    assert api.delete(f"sobjects/Account/{gone}").status_code == 204
    soql = "SELECT Id, IsDeleted FROM Account ORDER BY Name"
    live = api.query(soql).json()["records"]
    assert [(r["Id"], r["IsDeleted"]) for r in live] == [(keep, False)]
    everything = api.get("queryAll/", params={"q": soql}).json()["records"]
    assert [(r["Id"], r["IsDeleted"]) for r in everything] == [(keep, False), (gone, True)]
    deleted_only = api.get("queryAll", params={"q": f"{soql[:-14]} WHERE IsDeleted = true"})
    assert [r["Id"] for r in deleted_only.json()["records"]] == [gone]


def test_count_query(api: Api, store: RecordStore) -> None:
    add_accounts(store, 3)
    body = api.query("SELECT COUNT() FROM Account WHERE Name LIKE '%2'").json()
    assert body == {"totalSize": 1, "done": True, "records": []}


def test_incremental_filter_on_system_modstamp(
    api: Api, store: RecordStore, clock: FixedClock
) -> None:
    _, new = add_accounts(store, 2)
    clock.advance(minutes=5)
    store.update("Account", new, {"Phone": "1"})
    soql = "SELECT Id FROM Account WHERE SystemModstamp > 2024-01-15T10:22:33.123Z"
    assert [r["Id"] for r in api.query(soql).json()["records"]] == [new]


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        pytest.param("SELECT Id FORM Account", "MALFORMED_QUERY", id="syntax"),
        pytest.param("SELECT Nope FROM Account", "INVALID_FIELD", id="field"),
        pytest.param("SELECT Id FROM Nope", "INVALID_TYPE", id="object"),
    ],
)
def test_query_errors_are_json_arrays(api: Api, soql: str, code: str) -> None:
    response = api.query(soql)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()
    assert error["errorCode"] == code
    assert "ERROR at Row:1:Column:" in error["message"]


def test_missing_q_is_malformed(api: Api) -> None:
    response = api.get("query/")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "MALFORMED_QUERY"
