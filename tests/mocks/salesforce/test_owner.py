"""Record owners: `OwnerId` is written on create and update, and every read (REST, Bulk API
2.0 and 1.0) shows the owner set and `Owner.Name` that user's name.

Account in the Object Reference gives OwnerId "Properties: Create, Defaulted on create,
Filter, Group, Sort, Update" (developer.salesforce.com/docs/atlas.en-us.object_reference.meta/
object_reference/sforce_api_objects_account.htm); Contact, Lead and Opportunity say the same.
A lookup to no id at all is MALFORMED_ID, to a record of another object
FIELD_INTEGRITY_EXCEPTION, to a record that does not exist INVALID_CROSS_REFERENCE_KEY.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from mocks.salesforce.config import DEFAULT_USER_ID
from mocks.salesforce.ids import make_id
from mocks.store import RecordStore
from tests.mocks.salesforce.conftest import Api, add_accounts
from tests.mocks.salesforce.test_bulk1 import ASYNC, JOB_XML, NS, _headers, _xml
from tests.mocks.salesforce.test_bulk2 import wait_done

MARCO = make_id("005", 3)  # Marco Lindqvist, an active user of the org's directory
OWEN = make_id("005", 5)  # Owen Castillo, deactivated


def _owner(api: Api, obj: str, record_id: str) -> tuple[str, str]:
    soql = f"SELECT OwnerId, Owner.Name FROM {obj} WHERE Id = '{record_id}'"
    [row] = api.query(soql).json()["records"]
    return row["OwnerId"], row["Owner"]["Name"]


def test_describe_says_owner_is_createable_and_updateable(api: Api) -> None:
    for obj in ("Account", "Contact", "Lead", "Opportunity"):
        fields = {f["name"]: f for f in api.get(f"sobjects/{obj}/describe").json()["fields"]}
        owner = fields["OwnerId"]
        assert (owner["createable"], owner["updateable"], owner["nillable"]) == (
            True, True, False,
        ), obj  # fmt: skip
        assert (owner["defaultedOnCreate"], owner["referenceTo"]) == (True, ["User"]), obj


@pytest.mark.parametrize(
    ("obj", "body"),
    [
        pytest.param("Account", {"Name": "Owned"}, id="account"),
        pytest.param("Contact", {"LastName": "Owned"}, id="contact"),
        pytest.param("Lead", {"LastName": "Owned", "Company": "Owned Co"}, id="lead"),
        pytest.param("Opportunity", {"Name": "Owned", "StageName": "Prospecting",
                                     "CloseDate": "2024-03-01"}, id="opportunity"),
    ],
)  # fmt: skip
def test_owner_set_on_create_then_changed_on_update(api: Api, obj: str, body: dict[str, Any]
                                                    ) -> None:  # fmt: skip
    made = api.post(f"sobjects/{obj}/", json={**body, "OwnerId": MARCO})
    assert made.status_code == 201, made.text
    record_id = made.json()["id"]
    assert _owner(api, obj, record_id) == (MARCO, "Marco Lindqvist")
    assert api.get(f"sobjects/{obj}/{record_id}").json()["OwnerId"] == MARCO
    changed = api.patch(f"sobjects/{obj}/{record_id}", json={"OwnerId": DEFAULT_USER_ID[:15]})
    assert changed.status_code == 204, changed.text
    assert _owner(api, obj, record_id) == (DEFAULT_USER_ID, "Integration User")


def test_a_record_saved_without_an_owner_is_the_saving_users(api: Api) -> None:
    made = api.post("sobjects/Account/", json={"Name": "Mine"}).json()["id"]
    assert _owner(api, "Account", made) == (DEFAULT_USER_ID, "Integration User")
    mine = api.query(f"SELECT COUNT() FROM Account WHERE OwnerId = '{DEFAULT_USER_ID}'")
    assert mine.json()["totalSize"] == 1


@pytest.mark.parametrize(
    ("owner", "code", "message"),
    [
        pytest.param(make_id("005", 99), "INVALID_CROSS_REFERENCE_KEY",
                     "invalid cross reference id", id="no-such-user"),
        pytest.param("not-an-id", "MALFORMED_ID", "Owner ID: id value of incorrect type: "
                     "not-an-id", id="malformed"),
        pytest.param(make_id("001", 1), "FIELD_INTEGRITY_EXCEPTION",
                     "Owner ID: id value of incorrect type: ", id="an-account-id"),
        pytest.param(None, "REQUIRED_FIELD_MISSING", "Required fields are missing: [OwnerId]",
                     id="cleared"),
        pytest.param(OWEN, "INACTIVE_OWNER_OR_USER",
                     f"operation performed with inactive user [{OWEN}] as owner of [account]",
                     id="inactive-user"),
    ],
)  # fmt: skip
def test_owner_must_be_an_existing_active_user(api: Api, store: RecordStore, owner: str | None,
                                               code: str, message: str) -> None:  # fmt: skip
    [account] = add_accounts(store, 1)
    for response in (
        api.post("sobjects/Account/", json={"Name": "Owned", "OwnerId": owner}),
        api.patch(f"sobjects/Account/{account}", json={"OwnerId": owner}),
    ):
        assert response.status_code == 400, response.text
        [error] = response.json()
        assert error["errorCode"] == code
        assert error["message"].startswith(message)
    assert "OwnerId" not in store.get("Account", account).fields
    assert len(store.records("Account")) == 1


def test_collections_write_owners_too(api: Api) -> None:
    records = [{"attributes": {"type": "Account"}, "Name": n, "OwnerId": o}
               for n, o in (("Good", MARCO), ("Bad", make_id("005", 99)))]  # fmt: skip
    results = api.post("composite/sobjects", json={"allOrNone": False, "records": records}).json()
    assert results[0]["success"] and not results[1]["success"]
    assert results[1]["errors"][0]["statusCode"] == "INVALID_CROSS_REFERENCE_KEY"
    assert results[1]["errors"][0]["fields"] == ["OwnerId"]
    assert _owner(api, "Account", results[0]["id"]) == (MARCO, "Marco Lindqvist")


def _bulk2_rows(api: Api, soql: str) -> list[dict[str, str]]:
    job = api.post("jobs/query", json={"operation": "query", "query": soql})
    assert job.status_code == 200, job.text
    assert wait_done(api, f"jobs/query/{job.json()['id']}")["state"] == "JobComplete"
    text = api.get(f"jobs/query/{job.json()['id']}/results").text
    return list(csv.DictReader(io.StringIO(text)))


def test_bulk2_query_reads_owner_and_creator_as_the_rest_query_does(api: Api) -> None:
    """The user fields are computed, not stored: the CSV must read them as REST does."""
    default = api.post("sobjects/Account/", json={"Name": "A default"}).json()["id"]
    given = api.post("sobjects/Account/", json={"Name": "B given", "OwnerId": MARCO}).json()["id"]
    soql = "SELECT Id, OwnerId, Owner.Name, CreatedBy.Name FROM Account ORDER BY Name"
    rest = api.query(soql).json()["records"]
    assert [(r["Owner"]["Name"], r["CreatedBy"]["Name"]) for r in rest] == [
        ("Integration User", "Integration User"), ("Marco Lindqvist", "Integration User"),
    ]  # fmt: skip
    assert _bulk2_rows(api, soql) == [
        {"Id": default, "OwnerId": DEFAULT_USER_ID, "Owner.Name": "Integration User",
         "CreatedBy.Name": "Integration User"},
        {"Id": given, "OwnerId": MARCO, "Owner.Name": "Marco Lindqvist",
         "CreatedBy.Name": "Integration User"},
    ]  # fmt: skip


def test_bulk2_ingest_sets_owners(api: Api, store: RecordStore) -> None:
    [account] = add_accounts(store, 1)
    job = api.post("jobs/ingest", json={"object": "Account", "operation": "update"}).json()
    data = f"Id,OwnerId\n{account},{MARCO}\n"
    headers = {"Content-Type": "text/csv"}
    api.request("PUT", f"jobs/ingest/{job['id']}/batches", content=data, headers=headers)
    api.patch(f"jobs/ingest/{job['id']}", json={"state": "UploadComplete"})
    info = wait_done(api, f"jobs/ingest/{job['id']}")
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (1, 0)
    assert _owner(api, "Account", account) == (MARCO, "Marco Lindqvist")


def test_bulk1_csv_query_reads_owner_names(client: TestClient, api: Api, store: RecordStore
                                           ) -> None:  # fmt: skip
    add_accounts(store, 1)
    job = _xml(client, api, "job", JOB_XML.format(operation="query"), "application/xml")
    job_id = job.findtext(f"{NS}id")
    soql = "SELECT Name, Owner.Name, CreatedBy.Name FROM Account"
    batch = _xml(client, api, f"job/{job_id}/batch", soql, "text/csv")
    base = f"{ASYNC}/job/{job_id}/batch/{batch.findtext(f'{NS}id')}/result"
    listing = ElementTree.fromstring(client.get(base, headers=_headers(api)).content)
    [result_id] = [r.text for r in listing.findall(f"{NS}result")]
    text = client.get(f"{base}/{result_id}", headers=_headers(api)).text
    assert text.splitlines() == [
        '"Name","Owner.Name","CreatedBy.Name"',
        '"Account 00001","Integration User","Integration User"',
    ]
