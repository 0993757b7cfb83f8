"""The properties API: definitions with type, fieldType, options and hasUniqueValue, and a
custom property created at runtime that writes and unique upserts then accept; HubSpot's
refusals of bad definitions, and archived properties."""

from __future__ import annotations

import pytest

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


def _definition(**overrides: object) -> dict[str, object]:
    return {
        "name": "legacy_code",
        "label": "Legacy code",
        "type": "string",
        "fieldType": "text",
        "groupName": "contactinformation",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "Bad Name!"}, "name"),
        ({"name": "LegacyCode"}, "name"),
        ({"name": "1st_code"}, "name"),
        ({"name": "a" * 101}, "name"),
        ({"groupName": "no_such_group"}, "groupName"),
        ({"type": "number", "fieldType": "booleancheckbox"}, "fieldType"),
        ({"type": "string", "fieldType": "select"}, "fieldType"),
        ({"type": "bool", "fieldType": "radio"}, "fieldType"),
        ({"type": "datetime", "fieldType": "text"}, "fieldType"),
    ],
    ids=[
        "punctuation",
        "capitals",
        "leading-digit",
        "over-100",
        "unknown-group",
        "number-booleancheckbox",
        "string-select",
        "bool-radio",
        "datetime-text",
    ],
)
def test_a_definition_hubspot_refuses_is_400(
    portal: Portal, overrides: dict[str, object], field: str
) -> None:
    """HubSpot's properties guide lists each type's valid fieldType values, enforced on v3
    since Feb 2021 (developers.hubspot.com/changelog/crm-object-property-validattion);
    names are lowercase letters, digits and underscores from a letter (v1 property docs)."""
    response = portal.post("/crm/v3/properties/contacts", json=_definition(**overrides))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["category"] == "VALIDATION_ERROR" and body["correlationId"]
    assert [e["in"] for e in body["errors"]] == [field]
    assert portal.get("/crm/v3/properties/contacts/legacy_code").status_code == 404


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("enumeration", "booleancheckbox", "text"),
        ("bool", "booleancheckbox", "select"),
        ("string", "phonenumber", "number"),
        ("number", "number", "text"),
        ("date", "date", "datetime"),
        ("datetime", "date", "booleancheckbox"),
    ],
)
def test_each_type_takes_its_own_field_types(
    portal: Portal, kind: str, good: str, bad: str
) -> None:
    """Both halves of the guide's table: the valid pair is 201, another fieldType is 400."""
    options = [{"label": "Yes", "value": "true"}, {"label": "No", "value": "false"}]
    wrong = _definition(name="wrong_pair", type=kind, fieldType=bad, options=options)
    assert portal.post("/crm/v3/properties/contacts", json=wrong).status_code == 400
    right = _definition(type=kind, fieldType=good, options=options)
    assert portal.post("/crm/v3/properties/contacts", json=right).status_code == 201


def test_archived_true_lists_the_archived_properties_only(portal: Portal) -> None:
    made = portal.post("/crm/v3/properties/deals", json=_definition(groupName="dealinformation"))
    assert made.status_code == 201, made.text
    assert portal.get("/crm/v3/properties/deals", params={"archived": "true"}).json() == {
        "results": []
    }
    assert portal.delete("/crm/v3/properties/deals/legacy_code").status_code == 204
    archived = portal.get("/crm/v3/properties/deals", params={"archived": "true"}).json()
    assert [(p["name"], p["archived"]) for p in archived["results"]] == [("legacy_code", True)]
    assert archived["results"][0]["archivedAt"]
    live = {p["name"] for p in portal.get("/crm/v3/properties/deals").json()["results"]}
    assert "legacy_code" not in live and "dealname" in live
    assert portal.get("/crm/v3/properties/deals/legacy_code").status_code == 404
    one = portal.get("/crm/v3/properties/deals/legacy_code", params={"archived": "true"})
    assert one.json()["archived"] is True
    write = portal.post("/crm/v3/objects/deals", json={"properties": {"legacy_code": "x"}})
    assert write.status_code == 400


def test_a_hubspot_defined_property_cannot_be_archived(portal: Portal) -> None:
    assert portal.delete("/crm/v3/properties/deals/dealname").status_code == 400
    assert portal.delete("/crm/v3/properties/deals/no_such_property").status_code == 404


def test_industry_takes_hubspots_internal_values_not_their_labels(portal: Portal) -> None:
    """HubSpot's company `industry` is an enumeration of internal values (`COMPUTER_SOFTWARE`,
    shown as "Computer Software"); the API writes the value, and a label is an unknown
    option (a sync writing "Technology" fails in production)."""
    industry = portal.get("/crm/v3/properties/companies/industry").json()
    options = {o["value"]: o["label"] for o in industry["options"]}
    assert options["COMPUTER_SOFTWARE"] == "Computer Software"
    assert options["INFORMATION_TECHNOLOGY_AND_SERVICES"] == "Information Technology and Services"
    assert len(options) > 140 and all(v == v.upper() for v in options)
    made = portal.create("companies", name="Soft Co", industry="COMPUTER_SOFTWARE")
    assert made["properties"]["industry"] == "COMPUTER_SOFTWARE"
    refused = portal.post(
        "/crm/v3/objects/companies", json={"properties": {"name": "X", "industry": "Technology"}}
    )
    assert refused.status_code == 400 and "INVALID_OPTION" in refused.text


def test_seeded_companies_hold_industry_values_hubspot_knows(seeded: Portal) -> None:
    values = {o["value"] for o in seeded.get("/crm/v3/properties/companies/industry").json()[
        "options"]}  # fmt: skip
    page = seeded.get("/crm/v3/objects/companies", params={"properties": "industry", "limit": 100})
    held = [r["properties"].get("industry") for r in page.json()["results"]]
    assert any(held) and {h for h in held if h} <= values


def test_every_world_industry_is_seeded_as_an_option_hubspot_has() -> None:
    """`hubspot_industry` turns a name it does not know into no value: each industry the
    world can draw must have an option, or seeded companies would lose it silently."""
    from mocks.hubspot.schema.industries import INDUSTRY_VALUES, hubspot_industry
    from mocks.world.pools import INDUSTRIES

    assert all(hubspot_industry(name) in INDUSTRY_VALUES for name in INDUSTRIES)
