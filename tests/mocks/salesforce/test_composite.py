"""sObject Collections: per-record results, partial success, all-or-none, limits."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mocks.salesforce.ids import make_id
from mocks.store import RecordStore

from .conftest import BASE, Api, add_accounts, settings

ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was "
    "using AllOrNone header",
    "fields": [],
}


def _acct(**fields: Any) -> dict[str, Any]:
    return {"attributes": {"type": "Account"}, **fields}


def test_create_partial_success_in_input_order(api: Api, store: RecordStore) -> None:
    records = [
        _acct(Name="One"),
        _acct(Phone="no name"),
        _acct(Name="Three", NumberOfEmployees="lots"),
        _acct(Name="Four", BillingCity="x" * 41),
    ]
    response = api.post("composite/sobjects", json={"allOrNone": False, "records": records})
    assert response.status_code == 200
    results = response.json()
    assert results[0] == {"id": make_id("001", 1), "success": True, "errors": []}
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [Name]",
                "fields": ["Name"],
            }
        ],
    }
    assert results[2]["errors"] == [
        {
            "statusCode": "INVALID_TYPE_ON_FIELD_IN_RECORD",
            "message": "Employees: value not of required type: lots",
            "fields": ["NumberOfEmployees"],
        }
    ]
    assert results[3]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    assert [r.fields["Name"] for r in store.records("Account")] == ["One"]


def test_all_or_none_rolls_everything_back(api: Api, store: RecordStore) -> None:
    [existing] = add_accounts(store, 1)
    seq_before = store.last_seq
    records = [_acct(Name="Good"), _acct(Name="Bad", Nope__c=1), _acct(Name="Also good")]
    results = api.post("composite/sobjects", json={"allOrNone": True, "records": records}).json()
    assert results[0] == {"success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "INVALID_FIELD"
    assert results[2] == {"success": False, "errors": [ROLLED_BACK]}
    assert store.last_seq == seq_before
    assert [r.id for r in store.records("Account")] == [existing]

    updates = [
        {"attributes": {"type": "Account"}, "id": existing, "Name": "Renamed"},
        {"attributes": {"type": "Account"}, "id": make_id("001", 99), "Name": "Ghost"},
    ]
    results = api.patch("composite/sobjects", json={"allOrNone": True, "records": updates}).json()
    assert results[0] == {"id": existing, "success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "NOT_FOUND"
    assert store.get("Account", existing).fields["Name"] == "Account 00001"  # type: ignore[union-attr]
    assert store.last_seq == seq_before


def test_all_or_none_success_commits_at_one_timestamp(api: Api, store: RecordStore) -> None:
    records = [_acct(Name=f"A{i}") for i in range(3)]
    results = api.post("composite/sobjects", json={"allOrNone": True, "records": records}).json()
    assert all(r["success"] for r in results)
    stamps = {r.modified_at for r in store.records("Account")}
    assert len(stamps) == 1


def test_duplicates_inside_one_request_are_caught(api: Api) -> None:
    records = [_acct(Name="a", External_Id__c="E1"), _acct(Name="b", External_Id__c="E1")]
    results = api.post("composite/sobjects", json={"records": records}).json()
    assert results[0]["success"] is True
    assert results[1]["errors"][0]["statusCode"] == "DUPLICATE_VALUE"
    assert results[0]["id"] in results[1]["errors"][0]["message"]


@pytest.mark.parametrize(
    ("record", "code"),
    [
        pytest.param({"Name": "no type"}, "INVALID_TYPE", id="missing-type"),
        pytest.param({"attributes": {"type": "Nope"}, "Name": "x"}, "INVALID_TYPE",
                     id="unknown-type"),
        pytest.param(_acct(Name="x", Id=make_id("001", 1)), "INVALID_FIELD", id="id-on-create"),
    ],
)  # fmt: skip
def test_create_record_level_errors(api: Api, record: dict[str, Any], code: str) -> None:
    [result] = api.post("composite/sobjects", json={"records": [record]}).json()
    assert result["success"] is False
    assert result["errors"][0]["statusCode"] == code


def test_more_than_200_records_is_a_request_error(
    client: TestClient, api: Api, store: RecordStore
) -> None:
    records = [_acct(Name=f"A{i}") for i in range(201)]
    response = api.post("composite/sobjects", json={"records": records})
    assert response.status_code == 400
    assert response.json() == [
        {
            "message": "record limit reached. cannot submit more than 200 records into this call",
            "errorCode": "EXCEEDED_ID_LIMIT",
            "fields": [],
        }
    ]
    assert store.count("Account") == 0
    assert api.post("composite/sobjects", json={"records": records[:200]}).status_code == 200
    settings(client, max_batch_size=10)
    assert api.post("composite/sobjects", json={"records": records[:11]}).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([], id="array"),
        pytest.param({"allOrNone": True}, id="no-records"),
        pytest.param({"records": [1, 2]}, id="scalar-records"),
        pytest.param({"records": [], "allOrNone": "yes"}, id="non-bool-flag"),
    ],
)
def test_malformed_collection_body(api: Api, body: Any) -> None:
    response = api.post("composite/sobjects", json=body)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_update_collection(api: Api, store: RecordStore) -> None:
    first, second = add_accounts(store, 2)
    updates = [
        {"attributes": {"type": "Account"}, "id": first, "Phone": "1"},
        {"attributes": {"type": "Account"}, "Id": second[:15], "Phone": "2"},
        {"attributes": {"type": "Account"}, "Phone": "3"},
    ]
    results = api.patch("composite/sobjects", json={"records": updates}).json()
    assert results[0] == {"id": first, "success": True, "errors": []}
    assert results[1] == {"id": second, "success": True, "errors": []}
    assert results[2]["errors"][0] == {
        "statusCode": "MISSING_ARGUMENT",
        "message": "Id not specified in an update call",
        "fields": [],
    }
    assert [r.fields.get("Phone") for r in store.records("Account")] == ["1", "2"]


def test_upsert_collection(api: Api, store: RecordStore) -> None:
    add_accounts(store, 1, External_Id__c="E1")
    records = [
        _acct(External_Id__c="E1", Phone="updated"),
        _acct(External_Id__c="E2", Name="New"),
        _acct(External_Id__c="E3", Name="Twin"),
        _acct(External_Id__c="E3", Name="Twin again"),
        _acct(Name="No key"),
        _acct(External_Id__c="E4"),
    ]
    path = "composite/sobjects/Account/External_Id__c"
    results = api.patch(path, json={"records": records}).json()
    assert results[0] == {
        "id": make_id("001", 1), "success": True, "errors": [], "created": False,
    }  # fmt: skip
    assert results[1]["created"] is True and results[1]["success"] is True
    for twin in results[2:4]:
        assert twin["errors"][0]["statusCode"] == "DUPLICATE_EXTERNAL_ID"
    assert results[4]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    assert results[5]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert store.count("Account") == 2


def test_upsert_collection_on_a_non_external_field(api: Api) -> None:
    response = api.patch("composite/sobjects/Account/Name", json={"records": []})
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


def test_retrieve_collection(api: Api, store: RecordStore) -> None:
    first, second = add_accounts(store, 2)
    missing = make_id("001", 50)
    response = api.get(
        "composite/sobjects/Account",
        params={"ids": f"{first},{missing},{second[:15]}", "fields": "Id,Name"},
    )
    body = response.json()
    assert body[0] == {
        "attributes": {"type": "Account", "url": f"{BASE}/sobjects/Account/{first}"},
        "Id": first,
        "Name": "Account 00001",
    }
    assert body[1] is None
    assert body[2]["Id"] == second
    posted = api.post("composite/sobjects/Account", json={"ids": [first], "fields": ["Name"]})
    assert posted.json()[0]["Name"] == "Account 00001"
    bad = api.get("composite/sobjects/Account", params={"ids": "nope", "fields": "Id"})
    assert bad.status_code == 400 and bad.json()[0]["errorCode"] == "MALFORMED_ID"


def test_delete_collection(api: Api, store: RecordStore) -> None:
    first, second = add_accounts(store, 2)
    missing = make_id("001", 77)
    response = api.delete(
        "composite/sobjects", params={"ids": f"{first},{missing},bad", "allOrNone": "true"}
    )
    results = response.json()
    assert results[0] == {"id": first, "success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "NOT_FOUND"
    assert results[2]["errors"][0]["statusCode"] == "MALFORMED_ID"
    assert store.count("Account") == 2

    results = api.delete("composite/sobjects/", params={"ids": f"{first},{second}"}).json()
    assert [r["success"] for r in results] == [True, True]
    assert store.count("Account") == 0
    again = api.delete("composite/sobjects", params={"ids": first}).json()
    assert again[0]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"


def test_delete_collection_over_the_limit(api: Api) -> None:
    ids = ",".join(make_id("001", n) for n in range(1, 202))
    response = api.delete("composite/sobjects", params={"ids": ids})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
