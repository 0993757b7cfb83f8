"""Bulk API 1.0 on the mock (`/services/async/{version}/job`), JSON jobs as
simple-salesforce's `sf.bulk` sends them, with the session in `X-SFDC-Session`."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from fastapi.testclient import TestClient

from mocks.store import RecordStore
from tests.mocks.salesforce.conftest import Api, add_accounts

ASYNC = "/services/async/59.0"


def _headers(api: Api) -> dict[str, str]:
    token = api.headers["Authorization"].split(" ", 1)[1]
    return {"X-SFDC-Session": token, "Content-Type": "application/json"}


def _job(client: TestClient, api: Api, **body: Any) -> dict[str, Any]:
    created = client.post(
        f"{ASYNC}/job", json={"contentType": "JSON", **body}, headers=_headers(api)
    )
    assert created.status_code == 201, created.text
    job: dict[str, Any] = created.json()
    return job


def test_insert_batch_results_in_input_order(client: TestClient, api: Api) -> None:
    job = _job(client, api, operation="insert", object="Account")
    assert job["state"] == "Open" and job["id"].startswith("750")
    records = [{"Name": "One"}, {"Phone": "1"}, {"Name": "Two"}]
    added = client.post(f"{ASYNC}/job/{job['id']}/batch", json=records, headers=_headers(api))
    assert added.status_code == 201 and added.json()["state"] == "Queued"
    batch = client.get(
        f"{ASYNC}/job/{job['id']}/batch/{added.json()['id']}", headers=_headers(api)
    ).json()
    assert (batch["state"], batch["numberRecordsProcessed"], batch["numberRecordsFailed"]) == (
        "Completed",
        3,
        1,
    )
    results = client.get(
        f"{ASYNC}/job/{job['id']}/batch/{batch['id']}/result", headers=_headers(api)
    ).json()
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    closed = client.post(
        f"{ASYNC}/job/{job['id']}", json={"state": "Closed"}, headers=_headers(api)
    )
    assert closed.json()["state"] == "Closed" and closed.json()["numberRecordsProcessed"] == 3
    refused = client.post(f"{ASYNC}/job/{job['id']}/batch", json=records, headers=_headers(api))
    assert refused.status_code == 400 and refused.json()["exceptionCode"] == "InvalidJobState"


def test_query_batch_serves_result_ids_then_rows(
    client: TestClient, api: Api, store: RecordStore
) -> None:
    add_accounts(store, 3)
    job = _job(client, api, operation="query", object="Account")
    added = client.post(
        f"{ASYNC}/job/{job['id']}/batch",
        content="SELECT Id, CreatedDate FROM Account",
        headers=_headers(api),
    ).json()
    base = f"{ASYNC}/job/{job['id']}/batch/{added['id']}/result"
    [result_id] = client.get(base, headers=_headers(api)).json()
    rows = client.get(f"{base}/{result_id}", headers=_headers(api)).json()
    assert len(rows) == 3 and rows[0]["attributes"]["type"] == "Account"
    assert rows[0]["CreatedDate"] == 1705314153123  # 2024-01-15T10:22:33.123Z in epoch ms


def test_bulk1_errors_use_its_own_shape(client: TestClient, api: Api) -> None:
    unknown = client.post(
        f"{ASYNC}/job", json={"operation": "insert", "object": "Nope"}, headers=_headers(api)
    )
    assert unknown.status_code == 400
    assert unknown.json() == {
        "exceptionCode": "InvalidJob",
        "exceptionMessage": "Unable to find object: Nope",
    }
    missing = client.get(f"{ASYNC}/job/750000000000000AAA", headers=_headers(api))
    assert missing.status_code == 400 and missing.json()["exceptionCode"] == "InvalidJob"
    no_session = client.post(f"{ASYNC}/job", json={"operation": "insert", "object": "Account"})
    assert no_session.status_code == 401


def test_bad_job_and_batch_bodies_are_refusals_not_server_errors(
    client: TestClient, api: Api
) -> None:
    headers = _headers(api)
    not_a_job = client.post(f"{ASYNC}/job", content=b"[1]", headers=headers)
    assert (not_a_job.status_code, not_a_job.json()["exceptionCode"]) == (400, "InvalidJob")
    upsert_on_name = client.post(f"{ASYNC}/job", headers=headers, json={
        "operation": "upsert", "object": "Account", "externalIdFieldName": "Name"})  # fmt: skip
    assert (upsert_on_name.status_code, upsert_on_name.json()["exceptionCode"]) == (
        400, "InvalidJob")  # fmt: skip
    job = _job(client, api, operation="insert", object="Account")
    closing = client.post(f"{ASYNC}/job/{job['id']}", content=b"[1]", headers=headers)
    assert (closing.status_code, closing.json()["exceptionCode"]) == (400, "InvalidJob")
    query = _job(client, api, operation="query", object="Account")
    garbled = client.post(f"{ASYNC}/job/{query['id']}/batch", content=b"SELECT \xff Id",
                          headers={**headers, "Content-Type": "text/plain"})  # fmt: skip
    assert garbled.status_code == 400 and garbled.json()["exceptionCode"] == "InvalidBatch"


JOB_XML = """<?xml version="1.0" encoding="UTF-8"?>
<jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">
  <operation>{operation}</operation><object>Account</object><contentType>CSV</contentType>
</jobInfo>"""
NS = "{http://www.force.com/2009/06/asyncapi/dataload}"


def _xml(client: TestClient, api: Api, path: str, body: str, content: str) -> ElementTree.Element:
    headers = {**_headers(api), "Content-Type": content}
    answer = client.post(f"{ASYNC}/{path}", content=body, headers=headers)
    assert answer.status_code in (200, 201), answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    return ElementTree.fromstring(answer.content)


def test_xml_job_with_csv_batches(client: TestClient, api: Api, store: RecordStore) -> None:
    job = _xml(client, api, "job", JOB_XML.format(operation="insert"), "application/xml")
    assert job.tag == f"{NS}jobInfo" and job.findtext(f"{NS}state") == "Open"
    job_id = job.findtext(f"{NS}id")
    batch = _xml(client, api, f"job/{job_id}/batch", "Name,Phone\nCsv Co,1\n,2\n", "text/csv")
    assert batch.findtext(f"{NS}state") == "Queued"
    result = client.get(
        f"{ASYNC}/job/{job_id}/batch/{batch.findtext(f'{NS}id')}/result", headers=_headers(api)
    )
    lines = result.text.splitlines()
    assert lines[0] == '"Id","Success","Created","Error"'
    assert lines[1].endswith('"true","true",""') and '"REQUIRED_FIELD_MISSING:' in lines[2]
    closed = _xml(
        client,
        api,
        f"job/{job_id}",
        JOB_XML.replace(
            "<operation>{operation}</operation><object>Account</object>"
            "<contentType>CSV</contentType>",
            "<state>Closed</state>",
        ),
        "application/xml",
    )
    assert closed.findtext(f"{NS}state") == "Closed"
    assert closed.findtext(f"{NS}numberRecordsFailed") == "1"
    query = _xml(client, api, "job", JOB_XML.format(operation="query"), "application/xml")
    query_id = query.findtext(f"{NS}id")
    qbatch = _xml(client, api, f"job/{query_id}/batch", "SELECT Name FROM Account", "text/csv")
    base = f"{ASYNC}/job/{query_id}/batch/{qbatch.findtext(f'{NS}id')}/result"
    listing = ElementTree.fromstring(client.get(base, headers=_headers(api)).content)
    [result_id] = [r.text for r in listing.findall(f"{NS}result")]
    assert client.get(f"{base}/{result_id}", headers=_headers(api)).text == '"Name"\n"Csv Co"\n'
