"""The record service: create, read, update, upsert and delete customers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from mocks.store import RecordStore
from tests.mocks.netsuite.support import CUSTOMERS, Clock, TestClient

ADDRESS = {
    "defaultBilling": True,
    "defaultShipping": False,
    "label": "HQ",
    "addressBookAddress": {
        "addr1": "1 Main St",
        "addr2": "Suite 5",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
        "country": "US",
    },
}


def test_create_answers_204_with_location_and_no_body(client: TestClient) -> None:
    response = client.post(CUSTOMERS, json={"companyName": "Acme", "subsidiary": {"id": "1"}})
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["Location"] == f"http://testserver{CUSTOMERS}/1"


def test_ids_are_sequential_per_type(make_customer: Callable[..., str]) -> None:
    assert [make_customer(), make_customer(), make_customer()] == ["1", "2", "3"]


def test_get_renders_fields_references_and_timestamps(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    new_id = make_customer(email="ap@acme.example", creditLimit=1500, currency={"id": "1"})
    body = client.get(f"{CUSTOMERS}/{new_id}").json()
    assert body["id"] == new_id
    assert body["links"] == [{"rel": "self", "href": f"http://testserver{CUSTOMERS}/{new_id}"}]
    assert body["entityId"] == "CUST1001"
    assert body["companyName"] == "Acme Corp"
    assert body["isPerson"] is False and body["isInactive"] is False
    assert body["creditLimit"] == 1500 and body["balance"] == 0
    assert body["subsidiary"] == {
        "id": "1",
        "refName": "Harness Parent Inc.",
        "links": [
            {"rel": "self", "href": "http://testserver/services/rest/record/v1/subsidiary/1"}
        ],
    }
    assert body["currency"]["refName"] == "US Dollar"
    assert body["dateCreated"] == "2024-01-15T10:22:00Z"
    assert body["lastModifiedDate"] == "2024-01-15T10:22:00Z"
    assert "phone" not in body  # empty fields are left out


def test_explicit_entity_id_is_kept(client: TestClient, make_customer: Callable[..., str]) -> None:
    new_id = make_customer(entityId="ACME-1")
    assert client.get(f"{CUSTOMERS}/{new_id}").json()["entityId"] == "ACME-1"


def test_address_book_is_a_link_unless_expanded(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    new_id = make_customer(addressBook={"items": [ADDRESS]})
    href = f"http://testserver{CUSTOMERS}/{new_id}/addressBook"
    plain = client.get(f"{CUSTOMERS}/{new_id}").json()
    assert plain["addressBook"] == {"links": [{"rel": "self", "href": href}]}
    expanded = client.get(f"{CUSTOMERS}/{new_id}", params={"expandSubResources": "true"}).json()
    (item,) = expanded["addressBook"]["items"]
    assert item["defaultBilling"] is True and item["label"] == "HQ"
    address = item["addressBookAddress"]
    assert address["city"] == "Springfield" and address["country"] == "US"
    assert address["addrText"] == "1 Main St\nSuite 5\nSpringfield IL 62701\nUnited States"
    assert expanded["addressBook"]["totalResults"] == 1


def test_sublist_route_serves_the_expanded_sublist(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    new_id = make_customer(addressBook={"items": [ADDRESS, ADDRESS]})
    body = client.get(f"{CUSTOMERS}/{new_id}/addressBook").json()
    assert body["count"] == 2 and len(body["items"]) == 2


def test_fields_parameter_limits_the_properties(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    new_id = make_customer(email="ap@acme.example")
    body = client.get(f"{CUSTOMERS}/{new_id}", params={"fields": "companyName,EMAIL"}).json()
    assert set(body) == {"links", "id", "companyName", "email"}


def test_get_by_external_id(client: TestClient, make_customer: Callable[..., str]) -> None:
    new_id = make_customer(externalId="CRM-001")
    body = client.get(f"{CUSTOMERS}/eid:CRM-001").json()
    assert body["id"] == new_id and body["externalId"] == "CRM-001"


def test_patch_updates_fields_and_bumps_last_modified(
    client: TestClient, make_customer: Callable[..., str], clock: Clock
) -> None:
    new_id = make_customer(phone="555-0100")
    clock.now += timedelta(minutes=5)
    response = client.patch(f"{CUSTOMERS}/{new_id}", json={"companyName": "Acme Renamed"})
    assert response.status_code == 204 and response.content == b""
    body = client.get(f"{CUSTOMERS}/{new_id}").json()
    assert body["companyName"] == "Acme Renamed"
    assert body["phone"] == "555-0100"
    assert body["dateCreated"] == "2024-01-15T10:22:00Z"
    assert body["lastModifiedDate"] == "2024-01-15T10:27:00Z"


def test_patch_null_clears_a_field(client: TestClient, make_customer: Callable[..., str]) -> None:
    new_id = make_customer(phone="555-0100")
    client.patch(f"{CUSTOMERS}/{new_id}", json={"phone": None})
    assert "phone" not in client.get(f"{CUSTOMERS}/{new_id}").json()


def test_patch_replaces_the_address_book(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    new_id = make_customer(addressBook={"items": [ADDRESS, ADDRESS]})
    moved = {"addressBookAddress": {"city": "Shelbyville", "country": "US"}}
    client.patch(f"{CUSTOMERS}/{new_id}", json={"addressBook": {"items": [moved]}})
    body = client.get(f"{CUSTOMERS}/{new_id}/addressBook").json()
    assert [i["addressBookAddress"]["city"] for i in body["items"]] == ["Shelbyville"]


def test_patch_by_external_id(client: TestClient, make_customer: Callable[..., str]) -> None:
    new_id = make_customer(externalId="CRM-7")
    assert (
        client.patch(f"{CUSTOMERS}/eid:CRM-7", json={"url": "https://a.example"}).status_code == 204
    )
    assert client.get(f"{CUSTOMERS}/{new_id}").json()["url"] == "https://a.example"


def test_upsert_creates_then_updates(client: TestClient) -> None:
    body = {"companyName": "Upsert Co", "subsidiary": {"id": "2"}}
    created = client.put(f"{CUSTOMERS}/eid:CRM-42", json=body)
    assert created.status_code == 204
    assert created.headers["Location"] == f"http://testserver{CUSTOMERS}/1"
    updated = client.put(f"{CUSTOMERS}/eid:CRM-42", json={"companyName": "Upsert Co 2"})
    assert updated.status_code == 204
    assert updated.headers["Location"] == f"http://testserver{CUSTOMERS}/1"
    record = client.get(f"{CUSTOMERS}/eid:CRM-42").json()
    assert record["companyName"] == "Upsert Co 2"
    assert record["subsidiary"]["id"] == "2"
    assert record["externalId"] == "CRM-42"
    assert client.get(CUSTOMERS).json()["totalResults"] == 1


def test_delete_answers_204_then_404_and_stays_in_the_change_feed(
    client: TestClient, make_customer: Callable[..., str], store: RecordStore
) -> None:
    new_id = make_customer(externalId="CRM-9")
    response = client.delete(f"{CUSTOMERS}/{new_id}")
    assert response.status_code == 204 and response.content == b""
    assert client.get(f"{CUSTOMERS}/{new_id}").status_code == 404
    assert client.get(f"{CUSTOMERS}/eid:CRM-9").status_code == 404
    kinds = [(c.id, c.kind) for c in store.changes(obj="customer")]
    assert kinds == [(new_id, "create"), (new_id, "delete")]


def test_external_id_is_free_again_after_delete(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    first = make_customer(externalId="CRM-5")
    client.delete(f"{CUSTOMERS}/{first}")
    second = make_customer(externalId="CRM-5")
    assert second != first
    assert client.get(f"{CUSTOMERS}/eid:CRM-5").json()["id"] == second


def test_delete_by_external_id(client: TestClient, make_customer: Callable[..., str]) -> None:
    make_customer(externalId="CRM-10")
    assert client.delete(f"{CUSTOMERS}/eid:CRM-10").status_code == 204
    assert client.get(CUSTOMERS).json()["totalResults"] == 0


def test_individual_needs_no_company_name(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    new_id = make_customer(companyName=None, isPerson=True, firstName="Ada", lastName="Lovelace")
    body = client.get(f"{CUSTOMERS}/{new_id}").json()
    assert body["isPerson"] is True and "companyName" not in body


def test_subsidiaries_are_seeded_and_readable(client: TestClient) -> None:
    listing = client.get("/services/rest/record/v1/subsidiary").json()
    assert [i["id"] for i in listing["items"]] == ["1", "2", "3", "4", "5"]
    uk = client.get("/services/rest/record/v1/subsidiary/2").json()
    assert uk["name"] == "Harness UK Ltd" and uk["country"] == "GB"
    assert uk["currency"]["refName"] == "British pound"


def test_reference_by_external_id_is_resolved(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    client.patch("/services/rest/record/v1/subsidiary/3", json={"externalId": "SUB-DE"})
    new_id = make_customer(subsidiary={"externalId": "SUB-DE"})
    assert client.get(f"{CUSTOMERS}/{new_id}").json()["subsidiary"]["id"] == "3"


def test_record_type_matches_case_insensitively_and_trailing_slash_is_fine(
    client: TestClient, make_customer: Callable[..., str]
) -> None:
    make_customer()
    assert client.get("/services/rest/record/v1/Customer/").json()["totalResults"] == 1
