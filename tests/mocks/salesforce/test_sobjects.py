"""Single-record routes: CRUD, upsert by external id, describe and replication feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mocks.salesforce.ids import make_id
from mocks.store import RecordStore

from .conftest import BASE, Api, FixedClock, add_accounts

EXT = "sobjects/Account/External_Id__c"


def _create(api: Api, **fields: Any) -> str:
    response = api.post("sobjects/Account/", json={"Name": "Acme", **fields})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_create_read_update_delete(api: Api, store: RecordStore, clock: FixedClock) -> None:
    response = api.post("sobjects/Account/", json={"Name": "Acme", "NumberOfEmployees": 10})
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == {"id": body["id"], "success": True, "errors": []}
    record_id = body["id"]
    assert record_id == make_id("001", 1)

    record = api.get(f"sobjects/Account/{record_id}").json()
    assert record["attributes"] == {
        "type": "Account",
        "url": f"{BASE}/sobjects/Account/{record_id}",
    }
    assert (record["Id"], record["Name"], record["NumberOfEmployees"]) == (record_id, "Acme", 10)
    assert record["CreatedDate"] == "2024-01-15T10:22:33.123+0000"
    assert record["IsDeleted"] is False and record["Phone"] is None

    clock.advance(seconds=1)
    update = api.patch(f"sobjects/Account/{record_id}", json={"Phone": "555"})
    assert (update.status_code, update.content) == (204, b"")
    after = api.get(f"sobjects/Account/{record_id}").json()
    assert after["Phone"] == "555" and after["Name"] == "Acme"
    assert after["LastModifiedDate"] == after["SystemModstamp"] == "2024-01-15T10:22:34.123+0000"
    assert store.get("Account", record_id).version == 2  # type: ignore[union-attr]

    assert api.delete(f"sobjects/Account/{record_id}").status_code == 204
    assert api.get(f"sobjects/Account/{record_id}").status_code == 404
    assert store.get("Account", record_id, include_deleted=True).deleted  # type: ignore[union-attr]


def test_get_with_fields_parameter(api: Api) -> None:
    record_id = _create(api, Phone="1")
    record = api.get(f"sobjects/Account/{record_id}", params={"fields": "name,Phone"}).json()
    assert list(record) == ["attributes", "Name", "Phone"]


def test_ids_accepted_in_15_and_18_characters(api: Api) -> None:
    record_id = _create(api)
    assert api.get(f"sobjects/Account/{record_id[:15]}").json()["Id"] == record_id
    assert api.patch(f"sobjects/Account/{record_id[:15]}", json={"Site": "x"}).status_code == 204
    assert api.get(f"sobjects/Account/{record_id.lower()}").json()["Id"] == record_id


def test_field_names_in_bodies_are_case_insensitive(api: Api) -> None:
    record_id = _create(api, phone="12")
    assert api.get(f"sobjects/Account/{record_id}").json()["Phone"] == "12"


def test_empty_strings_are_stored_as_null(api: Api) -> None:
    record_id = _create(api, Phone="12")
    api.patch(f"sobjects/Account/{record_id}", json={"Phone": ""})
    assert api.get(f"sobjects/Account/{record_id}").json()["Phone"] is None


def test_upsert_creates_then_updates(api: Api) -> None:
    created = api.patch(f"{EXT}/ERP-1", json={"Name": "Acme"})
    assert created.status_code == 201
    body = created.json()
    assert body == {"id": body["id"], "success": True, "errors": [], "created": True}
    assert api.get(f"sobjects/Account/{body['id']}").json()["External_Id__c"] == "ERP-1"

    updated = api.patch(f"{EXT}/ERP-1", json={"Name": "Acme 2"})
    assert updated.status_code == 200
    assert updated.json() == {"id": body["id"], "success": True, "errors": [], "created": False}
    assert api.get(f"sobjects/Account/{body['id']}").json()["Name"] == "Acme 2"


def test_upsert_update_answers_204_before_api_46(api: Api) -> None:
    api.patch(f"{EXT}/ERP-1", json={"Name": "Acme"})
    old = api.patch(f"/services/data/v45.0/{EXT}/ERP-1", json={"Name": "Acme 2"})
    assert (old.status_code, old.content) == (204, b"")


def test_upsert_with_several_matches_answers_300(api: Api, store: RecordStore) -> None:
    # Duplicates can only exist behind the API's back (a data load, a defect in the world).
    ids = add_accounts(store, 2, External_Id__c="DUP")
    response = api.patch(f"{EXT}/DUP", json={"Name": "x"})
    assert response.status_code == 300
    assert response.json() == [f"{BASE}/sobjects/Account/{i}" for i in ids]
    assert api.get(f"{EXT}/DUP").status_code == 300


@pytest.mark.parametrize("field", ["Name", "Phone", "Nope__c"])
def test_upsert_on_a_field_that_is_not_an_external_id(api: Api, field: str) -> None:
    response = api.patch(f"sobjects/Account/{field}/x", json={"Name": "x"})
    assert response.status_code == 404
    assert response.json() == [
        {
            "message": f"Provided external ID field does not exist or is not accessible: {field}",
            "errorCode": "NOT_FOUND",
            "fields": [],
        }
    ]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        pytest.param("A+B", "A B", id="plus-is-space"),
        pytest.param("A%20B", "A B", id="percent-space"),
        pytest.param("1%2B2", "1+2", id="encoded-plus"),
        pytest.param("a%2Fb", "a/b", id="encoded-slash"),
        pytest.param("caf%C3%A9", "café", id="utf8"),
    ],
)
def test_external_id_values_are_url_decoded(api: Api, raw: str, value: str) -> None:
    created = api.patch(f"{EXT}/{raw}", json={"Name": "x"})
    assert created.status_code == 201
    record = api.get(f"{EXT}/{raw}").json()
    assert record["External_Id__c"] == value
    assert record["Id"] == created.json()["id"]


def test_upsert_by_id_field(api: Api) -> None:
    record_id = _create(api)
    response = api.patch(f"sobjects/Account/Id/{record_id}", json={"Site": "HQ"})
    assert response.status_code == 200 and response.json()["created"] is False


def test_get_by_external_id_not_found(api: Api) -> None:
    response = api.get(f"{EXT}/missing")
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


def test_upsert_body_may_repeat_the_matching_field_only_unchanged(api: Api) -> None:
    assert api.patch(f"{EXT}/E1", json={"Name": "a", "External_Id__c": "E1"}).status_code == 201
    clash = api.patch(f"{EXT}/E1", json={"External_Id__c": "E2"})
    assert clash.status_code == 400
    assert clash.json()[0]["errorCode"] == "INVALID_FIELD"


def test_sobject_list_and_metadata(api: Api) -> None:
    described = api.get("sobjects").json()
    assert described["encoding"] == "UTF-8" and described["maxBatchSize"] == 200
    account, contact, *commerce = described["sobjects"]
    prefixes = {o["name"]: o["keyPrefix"] for o in commerce}
    assert prefixes == {"Product2": "01t", "Pricebook2": "01s", "PricebookEntry": "01u",
                        "Order": "801", "OrderItem": "802", "Invoice__c": "a01",
                        "Inventory_Level__c": "a02", "Lead": "00Q", "Opportunity": "006",
                        "Organization": "00D", "User": "005", "RecordType": "012"}  # fmt: skip
    assert (account["name"], account["keyPrefix"], account["queryable"]) == ("Account", "001", True)
    assert (contact["name"], contact["keyPrefix"], contact["queryable"]) == ("Contact", "003", True)
    assert account["urls"]["describe"] == f"{BASE}/sobjects/Account/describe"
    metadata = api.get("sobjects/Account/").json()
    assert metadata["objectDescribe"]["name"] == "Account"
    assert metadata["recentItems"] == []


def test_describe_reports_field_metadata(api: Api) -> None:
    body = api.get("sobjects/Account/describe").json()
    assert (body["name"], body["keyPrefix"], body["createable"]) == ("Account", "001", True)
    fields = {f["name"]: f for f in body["fields"]}
    name = fields["Name"]
    assert (name["type"], name["length"], name["byteLength"]) == ("string", 255, 765)
    assert (name["nillable"], name["createable"], name["defaultedOnCreate"]) == (
        False, True, False,
    )  # fmt: skip
    assert fields["BillingStreet"]["type"] == "textarea"
    assert fields["BillingPostalCode"]["length"] == 20
    assert fields["Description"]["length"] == 32000
    assert fields["NumberOfEmployees"]["soapType"] == "xsd:int"
    assert fields["AnnualRevenue"]["type"] == "currency"
    ext = fields["External_Id__c"]
    assert (ext["externalId"], ext["unique"], ext["idLookup"], ext["custom"]) == (
        True, True, True, True,
    )  # fmt: skip
    assert (fields["Billing_Email__c"]["type"], fields["Billing_Email__c"]["length"]) == (
        "email", 80,
    )  # fmt: skip
    industries = [p["value"] for p in fields["Industry"]["picklistValues"]]
    assert "Banking" in industries and "Technology" in industries
    assert fields["Type"]["picklistValues"][0]["value"] == "Prospect"
    for system in ("Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp",
                   "CreatedById", "LastModifiedById"):  # fmt: skip
        assert not fields[system]["createable"] and not fields[system]["updateable"], system
    owner = fields["OwnerId"]  # Account in the Object Reference: Create, Defaulted on create
    assert (owner["createable"], owner["updateable"], owner["defaultedOnCreate"]) == (
        True, True, True,
    )  # fmt: skip
    assert fields["Id"]["soapType"] == "tns:ID"
    assert fields["CreatedDate"]["type"] == "datetime"
    required = [
        f["name"]
        for f in body["fields"]
        if not f["nillable"] and f["createable"] and not f["defaultedOnCreate"]
    ]
    assert required == ["Name"]


def test_unknown_sobject_is_not_found(api: Api) -> None:
    for path in ("sobjects/Nope/", "sobjects/Nope/describe", "sobjects/Nope/001Dn0000000001IAA"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json() == [
            {
                "message": "The requested resource does not exist",
                "errorCode": "NOT_FOUND",
                "fields": [],
            }
        ]


def test_updated_and_deleted_feeds(api: Api, store: RecordStore, clock: FixedClock) -> None:
    early, late, gone = add_accounts(store, 3)
    clock.advance(minutes=2)
    store.update("Account", late, {"Phone": "1"})
    assert api.delete(f"sobjects/Account/{gone}").status_code == 204
    window = {"start": "2024-01-15T10:23:00+00:00", "end": "2024-01-15T10:30:00+00:00"}
    updated = api.get("sobjects/Account/updated/", params=window).json()
    assert updated == {"ids": [late], "latestDateCovered": "2024-01-15T10:30:00.000+0000"}
    deleted = api.get("sobjects/Account/deleted/", params=window).json()
    assert deleted["deletedRecords"] == [
        {"id": gone, "deletedDate": "2024-01-15T10:24:33.123+0000"}
    ]
    assert deleted["latestDateCovered"] == "2024-01-15T10:30:00.000+0000"
    assert early not in updated["ids"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        pytest.param({"start": "2024-01-15T10:00:00Z"}, "MISSING_ARGUMENT", id="no-end"),
        pytest.param({"start": "soon", "end": "later"}, "INVALID_REPLICATION_DATE", id="bad"),
        pytest.param({"start": "2024-01-15T10:00:00Z", "end": "2024-01-14T10:00:00Z"},
                     "INVALID_REPLICATION_DATE", id="reversed"),
        pytest.param({"start": "2023-11-01T00:00:00Z", "end": "2024-01-15T10:00:00Z"},
                     "INVALID_REPLICATION_DATE", id="older-than-30-days"),
    ],
)  # fmt: skip
def test_replication_window_errors(api: Api, params: dict[str, str], code: str) -> None:
    response = api.get("sobjects/Account/updated/", params=params)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == code


def test_seeded_timestamps_come_from_the_store(api: Api, store: RecordStore) -> None:
    store.insert("Account", make_id("001", 7), {"Name": "Old"}, at=datetime(2020, 5, 1, tzinfo=UTC))
    record = api.get(f"sobjects/Account/{make_id('001', 7)}").json()
    assert record["CreatedDate"] == "2020-05-01T00:00:00.000+0000"
    assert _create(api) == make_id("001", 1)
