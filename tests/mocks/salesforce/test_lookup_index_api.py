"""Lookups served by the org's index through the API: upserts by external id, then REST and
Bulk 2.0 queries by external id and by Id, with writes between them, answering what a scan
of every row answers."""

from __future__ import annotations

from functools import partial
from typing import Any

from mocks.salesforce.config import DEFAULT_USER_ID
from mocks.salesforce.query.evaluate import compile_query
from mocks.salesforce.query.plan import query_rows
from mocks.salesforce.records import native_getter
from mocks.store import RecordStore
from tests.mocks.salesforce.conftest import Api
from tests.mocks.salesforce.test_bulk2 import rows, wait_done

UPSERT = "composite/sobjects/Account/External_Id__c"


def _scanned(store: RecordStore, soql: str, *, include_deleted: bool = False) -> list[str]:
    getter_for = partial(native_getter, user_id=DEFAULT_USER_ID)
    query = compile_query(soql, now=store.now(), getter_for=getter_for, records=store)
    every = query_rows(store, query, include_deleted=include_deleted, use_index=False)
    return [rec.id for rec in query.run(every)]


def _queried(api: Api, soql: str, path: str = "query/") -> list[str]:
    response = api.get(path, params={"q": soql})
    assert response.status_code == 200, response.text
    return [r["Id"] for r in response.json()["records"]]


def _upsert(api: Api, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    body = {"records": [{"attributes": {"type": "Account"}, **r} for r in records]}
    response = api.patch(UPSERT, json=body)
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()
    return results


def test_queries_and_upserts_follow_every_write(api: Api, store: RecordStore) -> None:
    made = _upsert(api, [{"External_Id__c": f"E{n}", "Name": f"N{n}"} for n in range(6)])
    ids = [r["id"] for r in made]
    # External_Id__c is unique and case-sensitive: its comparisons keep case, so 'e1' finds
    # nothing (SOQL reference: "case-sensitive for unique case-sensitive fields").
    soql = "SELECT Id FROM Account WHERE External_Id__c IN ('E1', 'e2', 'E2', 'E5', 'E9')"
    assert _queried(api, soql) == [ids[1], ids[2], ids[5]] == _scanned(store, soql)
    names = "SELECT Id FROM Account WHERE Name IN ('n1', 'N2')"  # any other text: case folded
    assert _queried(api, names) == [ids[1], ids[2]] == _scanned(store, names)

    # An upsert updates by the key it finds in the index, and makes the new one.
    again = _upsert(api, [{"External_Id__c": "E2", "Phone": "1"},
                          {"External_Id__c": "E9", "Name": "N9"}])  # fmt: skip
    assert [r["created"] for r in again] == [False, True] and again[0]["id"] == ids[2]
    moved = api.patch(f"sobjects/Account/{ids[1]}", json={"External_Id__c": "E7"})
    assert moved.status_code == 204
    assert api.delete(f"sobjects/Account/{ids[5]}").status_code == 204
    assert _queried(api, soql) == [ids[2], again[1]["id"]] == _scanned(store, soql)
    assert _queried(api, soql, "queryAll/") == [ids[2], ids[5], again[1]["id"]]
    assert _queried(api, soql, "queryAll/") == _scanned(store, soql, include_deleted=True)

    by_id = f"SELECT Id, Name FROM Account WHERE Id IN ('{ids[0][:15]}', '{ids[5]}', '{ids[3]}')"
    assert _queried(api, by_id) == [ids[0], ids[3]] == _scanned(store, by_id)
    # The moved key now upserts onto the record that holds it.
    third = _upsert(api, [{"External_Id__c": "E7", "Phone": "2"}])
    assert third[0]["id"] == ids[1] and third[0]["created"] is False


def test_bulk_query_jobs_seek_by_id(api: Api, store: RecordStore) -> None:
    made = _upsert(api, [{"External_Id__c": f"B{n}", "Name": f"N{n}"} for n in range(5)])
    ids = [r["id"] for r in made]
    api.delete(f"sobjects/Account/{ids[2]}")
    soql = f"SELECT Id, Name FROM Account WHERE Id IN ('{ids[4]}', '{ids[2]}', '{ids[0]}')"
    for operation, expected in (("query", [ids[0], ids[4]]), ("queryAll", [ids[0], ids[2],
                                                                            ids[4]])):  # fmt: skip
        created = api.post("jobs/query", json={"operation": operation, "query": soql})
        assert created.status_code == 200, created.text
        job_id = created.json()["id"]
        assert wait_done(api, f"jobs/query/{job_id}")["state"] == "JobComplete"
        page = api.get(f"jobs/query/{job_id}/results")
        assert [r["Id"] for r in rows(page.text)] == expected
        assert expected == _scanned(store, soql, include_deleted=operation == "queryAll")
