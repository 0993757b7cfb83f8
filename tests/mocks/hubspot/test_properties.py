"""The properties API: definitions with type, fieldType, options and hasUniqueValue, and a
custom property created at runtime that writes and unique upserts then accept."""

from __future__ import annotations

from tests.mocks.hubspot.conftest import Portal


def test_list_and_get_show_the_agreed_custom_properties(portal: Portal) -> None:
    listed = portal.get("/crm/v3/properties/companies").json()["results"]
    by_name = {p["name"]: p for p in listed}
    assert by_name["erp_customer_id"]["hasUniqueValue"] is True
    assert by_name["erp_customer_id"]["groupName"] == "erp_integration"
    assert by_name["erp_credit_limit"]["type"] == "number"
    assert [o["value"] for o in by_name["erp_status"]["options"]] == ["Active", "Inactive"]
    one = portal.get("/crm/v3/properties/deals/closedate").json()
    assert (one["type"], one["fieldType"]) == ("datetime", "date")
    flag = portal.get("/crm/v3/properties/products/erp_active").json()
    assert flag["type"] == "bool" and [o["value"] for o in flag["options"]] == ["true", "false"]


def test_an_unknown_property_is_404(portal: Portal) -> None:
    response = portal.get("/crm/v3/properties/contacts/nope")
    assert response.status_code == 404 and response.json()["category"] == "OBJECT_NOT_FOUND"


def test_a_created_property_is_201_and_usable(portal: Portal) -> None:
    body = {
        "name": "legacy_id",
        "label": "Legacy id",
        "type": "string",
        "fieldType": "text",
        "groupName": "erp_integration",
        "hasUniqueValue": True,
    }
    created = portal.post("/crm/v3/properties/contacts", json=body)
    assert created.status_code == 201 and created.json()["hasUniqueValue"] is True
    assert portal.post("/crm/v3/properties/contacts", json=body).status_code == 409
    made = portal.create("contacts", legacy_id="L-1")
    upsert = portal.post(
        "/crm/v3/objects/contacts/batch/upsert",
        json={
            "inputs": [
                {"id": "L-1", "idProperty": "legacy_id", "properties": {"firstname": "Kept"}}
            ]
        },
    )
    assert upsert.json()["results"][0]["id"] == made["id"]


def test_an_enumeration_needs_options(portal: Portal) -> None:
    body = {
        "name": "tier",
        "label": "Tier",
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "erp_integration",
    }
    assert portal.post("/crm/v3/properties/companies", json=body).status_code == 400
