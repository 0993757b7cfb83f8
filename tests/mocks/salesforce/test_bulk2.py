"""Bulk API 2.0 on the mock: ingest and query jobs, their states, CSV results and paging."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from fastapi.testclient import TestClient

from mocks.store import RecordStore
from tests.mocks.salesforce.conftest import BASE, Api, add_accounts

INGEST = "jobs/ingest"
CSV = {"Content-Type": "text/csv"}


def wait_done(api: Api, path: str) -> dict[str, Any]:
    """Poll a job until it leaves the running states (bounded: a few seconds)."""
    for _ in range(400):
        info: dict[str, Any] = api.get(path).json()
        if info["state"] in ("JobComplete", "Failed", "Aborted"):
            return info
        time.sleep(0.01)
    raise AssertionError(f"{path} still {info['state']}")


def ingest(api: Api, data: str, **job: Any) -> tuple[str, dict[str, Any]]:
    created = api.post(INGEST, json={"object": "Account", "contentType": "CSV", **job})
    assert created.status_code == 200, created.text
    assert created.json()["state"] == "Open"
    job_id = created.json()["id"]
    uploaded = api.request("PUT", f"{INGEST}/{job_id}/batches", content=data, headers=CSV)
    assert uploaded.status_code == 201, uploaded.text
    closed = api.patch(f"{INGEST}/{job_id}", json={"state": "UploadComplete"})
    assert closed.status_code == 200 and closed.json()["state"] == "UploadComplete"
    return job_id, wait_done(api, f"{INGEST}/{job_id}")


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_insert_job_saves_valid_rows_and_reports_each_failure(api: Api, store: RecordStore) -> None:
    data = 'Name,NumberOfEmployees\nAcme,10\n"Quote, ""Inc""",#N/A\n,5\n' + "X" * 256 + ",1\n"
    job_id, info = ingest(api, data, operation="insert")
    assert info["state"] == "JobComplete"
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (4, 2)
    ok = api.get(f"{INGEST}/{job_id}/successfulResults/")
    assert ok.headers["content-type"].startswith("text/csv")
    assert ok.text.splitlines()[0] == '"sf__Id","sf__Created",Name,NumberOfEmployees'
    saved = rows(ok.text)
    assert [(r["Name"], r["sf__Created"]) for r in saved] == [
        ("Acme", "true"),
        ('Quote, "Inc"', "true"),
    ]
    assert store.get("Account", saved[1]["sf__Id"]).fields.get("NumberOfEmployees") is None
    failed = rows(api.get(f"{INGEST}/{job_id}/failedResults/").text)
    assert failed[0]["sf__Error"].startswith("REQUIRED_FIELD_MISSING:")
    assert failed[1]["sf__Error"].startswith("STRING_TOO_LONG:")
    assert rows(api.get(f"{INGEST}/{job_id}/unprocessedrecords/").text) == []


def test_upsert_job_matches_by_external_id_and_refuses_duplicates(
    api: Api, store: RecordStore
) -> None:
    ingest(
        api,
        "External_Id__c,Name\nE1,One\n",
        operation="upsert",
        externalIdFieldName="External_Id__c",
    )
    data = "External_Id__c,Name\nE1,One again\nE2,Two\nE3,Three\nE3,Three twin\n"
    job_id, info = ingest(api, data, operation="upsert", externalIdFieldName="External_Id__c")
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (4, 2)
    created = {
        r["External_Id__c"]: r["sf__Created"]
        for r in rows(api.get(f"{INGEST}/{job_id}/successfulResults").text)
    }
    assert created == {"E1": "false", "E2": "true"}
    errors = [r["sf__Error"] for r in rows(api.get(f"{INGEST}/{job_id}/failedResults").text)]
    assert all(e.startswith("DUPLICATE_EXTERNAL_ID:") for e in errors)
    assert len(store.records("Account")) == 2


def test_update_and_delete_jobs_need_ids_and_blank_cells_leave_fields(
    api: Api, store: RecordStore
) -> None:
    ids = add_accounts(store, 2, Phone="555")
    data = f"Id,Name,Phone\n{ids[0]},Renamed,\n001000000000ZZZAAA,Ghost,\n"
    _, info = ingest(api, data, operation="update")
    assert info["numberRecordsFailed"] == 1
    assert store.get("Account", ids[0]).fields["Phone"] == "555"  # blank: left as it was
    assert store.get("Account", ids[0]).fields["Name"] == "Renamed"
    _, info = ingest(api, f"Id\n{ids[1]}\n", operation="delete")
    assert info["numberRecordsFailed"] == 0 and store.get("Account", ids[1]) is None
    _, info = ingest(api, "Name\nNo id\n", operation="delete")
    assert info["state"] == "Failed" and "Id" in info["errorMessage"]


def test_unknown_column_fails_the_job_and_a_second_upload_is_refused(api: Api) -> None:
    job_id, info = ingest(api, "Name,Nope__c\nA,b\n", operation="insert")
    assert info["state"] == "Failed"
    assert info["errorMessage"] == "InvalidBatch : Field name not found : Nope__c"
    again = api.request("PUT", f"{INGEST}/{job_id}/batches", content="Name\nA\n", headers=CSV)
    assert again.status_code == 400 and again.json()[0]["errorCode"] == "INVALIDJOBSTATE"


def test_job_lifecycle_abort_list_and_delete(api: Api) -> None:
    job_id = api.post(INGEST, json={"object": "Account", "operation": "insert"}).json()["id"]
    assert api.patch(f"{INGEST}/{job_id}", json={"state": "Aborted"}).json()["state"] == "Aborted"
    listed = api.get(INGEST).json()
    assert listed["done"] is True and [j["id"] for j in listed["records"]] == [job_id]
    assert api.delete(f"{INGEST}/{job_id}").status_code == 204
    assert api.get(f"{INGEST}/{job_id}").status_code == 404
    bad = api.post(INGEST, json={"object": "Nope", "operation": "insert"})
    assert bad.status_code == 400 and isinstance(bad.json(), list)
    no_key = api.post(INGEST, json={"object": "Account", "operation": "upsert"})
    assert no_key.status_code == 400 and no_key.json()[0]["errorCode"] == "INVALIDJOB"


def test_bulk_routes_need_a_session(client: TestClient) -> None:
    for method, path in [
        ("POST", "/services/data/v59.0/jobs/ingest"),
        ("GET", "/services/data/v59.0/jobs/query"),
        ("POST", "/services/async/59.0/job"),
    ]:
        response = client.request(method, path, json={})
        assert response.status_code == 401, (path, response.text)


def test_query_job_pages_with_locators_until_null(api: Api, store: RecordStore) -> None:
    add_accounts(store, 25, Phone=None)
    created = api.post(
        "jobs/query",
        json={"operation": "query", "query": "SELECT Id, Name, Phone, CreatedDate FROM Account"},
    )
    assert created.status_code == 200, created.text
    job_id = created.json()["id"]
    info = wait_done(api, f"jobs/query/{job_id}")
    assert (info["state"], info["numberRecordsProcessed"]) == ("JobComplete", 25)
    seen, locator, pages = [], None, 0
    while locator != "null":
        params = {"maxRecords": 10, **({"locator": locator} if locator else {})}
        page = api.get(f"jobs/query/{job_id}/results", params=params)
        assert page.status_code == 200
        assert page.text.splitlines()[0] == '"Id","Name","Phone","CreatedDate"'
        got = rows(page.text)
        assert int(page.headers["Sforce-NumberOfRecords"]) == len(got)
        seen += got
        locator, pages = page.headers["Sforce-Locator"], pages + 1
    assert pages == 3 and len({r["Id"] for r in seen}) == 25
    assert seen[0]["Phone"] == "" and seen[0]["CreatedDate"] == "2024-01-15T10:22:33.123Z"


def test_odd_page_sizes_are_refused_and_a_composite_passes_the_csv_on(
    api: Api, store: RecordStore
) -> None:
    add_accounts(store, 3)
    query = {"operation": "query", "query": "SELECT Id FROM Account"}
    job_id = api.post("jobs/query", json=query).json()["id"]
    wait_done(api, f"jobs/query/{job_id}")
    for raw in ("\u00b2", "0", "-1", "x"):  # "²" is a digit to str.isdigit, not to int()
        page = api.get(f"jobs/query/{job_id}/results", params={"maxRecords": raw})
        assert page.status_code == 400 and page.json()[0]["errorCode"] == "INVALIDPARAMETER"
    url = f"{BASE}/jobs/query/{job_id}/results"
    composite = api.post("composite", json={"compositeRequest": [
        {"method": "GET", "url": url, "referenceId": "csv"}]})  # fmt: skip
    (answer,) = composite.json()["compositeResponse"]
    assert answer["httpStatusCode"] == 200 and answer["body"].splitlines()[0] == '"Id"'


def test_query_job_refuses_bad_soql_when_created(api: Api) -> None:
    bad = api.post("jobs/query", json={"operation": "query", "query": "SELECT Nope FROM Account"})
    assert bad.status_code == 400 and bad.json()[0]["errorCode"] == "INVALID_FIELD"
    count = api.post(
        "jobs/query", json={"operation": "query", "query": "SELECT COUNT() FROM Account"}
    )
    assert count.status_code == 400


def test_query_job_writes_parent_fields_as_dotted_columns(api: Api, store: RecordStore) -> None:
    [account] = add_accounts(store, 1)
    made = api.post("sobjects/Contact/", json={"LastName": "Child", "AccountId": account})
    assert made.status_code == 201, made.text
    api.post("sobjects/Contact/", json={"LastName": "Orphan"})
    soql = "SELECT LastName, Account.Name FROM Contact ORDER BY LastName"
    job_id = api.post("jobs/query", json={"operation": "query", "query": soql}).json()["id"]
    assert wait_done(api, f"jobs/query/{job_id}")["state"] == "JobComplete"
    text = api.get(f"jobs/query/{job_id}/results").text
    assert text.splitlines() == [
        '"LastName","Account.Name"',
        '"Child","Account 00001"',
        '"Orphan",""',
    ]


def test_aborting_an_open_job_leaves_its_rows_unprocessed(api: Api, store: RecordStore) -> None:
    job_id = api.post(INGEST, json={"object": "Account", "operation": "insert"}).json()["id"]
    data = "Name,Phone\nKept out,1\nAlso out,2\n"
    api.request("PUT", f"{INGEST}/{job_id}/batches", content=data, headers=CSV)
    assert api.patch(f"{INGEST}/{job_id}", json={"state": "Aborted"}).json()["state"] == "Aborted"
    left = api.get(f"{INGEST}/{job_id}/unprocessedRecords").text
    assert left.splitlines() == ["Name,Phone", '"Kept out","1"', '"Also out","2"']
    assert store.records("Account") == []
    closing = api.patch(f"{INGEST}/{job_id}", json={"state": "UploadComplete"})
    assert closing.status_code == 400 and closing.json()[0]["errorCode"] == "INVALIDJOBSTATE"
