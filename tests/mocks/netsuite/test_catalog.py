"""The metadata catalog: record types, JSON Schema and OpenAPI."""

from __future__ import annotations

import jsonschema
import pytest

from tests.mocks.netsuite.support import ADMIN, TestClient

CATALOG = "/services/rest/record/v1/metadata-catalog"
SCHEMA = {"Accept": "application/schema+json"}


def _schema(client: TestClient, record_type: str = "customer") -> dict[str, object]:
    response = client.get(f"{CATALOG}/{record_type}", headers=SCHEMA)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/schema+json"
    body: dict[str, object] = response.json()
    return body


def test_catalog_lists_record_types(client: TestClient) -> None:
    body = client.get(CATALOG).json()
    assert [item["name"] for item in body["items"]] == [
        "customer", "subsidiary", "contact", "location", "inventoryItem", "salesOrder",
        "invoice", "customerPayment",
    ]  # fmt: skip
    media = {link.get("mediaType") for link in body["items"][0]["links"]}
    assert {"application/schema+json", "application/swagger+json"} <= media


def test_catalog_select_filters_and_rejects_unknown_types(client: TestClient) -> None:
    body = client.get(CATALOG, params={"select": "subsidiary"}).json()
    assert [item["name"] for item in body["items"]] == ["subsidiary"]
    assert client.get(CATALOG, params={"select": "widget"}).status_code == 400


def test_customer_schema_describes_fields(client: TestClient) -> None:
    schema = _schema(client)
    props = schema["properties"]
    assert schema["type"] == "object" and schema["required"] == ["subsidiary"]
    assert isinstance(props, dict)
    assert props["companyName"] == {
        "title": "Company Name",
        "type": "string",
        "maxLength": 83,
        "nullable": True,
        "description": "Required when isPerson is false.",
    }
    assert props["id"]["readOnly"] is True and props["balance"]["readOnly"] is True
    assert props["isPerson"]["type"] == "boolean"
    assert props["creditLimit"]["type"] == "number"
    assert props["lastModifiedDate"]["format"] == "date-time"
    assert props["subsidiary"]["type"] == "object"
    assert props["subsidiary"]["nullable"] is False
    assert set(props["subsidiary"]["properties"]) >= {"id", "refName"}
    item = props["addressBook"]["properties"]["items"]["items"]
    address = item["properties"]["addressBookAddress"]["properties"]
    assert address["city"]["maxLength"] == 50
    assert address["addrText"]["readOnly"] is True
    assert "US" in address["country"]["enum"]


@pytest.mark.filterwarnings("ignore::fastapi.exceptions.FastAPIDeprecationWarning")
def test_schema_reflects_a_changed_max_length(client: TestClient) -> None:
    client.patch(
        "/__harness/settings",
        json={"max_lengths": {"companyName": 40, "addressBook.addressBookAddress.city": 20}},
        headers=ADMIN,
    )
    props = _schema(client)["properties"]
    assert isinstance(props, dict)
    assert props["companyName"]["maxLength"] == 40
    city = props["addressBook"]["properties"]["items"]["items"]["properties"]["addressBookAddress"][
        "properties"
    ]["city"]
    assert city["maxLength"] == 20


def test_schema_validates_a_record_body(client: TestClient) -> None:
    schema = _schema(client)
    body = {"companyName": "Acme", "subsidiary": {"id": "1"}, "isPerson": False}
    jsonschema.validate(body, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**body, "companyName": "x" * 84}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"companyName": "Acme"}, schema)


def test_subsidiary_schema(client: TestClient) -> None:
    schema = _schema(client, "subsidiary")
    assert schema["required"] == ["name"]


def test_swagger_accept_gives_openapi(client: TestClient) -> None:
    response = client.get(
        CATALOG, params={"select": "customer"}, headers={"Accept": "application/swagger+json"}
    )
    assert response.headers["content-type"] == "application/swagger+json"
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert set(body["components"]["schemas"]) == {"customer"}
    assert "/customer/{id}" in body["paths"]
