"""Write validation and the error body every failure must have: a JSON array."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from mocks.salesforce.ids import make_id
from mocks.store import RecordStore

from .conftest import Api, add_accounts


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert isinstance(body, list) and len(body) == 1
    assert set(body[0]) == {"message", "errorCode", "fields"}
    error: dict[str, Any] = body[0]
    return error


@pytest.mark.parametrize(
    ("body", "code", "message", "fields"),
    [
        pytest.param({"Name": "a", "Nope__c": 1}, "INVALID_FIELD",
                     "No such column 'Nope__c' on sobject of type Account", [],
                     id="unknown-field"),
        pytest.param({"Name": "a", "CreatedDate": "2024-01-01T00:00:00Z", "CreatedById": "x"},
                     "INVALID_FIELD_FOR_INSERT_UPDATE",
                     "Unable to create/update fields: CreatedDate, CreatedById. Please check the "
                     "security settings of this field and verify that it is read/write for "
                     "your profile or permission set.", ["CreatedDate", "CreatedById"],
                     id="read-only"),
        pytest.param({"Phone": "1"}, "REQUIRED_FIELD_MISSING",
                     "Required fields are missing: [Name]", ["Name"], id="required"),
        pytest.param({"Name": ""}, "REQUIRED_FIELD_MISSING",
                     "Required fields are missing: [Name]", ["Name"], id="required-empty"),
        pytest.param({"Name": "a", "BillingPostalCode": "1" * 21}, "STRING_TOO_LONG",
                     f"Billing Zip/Postal Code: data value too large: {'1' * 21} "
                     "(max length=20)", ["BillingPostalCode"], id="too-long"),
        pytest.param({"Name": "a", "NumberOfEmployees": "many"}, "JSON_PARSER_ERROR",
                     "Cannot deserialize instance of int from VALUE_STRING value many or "
                     "request may be missing a required field", ["NumberOfEmployees"],
                     id="text-in-int"),
        pytest.param({"Name": "a", "AnnualRevenue": True}, "JSON_PARSER_ERROR",
                     "Cannot deserialize instance of double from VALUE_TRUE value true or "
                     "request may be missing a required field", ["AnnualRevenue"],
                     id="bool-in-currency"),
        pytest.param({"Name": "a", "NumberOfEmployees": 123456789},
                     "NUMBER_OUTSIDE_VALID_RANGE",
                     "Employees: value outside of valid range on numeric field: 123456789",
                     ["NumberOfEmployees"], id="int-out-of-range"),
        pytest.param({"Name": "a", "Billing_Email__c": "not-an-email"}, "INVALID_EMAIL_ADDRESS",
                     "Billing Email: invalid email address: not-an-email",
                     ["Billing_Email__c"], id="email"),
        pytest.param({"Name": "a", "ParentId": "xyz"}, "MALFORMED_ID",
                     "Parent Account ID: id value of incorrect type: xyz", ["ParentId"],
                     id="malformed-reference"),
        pytest.param({"Name": "a", "ParentId": make_id("001", 999)},
                     "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["ParentId"],
                     id="dangling-reference"),
        pytest.param({"Name": "a", "ParentId": make_id("003", 1)}, "FIELD_INTEGRITY_EXCEPTION",
                     f"Parent Account ID: id value of incorrect type: {make_id('003', 1)}",
                     ["ParentId"], id="wrong-reference-type"),
    ],
)  # fmt: skip
def test_create_rejections(
    api: Api, store: RecordStore, body: dict[str, Any], code: str, message: str, fields: list[str]
) -> None:
    error = _error(api.post("sobjects/Account/", json=body), 400)
    assert error == {"message": message, "errorCode": code, "fields": fields}
    assert store.count("Account") == 0


def test_too_long_is_never_truncated(api: Api, store: RecordStore) -> None:
    _error(api.post("sobjects/Account/", json={"Name": "x" * 256}), 400)
    assert api.post("sobjects/Account/", json={"Name": "x" * 255}).status_code == 201
    [record] = store.records("Account")
    assert record.fields["Name"] == "x" * 255


def test_numbers_and_numeric_strings_are_accepted(api: Api) -> None:
    body = {"Name": 12345, "NumberOfEmployees": "40", "AnnualRevenue": "1000.125"}
    record_id = api.post("sobjects/Account/", json=body).json()["id"]
    record = api.get(f"sobjects/Account/{record_id}").json()
    assert (record["Name"], record["NumberOfEmployees"], record["AnnualRevenue"]) == (
        "12345", 40, 1000.13,
    )  # fmt: skip


def test_valid_reference_is_accepted(api: Api, store: RecordStore) -> None:
    [parent] = add_accounts(store, 1)
    child = api.post("sobjects/Account/", json={"Name": "Child", "ParentId": parent[:15]})
    assert child.status_code == 201
    assert api.get(f"sobjects/Account/{child.json()['id']}").json()["ParentId"] == parent


def test_duplicate_external_id(api: Api) -> None:
    first = api.post("sobjects/Account/", json={"Name": "a", "External_Id__c": "X1"}).json()["id"]
    error = _error(api.post("sobjects/Account/", json={"Name": "b", "External_Id__c": "X1"}), 400)
    assert error["errorCode"] == "DUPLICATE_VALUE"
    assert error["message"] == (
        f"duplicate value found: External_Id__c duplicates value on record with id: {first}"
    )
    other = api.post("sobjects/Account/", json={"Name": "c"}).json()["id"]
    clash = api.patch(f"sobjects/Account/{other}", json={"External_Id__c": "X1"})
    assert _error(clash, 400)["errorCode"] == "DUPLICATE_VALUE"
    # The external id is case-sensitive, so a differently cased value is another key.
    assert api.patch(f"sobjects/Account/{other}", json={"External_Id__c": "x1"}).status_code == 204


def test_deleted_record_frees_its_external_id(api: Api) -> None:
    first = api.post("sobjects/Account/", json={"Name": "a", "External_Id__c": "X1"}).json()["id"]
    api.delete(f"sobjects/Account/{first}")
    assert (
        api.post("sobjects/Account/", json={"Name": "b", "External_Id__c": "X1"}).status_code == 201
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(b"{", "Unexpected character", id="truncated"),
        pytest.param(b"", "No content to map due to end-of-input", id="empty"),
        pytest.param(b"[1, 2]", "START_ARRAY", id="array"),
        pytest.param(b"{'Name': 'single quotes'}", "Unexpected character", id="not-json"),
    ],
)
def test_malformed_json_body(api: Api, content: bytes, fragment: str) -> None:
    error = _error(api.post("sobjects/Account/", content=content), 400)
    assert error["errorCode"] == "JSON_PARSER_ERROR"
    assert fragment in error["message"]


def test_update_rejects_nulling_a_required_field(api: Api, store: RecordStore) -> None:
    [record_id] = add_accounts(store, 1)
    error = _error(api.patch(f"sobjects/Account/{record_id}", json={"Name": None}), 400)
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_update_rejects_id_in_body(api: Api, store: RecordStore) -> None:
    [record_id] = add_accounts(store, 1)
    error = _error(api.patch(f"sobjects/Account/{record_id}", json={"Id": record_id}), 400)
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_unknown_id_is_not_found(api: Api, method: str) -> None:
    kwargs: dict[str, Any] = {"json": {"Name": "x"}} if method == "PATCH" else {}
    response = api.request(method, f"sobjects/Account/{make_id('001', 404)}", **kwargs)
    error = _error(response, 404)
    assert error == {
        "message": "The requested resource does not exist",
        "errorCode": "NOT_FOUND",
        "fields": [],
    }


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("xyz", id="short"),
        pytest.param("001Dn0000000001IA!", id="bad-char"),
        pytest.param(make_id("003", 1), id="other-object-prefix"),
    ],
)
def test_malformed_id_in_url(api: Api, raw: str) -> None:
    error = _error(api.get(f"sobjects/Account/{raw}"), 400)
    assert error == {
        "message": f"Account ID: id value of incorrect type: {raw}",
        "errorCode": "MALFORMED_ID",
        "fields": ["Id"],
    }


def test_writes_to_a_deleted_record(api: Api, store: RecordStore) -> None:
    [record_id] = add_accounts(store, 1)
    api.delete(f"sobjects/Account/{record_id}")
    assert _error(api.patch(f"sobjects/Account/{record_id}", json={}), 404) == {
        "message": "entity is deleted",
        "errorCode": "ENTITY_IS_DELETED",
        "fields": [],
    }
    assert _error(api.delete(f"sobjects/Account/{record_id}"), 404)["errorCode"] == (
        "ENTITY_IS_DELETED"
    )


def test_unknown_route_and_method(api: Api) -> None:
    assert _error(api.get("nothing/here"), 404)["errorCode"] == "NOT_FOUND"
    error = _error(api.request("PUT", "sobjects/Account/001Dn0000000001IAA", json={}), 405)
    assert error["errorCode"] == "METHOD_NOT_ALLOWED"
    assert "PUT" in error["message"]


def test_admin_errors_keep_fastapi_shape(api: Api) -> None:
    response = api.client.get("/__harness/snapshot")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_framework_validation_errors_are_json_arrays(api: Api) -> None:
    app = api.client.app
    assert isinstance(app, FastAPI)

    @app.get("/services/data/v59.0/probe/{number}")
    def probe(number: int) -> dict[str, int]:  # a typed route, as a future one might be
        return {"number": number}

    assert api.get("probe/7").json() == {"number": 7}
    error = _error(api.get("probe/seven"), 400)
    assert error["errorCode"] == "MALFORMED_QUERY"
    assert "number" in error["message"]
