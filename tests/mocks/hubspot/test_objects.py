"""CRM v3 objects: list paging, properties, associations and archived records; get by id
and by a unique property; create, update, archive and merge with HubSpot's status codes."""

from __future__ import annotations

from typing import Any

from mocks.hubspot.ids import make_id
from tests.mocks.hubspot.conftest import Portal


def test_list_pages_to_the_end_and_the_last_page_has_no_paging(seeded: Portal) -> None:
    ids, after, pages = [], None, 0
    while pages < 20:
        params = {"limit": 5, **({"after": after} if after else {})}
        body = seeded.get("/crm/v3/objects/companies", params=params).json()
        ids += [r["id"] for r in body["results"]]
        pages += 1
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
    assert ids == [make_id("companies", n) for n in range(1, 13)]
    assert pages == 3


def test_list_returns_default_properties_and_stamps_as_strings(seeded: Portal) -> None:
    row = seeded.get("/crm/v3/objects/contacts", params={"limit": 1}).json()["results"][0]
    assert set(row["properties"]) == {
        "firstname",
        "lastname",
        "email",
        "createdate",
        "lastmodifieddate",
        "hs_object_id",
    }
    assert row["properties"]["hs_object_id"] == row["id"] and row["id"].isdigit()
    assert row["createdAt"].endswith("Z") and len(row["createdAt"]) == 24
    assert all(v is None or isinstance(v, str) for v in row["properties"].values())


def test_repeated_properties_and_associations_params(seeded: Portal) -> None:
    params = [
        ("properties", "name"),
        ("properties", "numberofemployees"),
        ("limit", "1"),
        ("associations", "contacts"),
    ]
    row = seeded.get("/crm/v3/objects/companies", params=params).json()["results"][0]
    assert row["properties"]["numberofemployees"].isdigit()
    links = row["associations"]["contacts"]["results"]
    assert {"type": "company_to_contact_unlabeled", "id": links[0]["id"]} in links


def test_limit_over_100_is_refused(portal: Portal) -> None:
    response = portal.get("/crm/v3/objects/companies", params={"limit": 101})
    assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR"


def test_get_by_id_by_unique_property_and_404(portal: Portal) -> None:
    made = portal.create("contacts", email="Ada@Example.com", firstname="Ada")
    by_id = portal.get(f"/crm/v3/objects/contacts/{made['id']}").json()
    by_email = portal.get(
        "/crm/v3/objects/contacts/ada@example.com", params={"idProperty": "email"}
    ).json()
    missing = portal.get("/crm/v3/objects/contacts/999")
    assert by_id["id"] == by_email["id"] == made["id"]
    assert by_id["properties"]["email"] == "ada@example.com"  # HubSpot lower-cases emails
    assert missing.status_code == 404 and missing.json()["category"] == "OBJECT_NOT_FOUND"


def test_create_with_associations_update_and_archive(portal: Portal) -> None:
    company = portal.create("companies", name="Acme", domain="acme.example")
    body = {
        "properties": {"email": "bo@acme.example"},
        "associations": [
            {
                "to": {"id": company["id"]},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
            }
        ],
    }
    contact = portal.post("/crm/v3/objects/contacts", json=body)
    assert contact.status_code == 201
    cid = contact.json()["id"]
    links = portal.get(f"/crm/v3/objects/contacts/{cid}/associations/companies").json()
    assert links["results"] == [{"id": company["id"], "type": "contact_to_company_unlabeled"}]
    portal.clock.tick(5)
    patched = portal.patch(
        f"/crm/v3/objects/companies/{company['id']}", json={"properties": {"numberofemployees": 12}}
    )
    assert patched.status_code == 200
    assert patched.json()["properties"]["numberofemployees"] == "12"
    assert patched.json()["updatedAt"] > company["updatedAt"]
    gone = portal.delete(f"/crm/v3/objects/companies/{company['id']}")
    assert gone.status_code == 204 and gone.content == b""
    assert portal.get(f"/crm/v3/objects/companies/{company['id']}").status_code == 404
    archived = portal.get("/crm/v3/objects/companies", params={"archived": "true"}).json()
    assert [r["id"] for r in archived["results"]] == [company["id"]]
    assert archived["results"][0]["archived"] is True and "archivedAt" in archived["results"][0]
    assert portal.get("/crm/v3/objects/companies").json()["results"] == []


def test_merge_makes_a_new_record_that_both_old_ids_lead_to(portal: Portal) -> None:
    """HubSpot's merge of contacts and companies makes a record with a new id, the primary's
    values current and the other's filling the gaps; a read by either old id answers the
    merged record under its new id (developers.hubspot.com/changelog/
    updated-merge-functionality-for-contacts-and-companies)."""
    first = portal.create("companies", name="Acme", domain="acme.example")
    second = portal.create("companies", name="ACME Inc", phone="+1 555 0100")
    answer = portal.post(
        "/crm/v3/objects/companies/merge",
        json={"primaryObjectId": first["id"], "objectIdToMerge": second["id"]},
    )
    assert answer.status_code == 200
    merged = answer.json()
    assert merged["id"] not in (first["id"], second["id"])
    for old in (first["id"], second["id"]):
        read = portal.get(
            f"/crm/v3/objects/companies/{old}",
            params={"properties": "name,phone,domain,hs_merged_object_ids"},
        ).json()
        assert read["id"] == merged["id"]
        assert (read["properties"]["name"], read["properties"]["phone"]) == (
            "Acme", "+1 555 0100")  # fmt: skip
        assert read["properties"]["domain"] == "acme.example"
        assert read["properties"]["hs_merged_object_ids"] == f"{first['id']};{second['id']}"
    listed = portal.get("/crm/v3/objects/companies").json()["results"]
    assert [r["id"] for r in listed] == [merged["id"]]
    batch = portal.post(
        "/crm/v3/objects/companies/batch/read", json={"inputs": [{"id": second["id"]}]}
    ).json()
    assert [r["id"] for r in batch["results"]] == [merged["id"]]


def test_a_merged_record_merged_again_keeps_every_old_id_working(portal: Portal) -> None:
    a, b, c = (portal.create("companies", name=n) for n in ("A", "B", "C"))

    def merge(primary: str, other: str) -> dict[str, Any]:
        body = {"primaryObjectId": primary, "objectIdToMerge": other}
        return dict(portal.post("/crm/v3/objects/companies/merge", json=body).json())

    first = merge(a["id"], b["id"])
    second = merge(c["id"], first["id"])
    for old in (a["id"], b["id"], c["id"], first["id"]):
        read = portal.get(f"/crm/v3/objects/companies/{old}").json()
        assert read["id"] == second["id"] and read["properties"]["name"] == "C"
    archived = portal.get(f"/crm/v3/objects/companies/{a['id']}", params={"archived": "true"})
    assert archived.status_code == 404  # merged away, not archived


def test_validation_lists_every_bad_property(portal: Portal) -> None:
    props = {
        "nope": "x",
        "lifecyclestage": "king",
        "numberofemployees": "many",
        "annualrevenue": "lots",
        "description": "x" * 65_537,
    }
    response = portal.post("/crm/v3/objects/companies", json={"properties": props})
    body = response.json()
    codes = {e["in"]: e["code"] for e in body["errors"]}
    assert response.status_code == 400 and body["category"] == "VALIDATION_ERROR"
    assert codes == {
        "nope": "PROPERTY_DOESNT_EXIST",
        "lifecyclestage": "INVALID_OPTION",
        "numberofemployees": "INVALID_INTEGER",
        "annualrevenue": "INVALID_DECIMAL",
        "description": "INVALID_LONG_STRING",
    }
    assert body["message"].startswith("Property values were not valid: [")


def test_an_invalid_email_and_a_read_only_property_are_refused(portal: Portal) -> None:
    bad = portal.post(
        "/crm/v3/objects/contacts", json={"properties": {"email": "a@@b", "lastmodifieddate": "1"}}
    ).json()
    assert {e["code"] for e in bad["errors"]} == {"INVALID_EMAIL", "READ_ONLY_VALUE"}


def test_a_duplicate_email_is_409_with_the_existing_id(portal: Portal) -> None:
    first = portal.create("contacts", email="dup@example.com")
    again = portal.post(
        "/crm/v3/objects/contacts", json={"properties": {"email": "DUP@example.com"}}
    )
    assert again.status_code == 409
    assert again.json()["category"] == "CONFLICT"
    assert again.json()["message"] == f"Contact already exists. Existing ID: {first['id']}"


def test_a_duplicate_unique_custom_property_is_409(portal: Portal) -> None:
    first = portal.create("companies", name="A", erp_customer_id="C-1")
    other = portal.create("companies", name="B")
    clash = portal.patch(
        f"/crm/v3/objects/companies/{other['id']}", json={"properties": {"erp_customer_id": "C-1"}}
    )
    assert clash.status_code == 409
    assert clash.json()["message"].endswith(f"Existing ID: {first['id']}")


def test_a_deal_merge_keeps_the_primary_and_its_id(portal: Portal) -> None:
    """HubSpot's new-id merge covers contacts and companies; a deal merge keeps the primary."""
    first = portal.create("deals", dealname="Big deal", pipeline="default", dealstage="closedwon")
    second = portal.create("deals", dealname="Big deal twin", pipeline="default",
                           dealstage="closedwon", amount="100")  # fmt: skip
    body = {"primaryObjectId": first["id"], "objectIdToMerge": second["id"]}
    merged = portal.post("/crm/v3/objects/deals/merge", json=body).json()
    assert merged["id"] == first["id"]
    read = portal.get(f"/crm/v3/objects/deals/{second['id']}", params={"properties": "amount"})
    assert read.json()["id"] == first["id"] and read.json()["properties"]["amount"] == "100"
