"""Collection reads: every `$filter` form, ordering, `$top`/`$skip`, counts, `$select`,
`$expand`, server-driven paging with an absolute `__next`, and 400s naming the position."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from mocks.sap.odata.values import parse_datetime
from tests.mocks.sap.support import ADMIN, BP, Clock, TestClient, error_of, fetch_csrf, results

Make = Callable[..., dict[str, Any]]
SET = f"{BP}/A_BusinessPartner"


@pytest.fixture
def partners(make_partner: Make, clock: Clock, client: TestClient) -> list[dict[str, Any]]:
    made = []
    for name in ("Alpha AG", "Beta O'Neil", "Gamma Ltd", "Delta Inc", "Epsilon SA"):
        made.append(make_partner(OrganizationBPName1=name, SearchTerm1=name[:5].upper()))
        clock.tick(3600)
        fetch_csrf(client)  # an hour on, the 30-minute CSRF token has expired
    return made


def _names(client: TestClient, **params: str) -> list[str]:
    return [r["OrganizationBPName1"] for r in results(client.get(SET, params=params))]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("OrganizationBPName1 eq 'Alpha AG'", ["Alpha AG"]),
        (
            "OrganizationBPName1 ne 'Alpha AG'",
            ["Beta O'Neil", "Gamma Ltd", "Delta Inc", "Epsilon SA"],
        ),
        ("BusinessPartner gt '10000002'", ["Delta Inc", "Epsilon SA"]),
        ("BusinessPartner ge '10000003' and BusinessPartner le '10000003'", ["Delta Inc"]),
        (
            "BusinessPartner lt '10000001' or OrganizationBPName1 eq 'Gamma Ltd'",
            ["Alpha AG", "Gamma Ltd"],
        ),
        ("not (BusinessPartner lt '10000004')", ["Epsilon SA"]),
        ("OrganizationBPName1 eq 'Beta O''Neil'", ["Beta O'Neil"]),
        ("substringof('mma', OrganizationBPName1)", ["Gamma Ltd"]),
        ("startswith(OrganizationBPName1, 'Del')", ["Delta Inc"]),
        ("endswith(OrganizationBPName1, 'SA') eq true", ["Epsilon SA"]),
        ("tolower(SearchTerm1) eq 'alpha'", ["Alpha AG"]),
        ("LastChangeTime ge time'PT12H00M00S'", ["Gamma Ltd", "Delta Inc", "Epsilon SA"]),
        (
            "BusinessPartnerIsBlocked eq false and FirstName eq null"
            " and BusinessPartner eq '10000000'",
            ["Alpha AG"],
        ),
    ],
)
def test_filter_forms(
    client: TestClient, partners: list[dict[str, Any]], expr: str, expected: list[str]
) -> None:
    assert _names(client, **{"$filter": expr}) == expected


def test_date_and_time_pair_filter_as_a_delta_read(client: TestClient, partners: list[Any]) -> None:
    """The documented delta on the partner: a later day, or the same day at a later time."""
    expr = (
        "LastChangeDate gt datetime'2024-01-15T00:00:00' or (LastChangeDate eq"
        " datetime'2024-01-15T00:00:00' and LastChangeTime gt time'PT12H22M00S')"
    )
    assert _names(client, **{"$filter": expr}) == ["Delta Inc", "Epsilon SA"]


def test_datetimeoffset_and_decimal_literals(
    client: TestClient, make_product: Make, clock: Clock
) -> None:
    make_product("P-1", GrossWeight="1.500")
    clock.tick(60)
    make_product("P-2", GrossWeight="2.250")
    url = "/sap/opu/odata/sap/API_PRODUCT_SRV/A_Product"
    later = {"$filter": "LastChangeDateTime gt datetimeoffset'2024-01-15T10:22:30Z'"}
    assert [r["Product"] for r in results(client.get(url, params=later))] == ["P-2"]
    heavy = {"$filter": "GrossWeight ge 2M"}
    assert [r["Product"] for r in results(client.get(url, params=heavy))] == ["P-2"]
    row = results(client.get(url, params={"$filter": "Product eq 'P-1'"}))[0]
    assert row["GrossWeight"] == "1.500"
    assert row["LastChangeDateTime"].startswith("/Date(") and row["LastChangeDateTime"].endswith(
        "+0000)/"
    )


def test_bad_filter_names_the_position(client: TestClient, partners: list[Any]) -> None:
    response = client.get(SET, params={"$filter": "OrganizationBPName1 eq 'x' and"})
    assert response.status_code == 400
    assert "position 31" in error_of(response)["message"]["value"]
    unknown = client.get(SET, params={"$filter": "Nope eq 1"})
    assert unknown.status_code == 400 and "position 1" in unknown.text


def test_orderby_top_skip_and_inline_count(client: TestClient, partners: list[Any]) -> None:
    params = {
        "$orderby": "OrganizationBPName1 desc",
        "$top": "2",
        "$skip": "1",
        "$inlinecount": "allpages",
    }
    body = client.get(SET, params=params).json()["d"]
    assert [r["OrganizationBPName1"] for r in body["results"]] == ["Epsilon SA", "Delta Inc"]
    assert body["__count"] == "5"
    assert "__next" not in body


def test_count_is_a_plain_integer(client: TestClient, partners: list[Any]) -> None:
    response = client.get(f"{SET}/$count", params={"$filter": "BusinessPartner gt '10000002'"})
    assert response.status_code == 200 and response.text == "2"


def test_select_and_nested_expand(client: TestClient, make_partner: Make) -> None:
    made = make_partner(
        to_BusinessPartnerAddress=[
            {"CityName": "Berlin", "Country": "DE", "to_EmailAddress": [{"EmailAddress": "a@b.de"}]}
        ]
    )
    params = {
        "$select": "BusinessPartner,to_BusinessPartnerAddress",
        "$expand": "to_BusinessPartnerAddress/to_EmailAddress",
    }
    row = results(client.get(SET, params=params))[0]
    assert set(row) == {"__metadata", "BusinessPartner", "to_BusinessPartnerAddress"}
    address = row["to_BusinessPartnerAddress"]["results"][0]
    assert address["BusinessPartner"] == made["BusinessPartner"]
    assert address["to_EmailAddress"]["results"][0]["EmailAddress"] == "a@b.de"
    assert "__deferred" in address["to_PhoneNumber"]


def test_expand_of_unknown_navigation_is_404(client: TestClient, partners: list[Any]) -> None:
    response = client.get(SET, params={"$expand": "to_Nothing"})
    assert response.status_code == 404
    assert "to_Nothing" in error_of(response)["message"]["value"]


def _page_through(
    client: TestClient,
    url: str,
    params: dict[str, str] | None = None,
    between: Callable[[], None] | None = None,
) -> list[str]:
    seen: list[str] = []
    response = client.get(url, params=params)
    for _ in range(50):
        body = response.json()["d"]
        seen += [r["BusinessPartner"] for r in body["results"]]
        if "__next" not in body:
            return seen
        nxt = urlsplit(body["__next"])
        assert (nxt.scheme, nxt.netloc) == ("https", "testserver")  # absolute, same origin
        if between:
            between()
        response = client.get(body["__next"])
    raise AssertionError("paging did not end")


def test_server_paging_with_absolute_next(client: TestClient, partners: list[Any]) -> None:
    client.patch("/__harness/settings", json={"page_size": 2}, headers=ADMIN)
    assert _page_through(client, SET, {"$filter": "BusinessPartner ne ''"}) == [
        "10000000",
        "10000001",
        "10000002",
        "10000003",
        "10000004",
    ]


def test_paging_is_stable_under_inserts_and_deletes(
    client: TestClient, make_partner: Make, partners: list[Any]
) -> None:
    client.patch("/__harness/settings", json={"page_size": 2}, headers=ADMIN)
    created: list[str] = []

    def insert() -> None:
        created.append(
            make_partner(BusinessPartner="0000000" + str(len(created)))["BusinessPartner"]
        )

    seen = _page_through(client, SET, between=insert)
    assert seen == ["10000000", "10000001", "10000002", "10000003", "10000004"]


def test_next_drift_trap_serves_rows_twice(client: TestClient, partners: list[Any]) -> None:
    client.patch("/__harness/settings", json={"page_size": 2}, headers=ADMIN)
    trap = {"trap": "next_drift", "object": "A_BusinessPartner", "count": 1}
    assert client.post("/__harness/sap/traps", json=trap, headers=ADMIN).status_code == 200
    seen = _page_through(client, SET)
    assert len(seen) > len(set(seen))  # a row shifted back under the offset and came again


def test_values_are_formatted_as_sap_does(client: TestClient, make_partner: Make) -> None:
    row = make_partner()
    assert row["LastChangeDate"] == "/Date(1705276800000)/"  # 2024-01-15, date only
    assert row["LastChangeTime"] == "PT10H22M00S"
    assert parse_datetime(row["CreationDate"]).date().isoformat() == "2024-01-15"
    assert row["__metadata"]["type"] == "API_BUSINESS_PARTNER.A_BusinessPartnerType"
    assert row["__metadata"]["uri"].endswith("/A_BusinessPartner('10000000')")


@pytest.mark.parametrize(("mode", "duplicates"), [("key", False), ("offset", True)])
def test_paging_drift_fault_inserts_ahead_of_the_cursor(
    client: TestClient, partners: list[Any], mode: str, duplicates: bool
) -> None:
    plan = {
        "version": 1,
        "settings": {"sap": {"page_size": 2, "skiptoken": mode}},
        "rules": [
            {
                "name": "drift",
                "match": {"vendor": "sap", "kind": "query"},
                "effect": {"type": "paging_drift", "count": 1},
            }
        ],
    }
    assert client.put("/__harness/faults", json=plan, headers=ADMIN).status_code == 200
    seen = _page_through(client, SET)
    assert (len(seen) > len(set(seen))) is duplicates
    assert {"10000000", "10000004"} <= set(seen)  # nothing of the first read is lost


@pytest.mark.parametrize(
    "expression",
    ["substringof(1,2)", "startswith(1,'a')", "length(1) eq 1", "tolower(1) eq 'a'"],
)
def test_a_string_function_given_a_number_is_a_400_not_a_crash(
    client: TestClient, partners: list[dict[str, Any]], expression: str
) -> None:
    response = client.get(SET, params={"$filter": expression})
    assert response.status_code == 400, response.text
    assert "$filter" in error_of(response)["message"]["value"]


def test_a_request_naming_two_clients_is_refused(client: TestClient) -> None:
    assert client.get(SET, params={"sap-client": "100"}).status_code == 200
    twice = client.get(f"{SET}?sap-client=100&sap-client=999")
    assert twice.status_code == 401
