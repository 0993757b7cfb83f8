"""Associations v4 (labelled, default, paged reads, removal, batches) and the v3 read, with
HubSpot's type ids and both directions kept together."""

from __future__ import annotations

from typing import Any

from tests.mocks.hubspot.conftest import Portal

V4 = "/crm/v4/objects/{}/{}/associations/{}"


def _pair(portal: Portal) -> tuple[dict[str, Any], dict[str, Any]]:
    return portal.create("contacts", email="c@example.com"), portal.create("companies", name="Co")


def test_labelled_create_is_201_and_both_ends_see_it(portal: Portal) -> None:
    contact, company = _pair(portal)
    spec = [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1},
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
    ]
    made = portal.put(
        V4.format("contacts", contact["id"], "companies") + f"/{company['id']}", json=spec
    )
    assert made.status_code == 201
    assert made.json() == {
        "fromObjectTypeId": "0-1",
        "fromObjectId": int(contact["id"]),
        "toObjectTypeId": "0-2",
        "toObjectId": int(company["id"]),
        "labels": ["Primary"],
    }
    back = portal.get(V4.format("companies", company["id"], "contacts")).json()["results"]
    assert back == [
        {
            "toObjectId": int(contact["id"]),
            "associationTypes": [
                {"category": "HUBSPOT_DEFINED", "typeId": 2, "label": "Primary"},
                {"category": "HUBSPOT_DEFINED", "typeId": 280, "label": None},
            ],
        }
    ]


def test_a_type_that_does_not_fit_the_pair_is_400(portal: Portal) -> None:
    contact, company = _pair(portal)
    spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 341}]
    response = portal.put(
        V4.format("contacts", contact["id"], "companies") + f"/{company['id']}", json=spec
    )
    assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR"


def test_default_create_answers_the_batch_shape_and_delete_removes_both_ways(
    portal: Portal,
) -> None:
    contact, company = _pair(portal)
    path = f"/crm/v4/objects/contact/{contact['id']}/associations/default/company/{company['id']}"
    made = portal.put(path)
    assert made.status_code == 200 and made.json()["status"] == "COMPLETE"
    assert made.json()["results"][0]["associationSpec"]["associationTypeId"] == 279
    v3 = portal.get(f"/crm/v3/objects/companies/{company['id']}/associations/contacts").json()
    assert v3["results"] == [{"id": contact["id"], "type": "company_to_contact_unlabeled"}]
    gone = portal.delete(V4.format("companies", company["id"], "contacts") + f"/{contact['id']}")
    assert gone.status_code == 204
    assert portal.get(V4.format("contacts", contact["id"], "companies")).json()["results"] == []


def test_a_missing_record_is_404(portal: Portal) -> None:
    contact, _ = _pair(portal)
    path = f"/crm/v4/objects/contacts/{contact['id']}/associations/default/companies/999"
    assert portal.put(path).status_code == 404


def test_batch_create_read_and_archive(portal: Portal) -> None:
    deal = portal.create("deals", dealname="D")
    lines = [portal.create("line_items", name=f"L{n}") for n in range(2)]
    types = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 19}]
    inputs = [
        {"from": {"id": deal["id"]}, "to": {"id": line["id"]}, "types": types} for line in lines
    ]
    made = portal.post(
        "/crm/v4/associations/deals/line_items/batch/create", json={"inputs": inputs}
    )
    assert made.status_code == 201 and len(made.json()["results"]) == 2
    read = portal.post(
        "/crm/v4/associations/deals/line_items/batch/read",
        json={"inputs": [{"id": deal["id"]}, {"id": "5"}]},
    )
    assert read.status_code == 207
    assert [t["toObjectId"] for t in read.json()["results"][0]["to"]] == [
        int(x["id"]) for x in lines
    ]
    assert read.json()["errors"][0]["context"]["ids"] == ["5"]
    gone = portal.post(
        "/crm/v4/associations/deals/line_items/batch/archive",
        json={"inputs": [{"from": {"id": deal["id"]}, "to": [{"id": lines[0]["id"]}]}]},
    )
    assert gone.status_code == 204
    left = portal.get(V4.format("line_items", lines[1]["id"], "deals")).json()["results"]
    assert left[0]["associationTypes"][0]["typeId"] == 20
    assert portal.get(V4.format("line_items", lines[0]["id"], "deals")).json()["results"] == []


def test_batch_default_associates_each_pair(portal: Portal) -> None:
    contact, company = _pair(portal)
    response = portal.post(
        "/crm/v4/associations/companies/contacts/batch/associate/default",
        json={"inputs": [{"from": {"id": company["id"]}, "to": {"id": contact["id"]}}]},
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["associationSpec"]["associationTypeId"] == 280


def test_an_unknown_object_type_is_400(portal: Portal) -> None:
    response = portal.get("/crm/v4/objects/widgets/1/associations/companies")
    assert response.status_code == 400
    assert response.json()["message"] == "Unable to infer object type from: widgets"
