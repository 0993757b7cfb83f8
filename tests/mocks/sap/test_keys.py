"""Reads by key: percent-encoded, named and positional predicates, composite keys, the ETag
header equal to `__metadata.etag`, navigation paths and SAP's 404 for an unknown segment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.mocks.sap.support import BP, TestClient, error_of

Make = Callable[..., dict[str, Any]]


def test_get_by_key_in_every_spelling(client: TestClient, make_partner: Make) -> None:
    number = make_partner()["BusinessPartner"]
    for path in (
        f"A_BusinessPartner('{number}')",
        f"A_BusinessPartner%28%27{number}%27%29",
        f"A_BusinessPartner%28BusinessPartner%3D%27{number}%27%29",
    ):
        response = client.get(f"{BP}/{path}")
        assert response.status_code == 200, path
        d = response.json()["d"]
        assert d["BusinessPartner"] == number
        assert response.headers["etag"] == d["__metadata"]["etag"]


def test_composite_keys_and_navigation_paths(client: TestClient, make_partner: Make) -> None:
    made = make_partner(
        to_BusinessPartnerAddress=[
            {"CityName": "Rome", "to_EmailAddress": [{"EmailAddress": "r@x.it"}]}
        ]
    )
    number = made["BusinessPartner"]
    address_id = made["to_BusinessPartnerAddress"]["results"][0]["AddressID"]
    one = client.get(
        f"{BP}/A_BusinessPartnerAddress(BusinessPartner='{number}',AddressID='{address_id}')"
    )
    assert one.status_code == 200 and one.json()["d"]["CityName"] == "Rome"
    nav = client.get(f"{BP}/A_BusinessPartner('{number}')/to_BusinessPartnerAddress")
    assert [r["CityName"] for r in nav.json()["d"]["results"]] == ["Rome"]
    deep = client.get(
        f"{BP}/A_BusinessPartner('{number}')/to_BusinessPartnerAddress"
        f"(BusinessPartner='{number}',AddressID='{address_id}')/to_EmailAddress"
    )
    assert deep.json()["d"]["results"][0]["EmailAddress"] == "r@x.it"
    prop = client.get(f"{BP}/A_BusinessPartner('{number}')/OrganizationBPName1")
    assert prop.json() == {"d": {"OrganizationBPName1": "Acme GmbH"}}
    count = client.get(f"{BP}/A_BusinessPartner('{number}')/to_BusinessPartnerAddress/$count")
    assert count.text == "1"


def test_unknown_key_and_segment_are_404_naming_the_segment(client: TestClient) -> None:
    missing = client.get(f"{BP}/A_BusinessPartner('404')")
    assert missing.status_code == 404
    assert error_of(missing)["message"]["value"] == (
        "Resource not found for segment 'A_BusinessPartnerType'"
    )
    unknown = client.get(f"{BP}/A_Nothing")
    assert unknown.status_code == 404 and "A_Nothing" in unknown.text


def test_bad_key_predicate_is_400(client: TestClient) -> None:
    response = client.get(f"{BP}/A_BusinessPartnerAddress('1')")
    assert response.status_code == 400
    error_of(response)
