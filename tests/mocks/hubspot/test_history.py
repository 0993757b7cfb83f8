"""`propertiesWithHistory` on list, get and batch read: each named property's versions
`{value, timestamp, sourceType, sourceId?, updatedByUserId?}`, newest first, and list pages of
at most 50 when it is asked.

Shapes from HubSpot's recorded answers: a batch read (ballerina-platform/
module-ballerinax-hubspot.crm.object.products, ballerina/tests/mock_service.bal: API writes
are `sourceType: INTEGRATION` with the app's id, and history properties stay out of
`properties` when `properties` is given) and a list (HubSpot/hubspot-api-nodejs#154: with
only `propertiesWithHistory`, `properties` holds those and the stamps, no defaults)."""

from __future__ import annotations

from typing import Any

from mocks.hubspot.config import HubSpotMockConfig
from tests.mocks.hubspot.conftest import Portal

API = {"sourceType": "INTEGRATION", "sourceId": str(HubSpotMockConfig().app_id)}


def _written_twice(portal: Portal) -> str:
    made = portal.create("contacts", firstname="Ann", email="ann@example.com")
    portal.clock.advance(seconds=5)
    changed = portal.patch(
        f"/crm/v3/objects/contacts/{made['id']}", json={"properties": {"firstname": "Bea"}}
    )
    assert changed.status_code == 200, changed.text
    return str(made["id"])


def _versions(body: dict[str, Any], name: str) -> list[tuple[str, str]]:
    return [(v["value"], v["timestamp"]) for v in body["propertiesWithHistory"][name]]


def test_get_by_id_returns_each_version_newest_first(portal: Portal) -> None:
    record = _written_twice(portal)
    body = portal.get(
        f"/crm/v3/objects/contacts/{record}",
        params={"propertiesWithHistory": "firstname,no_such_property"},
    ).json()
    assert _versions(body, "firstname") == [
        ("Bea", "2024-01-15T10:00:05.000Z"),
        ("Ann", "2024-01-15T10:00:00.000Z"),
    ]
    assert all({**v, **API} == v for v in body["propertiesWithHistory"]["firstname"])
    assert set(body["propertiesWithHistory"]) == {"firstname"}  # unknown names ignored
    assert set(body["properties"]) == {
        "firstname",
        "createdate",
        "lastmodifieddate",
        "hs_object_id",
    }


def test_list_returns_history_and_a_property_never_set_is_left_out(portal: Portal) -> None:
    _written_twice(portal)
    rows = portal.get(
        "/crm/v3/objects/contacts",
        params=[("propertiesWithHistory", "firstname"), ("propertiesWithHistory", "phone")],
    ).json()["results"]
    assert _versions(rows[0], "firstname")[0] == ("Bea", "2024-01-15T10:00:05.000Z")
    assert "phone" not in rows[0]["propertiesWithHistory"]


def test_batch_read_returns_history_apart_from_properties(portal: Portal) -> None:
    record = _written_twice(portal)
    body = portal.post(
        "/crm/v3/objects/contacts/batch/read",
        json={
            "inputs": [{"id": record}],
            "properties": ["email"],
            "propertiesWithHistory": ["firstname"],
        },
    ).json()
    row = body["results"][0]
    assert "firstname" not in row["properties"] and row["properties"]["email"]
    assert [v for v, _ in _versions(row, "firstname")] == ["Bea", "Ann"]


def test_a_cleared_value_is_a_version_and_an_unchanged_one_is_not(portal: Portal) -> None:
    record = _written_twice(portal)
    path = f"/crm/v3/objects/contacts/{record}"
    portal.clock.advance(seconds=5)
    portal.patch(path, json={"properties": {"firstname": "Bea", "lastname": "Cole"}})
    portal.patch(path, json={"properties": {"firstname": ""}})
    body = portal.get(path, params={"propertiesWithHistory": "firstname"}).json()
    assert [v for v, _ in _versions(body, "firstname")] == ["", "Bea", "Ann"]


def test_a_seeded_record_shows_its_value_as_one_import_version(seeded: Portal) -> None:
    row = seeded.get(
        "/crm/v3/objects/companies", params={"limit": 1, "propertiesWithHistory": "name"}
    ).json()["results"][0]
    (version,) = row["propertiesWithHistory"]["name"]
    assert version["value"] == row["properties"]["name"]
    assert version["sourceType"] == "IMPORT" and version["timestamp"] == row["createdAt"]


def test_a_users_edit_is_a_crm_ui_version(portal: Portal) -> None:
    record = _written_twice(portal)
    edit = portal.admin(
        "POST",
        "/webhooks/edits",
        json={"objectType": "contacts", "id": record, "properties": {"firstname": "Cy"}},
    )
    assert edit.status_code == 200, edit.text
    body = portal.get(
        f"/crm/v3/objects/contacts/{record}", params={"propertiesWithHistory": "firstname"}
    ).json()
    newest = body["propertiesWithHistory"]["firstname"][0]
    assert newest["value"] == "Cy" and newest["sourceType"] == "CRM_UI"
    assert newest["sourceId"] == "userId:1" and newest["updatedByUserId"] == 1


def test_a_list_page_over_50_with_history_is_400(portal: Portal) -> None:
    """HubSpot/hubspot-api-python#143: `get_all` asked 100 with history and got a 400."""
    asked = {"propertiesWithHistory": "firstname"}
    refused = portal.get("/crm/v3/objects/contacts", params={**asked, "limit": 51})
    assert refused.status_code == 400
    assert refused.json()["category"] == "VALIDATION_ERROR"
    assert portal.get("/crm/v3/objects/contacts", params={**asked, "limit": 50}).is_success
    assert portal.get("/crm/v3/objects/contacts", params={"limit": 100}).is_success


def test_a_property_shows_at_most_the_newest_versions(portal: Portal) -> None:
    """Versions are kept per write and shown newest first, `KEEP` at the most a property."""
    from mocks.hubspot.history import KEEP

    made = portal.create("companies", name="v0")
    for n in range(1, KEEP + 5):
        response = portal.patch(
            f"/crm/v3/objects/companies/{made['id']}", json={"properties": {"name": f"v{n}"}}
        )
        assert response.status_code == 200, response.text
    read = portal.get(
        f"/crm/v3/objects/companies/{made['id']}", params={"propertiesWithHistory": "name"}
    ).json()
    values = [v["value"] for v in read["propertiesWithHistory"]["name"]]
    assert values == [f"v{n}" for n in range(KEEP + 4, 4, -1)]
