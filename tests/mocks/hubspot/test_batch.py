"""Batch endpoints: HubSpot's exact status codes, the 207 partial answer, unique-value
conflicts and the 100-input limit."""

from __future__ import annotations

from typing import Any

from tests.mocks.hubspot.conftest import Portal

BATCH = "/crm/v3/objects/{}/batch/{}"


def _batch(portal: Portal, obj: str, op: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = portal.post(BATCH.format(obj, op), json=body)
    return response.status_code, (response.json() if response.content else None)


def test_create_is_201_with_the_batch_envelope(portal: Portal) -> None:
    inputs = [{"properties": {"name": f"Co {n}", "erp_customer_id": f"C-{n}"}} for n in range(3)]
    status, body = _batch(portal, "companies", "create", {"inputs": inputs})
    assert status == 201 and body["status"] == "COMPLETE"
    assert body["startedAt"].endswith("Z") and body["completedAt"].endswith("Z")
    assert [r["properties"]["name"] for r in body["results"]] == ["Co 0", "Co 1", "Co 2"]


def test_read_by_id_property_and_207_for_missing_ids(portal: Portal) -> None:
    made = portal.create("companies", name="Known", erp_customer_id="C-9")
    status, body = _batch(
        portal,
        "companies",
        "read",
        {
            "inputs": [{"id": "C-9"}, {"id": "C-404"}],
            "idProperty": "erp_customer_id",
            "properties": ["name"],
        },
    )
    assert status == 207 and body["numErrors"] == 1
    assert [r["id"] for r in body["results"]] == [made["id"]]
    error = body["errors"][0]
    assert error["category"] == "OBJECT_NOT_FOUND" and error["context"]["ids"] == ["C-404"]
    status, body = _batch(portal, "companies", "read", {"inputs": [{"id": made["id"]}]})
    assert status == 200 and "errors" not in body


def test_update_is_200_and_207_when_an_id_is_missing(portal: Portal) -> None:
    made = portal.create("deals", dealname="D")
    inputs = [
        {"id": made["id"], "properties": {"amount": "10.5"}},
        {"id": "1", "properties": {"amount": "1"}},
    ]
    status, body = _batch(portal, "deals", "update", {"inputs": inputs})
    assert status == 207 and body["errors"][0]["context"]["ids"] == ["1"]
    assert body["results"][0]["properties"]["amount"] == "10.5"
    status, _ = _batch(portal, "deals", "update", {"inputs": inputs[:1]})
    assert status == 200


def test_upsert_creates_and_updates_by_a_unique_property(portal: Portal) -> None:
    made = portal.create("contacts", email="old@example.com", firstname="Old")
    inputs = [
        {"id": "old@example.com", "idProperty": "email", "properties": {"firstname": "Renamed"}},
        {"id": "new@example.com", "idProperty": "email", "properties": {"firstname": "New"}},
    ]
    status, body = _batch(portal, "contacts", "upsert", {"inputs": inputs})
    assert status == 200
    by_name = {r["properties"]["firstname"]: r for r in body["results"]}
    assert by_name["Renamed"]["id"] == made["id"] and by_name["Renamed"]["new"] is False
    assert by_name["New"]["new"] is True
    assert by_name["New"]["properties"]["email"] == "new@example.com"


def test_upsert_needs_a_unique_id_property(portal: Portal) -> None:
    status, body = _batch(
        portal,
        "companies",
        "upsert",
        {"inputs": [{"id": "Acme", "idProperty": "name", "properties": {}}]},
    )
    assert status == 400 and "erp_customer_id" in body["message"]


def test_archive_is_204_even_for_unknown_ids(portal: Portal) -> None:
    made = portal.create("products", name="Widget")
    status, body = _batch(
        portal, "products", "archive", {"inputs": [{"id": made["id"]}, {"id": "7"}]}
    )
    assert status == 204 and body is None
    assert portal.get(f"/crm/v3/objects/products/{made['id']}").status_code == 404


def test_a_duplicate_email_refuses_the_whole_batch_with_409(portal: Portal) -> None:
    held = portal.create("contacts", email="taken@example.com")
    inputs = [
        {"properties": {"email": "fresh@example.com"}},
        {"properties": {"email": "Taken@example.com"}},
    ]
    status, body = _batch(portal, "contacts", "create", {"inputs": inputs})
    assert status == 409 and body["category"] == "CONFLICT"
    assert body["message"] == f"Contact already exists. Existing ID: {held['id']}"
    listed = portal.get("/crm/v3/objects/contacts").json()["results"]
    assert [r["id"] for r in listed] == [held["id"]]  # nothing of the batch was written


def test_more_than_100_inputs_is_400(portal: Portal) -> None:
    inputs = [{"properties": {"name": str(n)}} for n in range(101)]
    status, body = _batch(portal, "companies", "create", {"inputs": inputs})
    assert status == 400 and body["category"] == "VALIDATION_ERROR"
    assert portal.get("/crm/v3/objects/companies").json()["results"] == []


def test_a_bad_property_refuses_the_whole_batch(portal: Portal) -> None:
    inputs = [{"properties": {"name": "ok"}}, {"properties": {"erp_status": "Closed"}}]
    status, body = _batch(portal, "companies", "create", {"inputs": inputs})
    assert status == 400 and body["errors"][0]["code"] == "INVALID_OPTION"
