"""Every error answers with NetSuite's `o:errorDetails` body and the right code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mocks.store import RecordStore
from tests.mocks.netsuite.support import CUSTOMERS, STRICT, TestClient, error_detail

VALID = {"companyName": "Acme", "subsidiary": {"id": "1"}}


def test_unknown_property_is_rejected_with_property_name_validation(client: TestClient) -> None:
    response = client.post(CUSTOMERS, json={**VALID, "colour": "red"}, headers=STRICT)
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "INVALID_CONTENT"
    assert "colour" in detail["detail"] and detail["o:errorPath"] == "colour"


def test_unknown_property_is_ignored_without_property_name_validation(client: TestClient) -> None:
    response = client.post(CUSTOMERS, json={**VALID, "colour": "red"})
    assert response.status_code == 204
    assert "colour" not in client.get(f"{CUSTOMERS}/1").json()


def test_unknown_nested_property_is_named_with_its_path(client: TestClient) -> None:
    book = {"items": [{"addressBookAddress": {"city": "X", "planet": "Mars"}}]}
    response = client.post(CUSTOMERS, json={**VALID, "addressBook": book}, headers=STRICT)
    detail = error_detail(response)
    assert detail["o:errorPath"] == "addressBook.items[0].addressBookAddress.planet"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"id": "99"}, id="id"),
        pytest.param({"balance": 10}, id="balance"),
        pytest.param({"dateCreated": "2024-01-15T10:22:00Z"}, id="dateCreated"),
        pytest.param(
            {"addressBook": {"items": [{"addressBookAddress": {"addrText": "x"}}]}},
            id="addrText",
        ),
    ],
)
def test_read_only_property_is_invalid_content(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post(CUSTOMERS, json={**VALID, **body})
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "INVALID_CONTENT" and "read-only" in detail["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"companyName": "Acme"}, "Please enter value(s) for: Subsidiary", id="sub"),
        pytest.param(
            {"subsidiary": {"id": "1"}}, "Please enter value(s) for: Company Name", id="company"
        ),
        pytest.param({}, "Please enter value(s) for: Company Name, Subsidiary", id="both"),
    ],
)
def test_missing_required_is_user_error(
    client: TestClient, body: dict[str, Any], message: str
) -> None:
    response = client.post(CUSTOMERS, json=body)
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "USER_ERROR" and detail["detail"] == message


def test_patch_cannot_blank_a_required_field(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    new_id = make_customer()
    response = client.patch(f"{CUSTOMERS}/{new_id}", json={"subsidiary": None})
    assert error_detail(response)["o:errorCode"] == "USER_ERROR"


@pytest.mark.parametrize(
    "ref",
    [
        pytest.param({"subsidiary": {"id": "99"}}, id="subsidiary"),
        pytest.param({"currency": {"id": "42"}}, id="currency"),
        pytest.param({"terms": {"id": "0"}}, id="terms"),
        pytest.param({"subsidiary": {"externalId": "nope"}}, id="subsidiary-eid"),
    ],
)
def test_bad_reference_is_invalid_key_or_ref(client: TestClient, ref: dict[str, Any]) -> None:
    response = client.post(CUSTOMERS, json={**VALID, **ref})
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "INVALID_KEY_OR_REF"
    assert detail["o:errorPath"] == next(iter(ref))


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"companyName": 12}, id="number-for-string"),
        pytest.param({"isPerson": "false"}, id="string-for-boolean"),
        pytest.param({"creditLimit": "1500"}, id="string-for-number"),
        pytest.param({"creditLimit": True}, id="boolean-for-number"),
        pytest.param({"subsidiary": "1"}, id="string-for-reference"),
        pytest.param({"addressBook": [{"label": "x"}]}, id="list-for-sublist"),
        pytest.param({"addressBook": {"items": [{"addressBookAddress": "x"}]}}, id="nested"),
    ],
)
def test_wrong_type_is_invalid_content(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post(CUSTOMERS, json={**VALID, **body})
    assert response.status_code == 400
    assert error_detail(response)["o:errorCode"] == "INVALID_CONTENT"


@pytest.mark.parametrize("country", ["XX", "USA", "United States", ""])
def test_unknown_country_code_is_rejected(client: TestClient, country: str) -> None:
    book = {"items": [{"addressBookAddress": {"country": country}}]}
    response = client.post(CUSTOMERS, json={**VALID, "addressBook": book})
    assert response.status_code == 400
    assert "ISO 3166" in error_detail(response)["detail"]


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"companyName": "Acme",', id="truncated"),
        pytest.param(b"companyName=Acme", id="form"),
        pytest.param(b"", id="empty"),
    ],
)
def test_malformed_json_is_invalid_content(client: TestClient, raw: bytes) -> None:
    response = client.post(CUSTOMERS, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_detail(response)["o:errorCode"] == "INVALID_CONTENT"


def test_body_that_is_not_an_object_is_invalid_content(client: TestClient) -> None:
    response = client.post(CUSTOMERS, json=[VALID])
    assert error_detail(response)["o:errorCode"] == "INVALID_CONTENT"


def test_duplicate_external_id_on_post_is_user_error(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    make_customer(externalId="CRM-1")
    response = client.post(CUSTOMERS, json={**VALID, "externalId": "CRM-1"})
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "USER_ERROR" and "CRM-1" in detail["detail"]


def test_patch_onto_another_records_external_id_is_user_error(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    make_customer(externalId="CRM-1")
    other = make_customer(externalId="CRM-2")
    response = client.patch(f"{CUSTOMERS}/{other}", json={"externalId": "CRM-1"})
    assert error_detail(response)["o:errorCode"] == "USER_ERROR"


def test_upsert_body_external_id_must_match_the_url(client: TestClient) -> None:
    response = client.put(f"{CUSTOMERS}/eid:A", json={**VALID, "externalId": "B"})
    assert error_detail(response)["o:errorCode"] == "INVALID_CONTENT"


def test_put_without_external_id_is_refused(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    new_id = make_customer()
    response = client.put(f"{CUSTOMERS}/{new_id}", json=VALID)
    assert response.status_code == 405
    assert "eid:" in error_detail(response)["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("GET", f"{CUSTOMERS}/404", id="get"),
        pytest.param("GET", f"{CUSTOMERS}/eid:missing", id="get-eid"),
        pytest.param("PATCH", f"{CUSTOMERS}/404", id="patch"),
        pytest.param("DELETE", f"{CUSTOMERS}/404", id="delete"),
        pytest.param("GET", f"{CUSTOMERS}/404/addressBook", id="sublist"),
    ],
)
def test_unknown_id_is_nonexistent_id(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={} if method == "PATCH" else None)
    assert response.status_code == 404
    assert error_detail(response)["o:errorCode"] == "NONEXISTENT_ID"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/services/rest/record/v1/widget", id="list"),
        pytest.param("/services/rest/record/v1/widget/1", id="record"),
        pytest.param("/services/rest/record/v1/metadata-catalog/widget", id="catalog"),
    ],
)
def test_unknown_record_type_is_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "widget" in error_detail(response)["detail"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        pytest.param("GET", "/services/rest/nothing/here", 404, id="unknown-route"),
        pytest.param("DELETE", "/services/rest/query/v1/suiteql", 405, id="wrong-method"),
        pytest.param("GET", f"{CUSTOMERS}/1/addressBook/2/extra", 404, id="too-deep"),
    ],
)
def test_unknown_routes_use_the_netsuite_error_shape(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    error_detail(response)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        pytest.param({"limit": "ten"}, "limit", id="not-a-number"),
        pytest.param({"limit": "0"}, "limit", id="limit-zero"),
        pytest.param({"limit": "1001"}, "limit", id="limit-over-max"),
        pytest.param({"offset": "-1"}, "offset", id="negative-offset"),
        pytest.param({"expandSubResources": "maybe"}, "expandSubResources", id="not-a-boolean"),
    ],
)
def test_bad_query_parameter_is_invalid_parameter(
    client: TestClient, params: dict[str, str], name: str
) -> None:
    path = f"{CUSTOMERS}/1" if name == "expandSubResources" else CUSTOMERS
    response = client.get(path, params=params)
    assert response.status_code == 400
    detail = error_detail(response)
    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert detail["o:errorQueryParam"] == name


def test_unknown_field_in_fields_parameter_is_invalid_parameter(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    new_id = make_customer()
    response = client.get(f"{CUSTOMERS}/{new_id}", params={"fields": "companyName,shoeSize"})
    detail = error_detail(response)
    assert detail["o:errorQueryParam"] == "fields" and "shoeSize" in detail["detail"]


def test_unexpected_failure_is_500_unexpected_error(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(RecordStore, "records", explode)
    quiet = TestClient(client.app, headers=client.headers, raise_server_exceptions=False)
    quiet.auth = client.auth
    response = quiet.get(CUSTOMERS)
    assert response.status_code == 500
    assert error_detail(response)["o:errorCode"] == "UNEXPECTED_ERROR"
