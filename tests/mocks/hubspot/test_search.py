"""Search: every operator, typed comparisons, sorts in both forms, paging by offset with a
total, the result cap, HubSpot's filter-count limits and late visibility of writes."""

from __future__ import annotations

from typing import Any

import pytest

from mocks.hubspot.schema.values import millis
from tests.mocks.hubspot.conftest import Portal

SEARCH = "/crm/v3/objects/{}/search"


def _search(portal: Portal, obj: str, **body: Any) -> dict[str, Any]:
    response = portal.post(SEARCH.format(obj), json=body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _one(prop: str, operator: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"filters": [{"propertyName": prop, "operator": operator, **extra}]}]


@pytest.fixture
def companies(portal: Portal) -> Portal:
    for name, employees, domain in (
        ("Alpha Tools", 5, "alpha.example"),
        ("Beta Works", 50, "beta.example"),
        ("Gamma Tools", 500, None),
    ):
        portal.create("companies", name=name, numberofemployees=employees, domain=domain)
        portal.clock.tick(60)
    return portal


@pytest.mark.parametrize(
    ("prop", "operator", "extra", "names"),
    [
        ("name", "EQ", {"value": "alpha tools"}, ["Alpha Tools"]),
        ("name", "NEQ", {"value": "Alpha Tools"}, ["Beta Works", "Gamma Tools"]),
        ("numberofemployees", "GT", {"value": "9"}, ["Beta Works", "Gamma Tools"]),
        ("numberofemployees", "GTE", {"value": 50}, ["Beta Works", "Gamma Tools"]),
        ("numberofemployees", "LT", {"value": "50"}, ["Alpha Tools"]),
        ("numberofemployees", "LTE", {"value": "50"}, ["Alpha Tools", "Beta Works"]),
        (
            "numberofemployees",
            "BETWEEN",
            {"value": "6", "highValue": "500"},
            ["Beta Works", "Gamma Tools"],
        ),
        ("name", "IN", {"values": ["beta works", "gamma tools"]}, ["Beta Works", "Gamma Tools"]),
        ("name", "NOT_IN", {"values": ["beta works"]}, ["Alpha Tools", "Gamma Tools"]),
        ("domain", "HAS_PROPERTY", {}, ["Alpha Tools", "Beta Works"]),
        ("domain", "NOT_HAS_PROPERTY", {}, ["Gamma Tools"]),
        ("name", "CONTAINS_TOKEN", {"value": "tools"}, ["Alpha Tools", "Gamma Tools"]),
        ("name", "NOT_CONTAINS_TOKEN", {"value": "tools"}, ["Beta Works"]),
        ("domain", "CONTAINS_TOKEN", {"value": "*.example"}, ["Alpha Tools", "Beta Works"]),
    ],
)
def test_operators(
    companies: Portal, prop: str, operator: str, extra: dict[str, Any], names: list[str]
) -> None:
    body = _search(companies, "companies", filterGroups=_one(prop, operator, **extra))
    assert [r["properties"]["name"] for r in body["results"]] == names
    assert body["total"] == len(names)


def test_datetime_filters_take_epoch_ms_or_iso(companies: Portal) -> None:
    first = _search(companies, "companies", limit=1)["results"][0]["properties"]
    stamp = first["hs_lastmodifieddate"]

    by_ms = _search(
        companies,
        "companies",
        filterGroups=_one("hs_lastmodifieddate", "GT", value=str(millis(stamp))),
    )
    by_iso = _search(
        companies, "companies", filterGroups=_one("hs_lastmodifieddate", "GT", value=stamp)
    )
    assert by_ms["total"] == by_iso["total"] == 2


def test_filter_groups_are_ored(companies: Portal) -> None:
    groups = [*_one("name", "EQ", value="Alpha Tools"), *_one("name", "EQ", value="Beta Works")]
    assert _search(companies, "companies", filterGroups=groups)["total"] == 2


def test_sorts_in_object_and_string_form(companies: Portal) -> None:
    down = _search(
        companies,
        "companies",
        sorts=[{"propertyName": "numberofemployees", "direction": "DESCENDING"}],
    )
    up = _search(companies, "companies", sorts=["numberofemployees"])
    minus = _search(companies, "companies", sorts=["-numberofemployees"])
    names = [r["properties"]["name"] for r in down["results"]]
    assert names == ["Gamma Tools", "Beta Works", "Alpha Tools"]
    assert [r["properties"]["name"] for r in up["results"]] == names[::-1]
    assert [r["properties"]["name"] for r in minus["results"]] == names


def test_paging_by_offset_with_total_and_no_paging_at_the_end(companies: Portal) -> None:
    first = _search(companies, "companies", limit=2, properties=["name"])
    assert first["total"] == 3 and first["paging"]["next"]["after"] == "2"
    last = _search(companies, "companies", limit=2, after=first["paging"]["next"]["after"])
    assert len(last["results"]) == 1 and "paging" not in last


def test_query_searches_the_text_properties(companies: Portal) -> None:
    assert _search(companies, "companies", query="gamma")["total"] == 1


def test_the_result_cap_refuses_a_page_past_it(companies: Portal) -> None:
    companies.settings(search_result_cap=2)
    first = _search(companies, "companies", limit=2)
    assert first["total"] == 3 and first["paging"]["next"]["after"] == "2"
    past = companies.post(SEARCH.format("companies"), json={"limit": 2, "after": "2"})
    assert past.status_code == 400 and past.json()["category"] == "VALIDATION_ERROR"
    assert "limited to 2" in past.json()["message"]


def test_the_default_cap_is_10000(portal: Portal) -> None:
    past = portal.post(SEARCH.format("contacts"), json={"after": "10000"})
    assert past.status_code == 400 and "10000" in past.json()["message"]


@pytest.mark.parametrize(
    ("groups", "per_group"), [(6, 1), (1, 11), (3, 9)], ids=["groups", "per-group", "total"]
)
def test_filter_limits(portal: Portal, groups: int, per_group: int) -> None:
    flt = {"propertyName": "email", "operator": "HAS_PROPERTY"}
    body = {"filterGroups": [{"filters": [flt] * per_group} for _ in range(groups)]}
    response = portal.post(SEARCH.format("contacts"), json=body)
    assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    "body",
    [
        {"sorts": ["name", "-createdate"]},  # "Only one sorting rule can be applied"
        {"sorts": "name"},
        {"properties": "name,domain"},  # a comma string is the GET endpoints' form
        {"filterGroups": _one("name", "EQ", value={"contains": "a"})},
        {"filterGroups": _one("name", "IN", values=[["a"]])},
        {"filterGroups": _one("name", "BETWEEN", value="a", highValue=["z"])},
    ],
    ids=[
        "two-sorts",
        "sorts-string",
        "properties-string",
        "object-value",
        "nested-values",
        "list-high-value",
    ],
)
def test_a_malformed_search_body_is_a_validation_error(
    companies: Portal, body: dict[str, Any]
) -> None:
    response = companies.post(SEARCH.format("companies"), json=body)
    assert response.status_code == 400, response.text
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_one_sort_rule_and_a_property_list_are_served(companies: Portal) -> None:
    found = _search(companies, "companies", sorts=["-name"], properties=["name", "nosuch"])
    assert [r["properties"]["name"] for r in found["results"]] == [
        "Gamma Tools", "Beta Works", "Alpha Tools"
    ]  # fmt: skip
    assert "nosuch" not in found["results"][0]["properties"]  # unknown names are ignored


def test_limit_over_200_is_refused(portal: Portal) -> None:
    assert portal.post(SEARCH.format("contacts"), json={"limit": 201}).status_code == 400


def test_writes_reach_search_only_after_the_lag(portal: Portal) -> None:
    portal.settings(search_lag_seconds=5)
    made = portal.create("companies", name="Old name")
    assert _search(portal, "companies")["total"] == 0  # too new to be indexed
    portal.clock.tick(5)
    assert _search(portal, "companies")["results"][0]["properties"]["name"] == "Old name"
    portal.patch(f"/crm/v3/objects/companies/{made['id']}", json={"properties": {"name": "New"}})
    stale = _search(portal, "companies", filterGroups=_one("name", "EQ", value="Old name"))
    assert [r["id"] for r in stale["results"]] == [made["id"]]  # found as it was
    assert _search(portal, "companies", filterGroups=_one("name", "EQ", value="New"))["total"] == 0
    portal.clock.tick(5)
    fresh = _search(portal, "companies", filterGroups=_one("name", "EQ", value="New"))
    assert fresh["total"] == 1
    by_id = portal.get(f"/crm/v3/objects/companies/{made['id']}", params={"properties": "name"})
    assert by_id.json()["properties"]["name"] == "New"  # reads by id are never late


def test_an_archive_reaches_search_after_the_lag(portal: Portal) -> None:
    made = portal.create("deals", dealname="Gone soon")
    portal.settings(search_lag_seconds=3)
    portal.clock.tick(3)
    portal.delete(f"/crm/v3/objects/deals/{made['id']}")
    assert _search(portal, "deals")["total"] == 1
    portal.clock.tick(3)
    assert _search(portal, "deals")["total"] == 0


def test_an_unknown_filter_property_is_refused(portal: Portal) -> None:
    response = portal.post(
        SEARCH.format("contacts"), json={"filterGroups": _one("nope", "EQ", value="x")}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"


def test_associations_pseudo_property_filters(portal: Portal) -> None:
    company = portal.create("companies", name="Parent")
    other = portal.create("companies", name="Other")
    linked = portal.post(
        "/crm/v3/objects/contacts",
        json={
            "properties": {"email": "in@example.com"},
            "associations": [
                {
                    "to": {"id": company["id"]},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
                }
            ],
        },
    ).json()
    loose = portal.create("contacts", email="out@example.com")
    by_company = _search(
        portal, "contacts", filterGroups=_one("associations.company", "EQ", value=company["id"])
    )
    none = _search(
        portal, "contacts", filterGroups=_one("associations.company", "EQ", value=other["id"])
    )
    orphans = _search(
        portal, "contacts", filterGroups=_one("associations.company", "NOT_HAS_PROPERTY")
    )
    assert [r["id"] for r in by_company["results"]] == [linked["id"]]
    assert none["total"] == 0
    assert [r["id"] for r in orphans["results"]] == [loose["id"]]
