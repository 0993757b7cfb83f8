"""Parents named by external id instead of id: `Account.External_Id__c` CSV columns in Bulk
API 2.0 and 1.0 jobs, and `{"Account": {"External_Id__c": ...}}` in REST bodies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from mocks.store import RecordStore
from tests.mocks.salesforce.conftest import Api
from tests.mocks.salesforce.test_bulk1 import ASYNC, JOB_XML, NS, _headers, _xml
from tests.mocks.salesforce.test_bulk2 import INGEST, ingest, rows

NOT_FOUND = "Foreign key external ID: {} not found for field External_Id__c in entity Account"


def _account(api: Api, external_id: str) -> str:
    made = api.post("sobjects/Account", json={"Name": external_id, "External_Id__c": external_id})
    assert made.status_code == 201, made.text
    account_id: str = made.json()["id"]
    return account_id


def test_bulk2_insert_resolves_parent_external_ids_and_fails_unmatched_rows_alone(
    api: Api, store: RecordStore
) -> None:
    parent = _account(api, "ERP-1")
    data = "LastName,Account.External_Id__c\nLinked,ERP-1\nOrphan,ERP-404\nBare,\n"
    job_id, info = ingest(api, data, object="Contact", operation="insert")
    assert info["state"] == "JobComplete", info
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (3, 1)
    saved = {r["LastName"]: r for r in rows(api.get(f"{INGEST}/{job_id}/successfulResults").text)}
    assert saved["Linked"]["Account.External_Id__c"] == "ERP-1"
    assert store.get("Contact", saved["Linked"]["sf__Id"]).fields["AccountId"] == parent
    assert store.get("Contact", saved["Bare"]["sf__Id"]).fields.get("AccountId") is None
    [failed] = rows(api.get(f"{INGEST}/{job_id}/failedResults").text)
    assert failed["LastName"] == "Orphan"
    assert failed["sf__Error"] == f"INVALID_FIELD:{NOT_FOUND.format('ERP-404')} --"
    # No such relationship, a parent field that is not indexed, a grandparent: the job fails.
    for column in ("Nope.External_Id__c", "Account.Phone", "Account.Parent.External_Id__c"):
        _, info = ingest(api, f"LastName,{column}\nX,1\n", object="Contact", operation="insert")
        assert info["state"] == "Failed"
        assert info["errorMessage"] == f"InvalidBatch : Field name not found : {column}"


def test_bulk2_upsert_resolves_a_parent_created_earlier_in_the_job(
    api: Api, store: RecordStore
) -> None:
    data = "External_Id__c,Name,Parent.External_Id__c\nP1,Parent,\nC1,Child,P1\n"
    job_id, info = ingest(api, data, operation="upsert", externalIdFieldName="External_Id__c")
    assert (info["state"], info["numberRecordsFailed"]) == ("JobComplete", 0), info
    ids = {r["External_Id__c"]: r["sf__Id"] for r in rows(
        api.get(f"{INGEST}/{job_id}/successfulResults").text)}  # fmt: skip
    assert store.get("Account", ids["C1"]).fields["ParentId"] == ids["P1"]


def test_bulk1_csv_batch_resolves_parent_external_ids(
    client: TestClient, api: Api, store: RecordStore
) -> None:
    parent = _account(api, "ERP-7")
    body = JOB_XML.format(operation="insert").replace(">Account<", ">Contact<")
    job_id = _xml(client, api, "job", body, "application/xml").findtext(f"{NS}id")
    data = "LastName,Account.External_Id__c\nLinked,ERP-7\nOrphan,ERP-8\n"
    batch = _xml(client, api, f"job/{job_id}/batch", data, "text/csv")
    result = client.get(
        f"{ASYNC}/job/{job_id}/batch/{batch.findtext(f'{NS}id')}/result", headers=_headers(api)
    )
    linked, orphan = result.text.splitlines()[1:]
    assert store.get("Contact", linked.split(",")[0].strip('"')).fields["AccountId"] == parent
    assert f"INVALID_FIELD:{NOT_FOUND.format('ERP-8')} --" in orphan


def test_rest_create_and_update_resolve_a_parent_by_external_id(
    api: Api, store: RecordStore
) -> None:
    first, second = _account(api, "ERP-A"), _account(api, "ERP-B")
    made = api.post(
        "sobjects/Contact", json={"LastName": "L", "Account": {"External_Id__c": "ERP-A"}}
    )
    assert made.status_code == 201, made.text
    contact = made.json()["id"]
    assert store.get("Contact", contact).fields["AccountId"] == first
    moved = api.patch(f"sobjects/Contact/{contact}", json={"Account": {"External_Id__c": "ERP-B"}})
    assert moved.status_code == 204, moved.text
    assert store.get("Contact", contact).fields["AccountId"] == second
    missing = api.post(
        "sobjects/Contact", json={"LastName": "L", "Account": {"External_Id__c": "ERP-Z"}}
    )
    assert missing.status_code == 400
    assert missing.json() == [
        {"message": NOT_FOUND.format("ERP-Z"), "errorCode": "INVALID_FIELD", "fields": []}
    ]


def test_a_parent_named_by_its_id_is_checked_as_the_reference_field_is(
    api: Api, store: RecordStore
) -> None:
    """`{"Account": {"Id": ...}}` stores that id on AccountId, checked by the save as any
    AccountId is: a malformed id and an id of no record are refused."""
    account = _account(api, "ERP-ID")
    made = api.post("sobjects/Contact", json={"LastName": "L", "Account": {"Id": account}})
    assert made.status_code == 201, made.text
    assert store.get("Contact", made.json()["id"]).fields["AccountId"] == account
    bad = api.post("sobjects/Contact", json={"LastName": "L", "Account": {"Id": "nope"}})
    missing = api.post(
        "sobjects/Contact", json={"LastName": "L", "Account": {"Id": "001000000000099AAA"}}
    )
    assert (bad.status_code, bad.json()[0]["errorCode"]) == (400, "MALFORMED_ID")
    assert missing.status_code == 400
    assert missing.json()[0]["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
