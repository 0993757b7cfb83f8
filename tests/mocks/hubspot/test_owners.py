"""The owners API and the owner property: the listing and lookups HubSpot documents
(developers.hubspot.com/docs/guides/api/crm/owners), and writes of `hubspot_owner_id`
checked against the portal's live owners like any enumeration's options."""

from __future__ import annotations

import pytest

from tests.mocks.hubspot.conftest import Portal

LIVE = ("41629779", "41629811", "52104466")
ARCHIVED = "60318852"


def test_owners_list_the_live_owners_with_their_fields(portal: Portal) -> None:
    response = portal.get("/crm/v3/owners/")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [o["id"] for o in body["results"]] == list(LIVE)
    assert "paging" not in body
    first = body["results"][0]
    assert first["type"] == "PERSON"
    assert isinstance(first["userId"], int) and str(first["userId"]) != first["id"]
    assert first["archived"] is False
    assert first["teams"] == [{"id": "178588", "name": "ERP Sales", "primary": True}]
    assert {"email", "firstName", "lastName", "createdAt", "updatedAt"} <= set(first)


def test_owners_archived_lists_only_the_archived(portal: Portal) -> None:
    body = portal.get("/crm/v3/owners", params={"archived": "true"}).json()
    assert [o["id"] for o in body["results"]] == [ARCHIVED]
    assert body["results"][0]["userId"] is None
    assert body["results"][0]["userIdIncludingInactive"] == 11275340


def test_owners_page_with_a_cursor(portal: Portal) -> None:
    first = portal.get("/crm/v3/owners", params={"limit": 2}).json()
    assert [o["id"] for o in first["results"]] == list(LIVE[:2])
    after = first["paging"]["next"]["after"]
    rest = portal.get("/crm/v3/owners", params={"limit": 2, "after": after}).json()
    assert [o["id"] for o in rest["results"]] == [LIVE[2]]
    assert "paging" not in rest


@pytest.mark.parametrize("limit", ["0", "501", "ten"], ids=["zero", "over-500", "not-a-number"])
def test_owners_refuse_a_bad_limit(portal: Portal, limit: str) -> None:
    response = portal.get("/crm/v3/owners", params={"limit": limit})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_owners_filter_by_email(portal: Portal) -> None:
    body = portal.get("/crm/v3/owners", params={"email": "Brook.Okafor@example.com"}).json()
    assert [o["id"] for o in body["results"]] == ["41629811"]


def test_owner_by_id_and_by_user_id(portal: Portal) -> None:
    by_id = portal.get(f"/crm/v3/owners/{LIVE[0]}")
    assert by_id.status_code == 200, by_id.text
    user_id = by_id.json()["userId"]
    by_user = portal.get(f"/crm/v3/owners/{user_id}", params={"idProperty": "userId"})
    assert by_user.status_code == 200, by_user.text
    assert by_user.json()["id"] == LIVE[0]
    assert portal.get(f"/crm/v3/owners/{user_id}").status_code == 404  # a user id is no owner id
    missing = portal.get("/crm/v3/owners/99999")
    assert missing.status_code == 404
    assert missing.json()["category"] == "OBJECT_NOT_FOUND"


def test_owner_archived_only_with_archived(portal: Portal) -> None:
    assert portal.get(f"/crm/v3/owners/{ARCHIVED}").status_code == 404
    found = portal.get(f"/crm/v3/owners/{ARCHIVED}", params={"archived": "true"})
    assert found.status_code == 200 and found.json()["archived"] is True


@pytest.mark.parametrize(
    ("owner", "params", "status"),
    [("abc", {}, 400), (LIVE[0], {"idProperty": "email"}, 400)],
    ids=["not-numeric", "bad-id-property"],
)
def test_owner_refusals(portal: Portal, owner: str, params: dict[str, str], status: int) -> None:
    assert portal.get(f"/crm/v3/owners/{owner}", params=params).status_code == status


def test_owners_need_a_token(portal: Portal) -> None:
    assert portal.get("/crm/v3/owners/").status_code == 200
    assert portal.client.get("/crm/v3/owners/").status_code == 401
    assert portal.client.get(f"/crm/v3/owners/{LIVE[0]}").status_code == 401


@pytest.mark.parametrize("obj", ["companies", "contacts", "deals"])
def test_owner_property_references_the_owners(portal: Portal, obj: str) -> None:
    prop = portal.get(f"/crm/v3/properties/{obj}/hubspot_owner_id").json()
    assert (prop["type"], prop["fieldType"]) == ("enumeration", "select")
    assert prop["referencedObjectType"] == "OWNER"
    assert prop["externalOptions"] is True
    assert [(o["value"], o["label"]) for o in prop["options"]] == [
        ("41629779", "Avery Lin"),
        ("41629811", "Brook Okafor"),
        ("52104466", "Casey Moreau"),
    ]
    other = portal.get(f"/crm/v3/properties/{obj}/createdate").json()
    assert "referencedObjectType" not in other


@pytest.mark.parametrize("obj", ["companies", "contacts", "deals"])
def test_write_with_a_live_owner_is_accepted(portal: Portal, obj: str) -> None:
    listed = portal.get("/crm/v3/owners", params={"email": "brook.okafor@example.com"}).json()
    owner = listed["results"][0]["id"]
    made = portal.create(obj, hubspot_owner_id=int(owner))  # a number is accepted too
    assert made["properties"]["hubspot_owner_id"] == owner


@pytest.mark.parametrize(
    "owner", ["99999", ARCHIVED, "9586504"], ids=["made-up", "archived", "a-user-id"]
)
def test_write_with_another_id_is_refused(portal: Portal, owner: str) -> None:
    response = portal.post(
        "/crm/v3/objects/contacts",
        json={"properties": {"email": "o@example.com", "hubspot_owner_id": owner}},
    )
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["code"] == "INVALID_OPTION"
    assert body["errors"][0]["in"] == "hubspot_owner_id"
    assert f"{owner} was not one of the allowed options" in body["message"]


def test_update_to_a_made_up_owner_is_refused(portal: Portal) -> None:
    made = portal.create("deals", dealname="Owned", hubspot_owner_id=LIVE[0])
    response = portal.patch(
        f"/crm/v3/objects/deals/{made['id']}", json={"properties": {"hubspot_owner_id": "1"}}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "INVALID_OPTION"
