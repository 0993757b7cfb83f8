"""The org's standard objects beyond Account and Contact: the directory (Organization, User,
RecordType) present from the first call, Lead and Opportunity with CRUD and describe, a full
`limits/` and a version root that lists only what is served."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from mocks.salesforce.config import DEFAULT_ORG_ID, DEFAULT_USER_ID
from mocks.salesforce.ids import make_id
from mocks.store import RecordStore

from .conftest import BASE, Api, add_accounts, settings

INTEGRATION_KEYS = ("DailyApiRequests", "DailyAsyncApexExecutions", "DailyBulkApiBatches",
                    "DailyBulkV2QueryFileStorageMB", "DailyBulkV2QueryJobs", "DataStorageMB",
                    "FileStorageMB", "HourlyPublishedPlatformEvents", "SingleEmail")  # fmt: skip


def test_the_organization_is_a_sandbox_with_the_tokens_org_id(api: Api) -> None:
    body = api.query("SELECT Id, Name, IsSandbox, OrganizationType FROM Organization").json()
    [org] = body["records"]
    assert org["Id"] == DEFAULT_ORG_ID and org["IsSandbox"] is True
    assert org["OrganizationType"] == "Enterprise Edition"


def test_the_running_user_and_the_team_are_there_from_the_first_read(api: Api) -> None:
    me = api.get(f"sobjects/User/{DEFAULT_USER_ID}")
    assert me.status_code == 200, me.text
    assert me.json()["Username"] == "integration@harness.example"
    assert me.json()["Name"] == "Integration User"
    active = api.query("SELECT Name FROM User WHERE IsActive = true ORDER BY Name").json()
    assert [r["Name"] for r in active["records"]] == [
        "Dana Whitfield", "Integration User", "Marco Lindqvist", "Priya Natarajan"]  # fmt: skip
    assert api.get(f"sobjects/User/{make_id('005', 5)}").json()["IsActive"] is False


def test_account_record_types(api: Api) -> None:
    rows = api.query("SELECT DeveloperName FROM RecordType WHERE SobjectType = 'Account' "
                     "ORDER BY DeveloperName").json()["records"]  # fmt: skip
    assert [r["DeveloperName"] for r in rows] == ["Customer", "Partner"]


def test_the_directory_stays_out_of_the_data_until_read(api: Api, store: RecordStore) -> None:
    add_accounts(store, 2)
    api.query("SELECT Id FROM Account")
    assert store.objects() == ["Account"]  # no users inserted by an Account-only query
    seq = store.last_seq
    api.query("SELECT Owner.Name FROM Account")
    assert store.count("User") == 5 and store.count("Organization") == 1
    api.query("SELECT Owner.Name FROM Account")
    assert store.last_seq == seq + 5 + 1 + 2  # inserted once: users, organization, record types


def test_setup_objects_cannot_be_written(api: Api) -> None:
    org = api.patch(f"sobjects/Organization/{DEFAULT_ORG_ID}", json={"Name": "Renamed"})
    assert org.status_code == 400
    assert org.json()[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_lead_and_opportunity_crud_and_describe(api: Api, store: RecordStore) -> None:
    [account] = add_accounts(store, 1)
    lead = api.post("sobjects/Lead/", json={"LastName": "Prospect", "Company": "Big Co"})
    assert lead.status_code == 201, lead.text
    lead_id = lead.json()["id"]
    assert lead_id.startswith("00Q")
    assert api.patch(f"sobjects/Lead/{lead_id}", json={"Rating": "Hot"}).status_code == 204
    got = api.get(f"sobjects/Lead/{lead_id}").json()
    assert (got["Name"], got["Rating"], got["Company"]) == ("Prospect", "Hot", "Big Co")
    missing = api.post("sobjects/Lead/", json={"LastName": "No company"})
    assert missing.json()[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert api.delete(f"sobjects/Lead/{lead_id}").status_code == 204
    deal = api.post("sobjects/Opportunity/", json={
        "Name": "Big deal", "StageName": "Prospecting", "CloseDate": str(date(2024, 3, 1)),
        "AccountId": account, "Amount": 1200.5})  # fmt: skip
    assert deal.status_code == 201, deal.text
    rows = api.query("SELECT Name, (SELECT Name FROM Opportunities) FROM Account")
    [row] = rows.json()["records"]
    assert row["Opportunities"]["records"][0]["Name"] == "Big deal"
    described = api.get("sobjects/Opportunity/describe").json()
    fields = {f["name"]: f for f in described["fields"]}
    assert (
        fields["StageName"]["nillable"] is False
        and fields["AccountId"]["relationshipName"] == "Account"
    )
    assert described["keyPrefix"] == "006"


def test_limits_lists_every_limit_and_counts_api_requests(client: TestClient, api: Api) -> None:
    settings(client, api_requests_used=41)
    body = api.get("limits/").json()
    for key in INTEGRATION_KEYS:
        assert set(body[key]) >= {"Max", "Remaining"}, key
    assert body["DailyApiRequests"] == {"Max": 100_000, "Remaining": 100_000 - 42}
    again = api.get("limits").json()
    assert again["DailyApiRequests"]["Remaining"] == 100_000 - 43
    assert list(body) == sorted(body)


def test_the_version_root_lists_only_served_resources(api: Api) -> None:
    resources = api.get("").json()
    for name, url in resources.items():
        # `jobs` is the root of `jobs/ingest` and `jobs/query`, as in a real org.
        probe = api.get(f"{url}/ingest" if name == "jobs" else url)
        assert probe.status_code != 404, (name, url)
    assert resources["search"] == f"{BASE}/search"
    search = api.get("search/", params={"q": "FIND {nothing}"})
    assert search.status_code == 200 and search.json() == {"searchRecords": []}
    composite = api.post("composite", json={"compositeRequest": [
        {"method": "GET", "url": f"{BASE}/limits", "referenceId": "l"}]})  # fmt: skip
    assert composite.status_code == 200
