"""Writes: create 201 with Location and ETag, deep insert in every shape, validation that
names each property at fault, PATCH/MERGE/PUT 204, DELETE 204, read-only sets, and SAP's
business rules (numbers, customer role, items and totals, change stamps)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.mocks.sap.support import BILLING, BP, SO, STOCK, Clock, TestClient, error_of, targets

Make = Callable[..., dict[str, Any]]
SET = f"{BP}/A_BusinessPartner"


def test_create_answers_201_with_location_and_etag(client: TestClient) -> None:
    response = client.post(SET, json={"BusinessPartnerCategory": "2", "OrganizationBPName1": "A"})
    assert response.status_code == 201
    d = response.json()["d"]
    assert response.headers["location"] == d["__metadata"]["uri"]
    assert response.headers["etag"] == d["__metadata"]["etag"]
    assert d["BusinessPartner"] == "10000000"  # the organisations' number range
    assert d["BusinessPartnerFullName"] == "A"


def test_persons_get_their_own_number_range(make_partner: Make) -> None:
    person = make_partner(
        BusinessPartnerCategory="1", FirstName="Ada", LastName="Lovelace", OrganizationBPName1=None
    )
    assert person["BusinessPartner"] == "20000000"
    assert person["BusinessPartnerFullName"] == "Ada Lovelace"


def test_validation_lists_every_property_at_fault(client: TestClient) -> None:
    body = {
        "BusinessPartnerCategory": "2",
        "OrganizationBPName1": "x" * 41,
        "SearchTerm1": "y" * 21,
        "BusinessPartnerIsBlocked": "no",
        "NoSuchField": 1,
    }
    response = client.post(SET, json=body)
    assert response.status_code == 400
    assert sorted(targets(response)) == [
        "BusinessPartnerIsBlocked",
        "NoSuchField",
        "OrganizationBPName1",
        "SearchTerm1",
    ]
    assert client.get(f"{SET}/$count").text == "0"


def test_required_properties_are_refused_when_missing(client: TestClient) -> None:
    response = client.post(f"{SO}/A_SalesOrder", json={"PurchaseOrderByCustomer": "PO"})
    assert response.status_code == 400
    assert "SoldToParty" in targets(response)


def test_deep_insert_plain_lists_results_and_two_levels(
    client: TestClient, make_partner: Make, make_product: Make
) -> None:
    partner = make_partner(
        to_BusinessPartnerAddress={
            "results": [
                {
                    "CityName": "Köln",
                    "Country": "DE",
                    "to_EmailAddress": [{"EmailAddress": "a@b.de"}, {"EmailAddress": "c@d.de"}],
                }
            ]
        },
        to_BusinessPartnerRole=[{"BusinessPartnerRole": "FLCU01"}],
    )
    number = partner["BusinessPartner"]
    emails = partner["to_BusinessPartnerAddress"]["results"][0]["to_EmailAddress"]["results"]
    assert [e["OrdinalNumber"] for e in emails] == ["1", "2"]
    customer = client.get(f"{SET}('{number}')/to_Customer").json()["d"]
    assert customer["Customer"] == number  # the role made the customer, with the BP's number
    make_product("SKU-1")
    order = client.post(
        f"{SO}/A_SalesOrder",
        json={
            "SoldToParty": number,
            "TransactionCurrency": "EUR",
            "to_Item": [
                {"Material": "SKU-1", "RequestedQuantity": "2", "NetPriceAmount": "10.50"},
                {"Material": "SKU-1", "RequestedQuantity": "1", "NetPriceAmount": "4"},
            ],
        },
    )
    assert order.status_code == 201, order.text
    d = order.json()["d"]
    assert [i["SalesOrderItem"] for i in d["to_Item"]["results"]] == ["10", "20"]
    assert d["TotalNetAmount"] == "25.000"


def test_failed_deep_insert_leaves_nothing(client: TestClient, make_partner: Make) -> None:
    response = client.post(
        SET,
        json={
            "BusinessPartnerCategory": "2",
            "OrganizationBPName1": "A",
            "to_BusinessPartnerAddress": [{"CityName": "x" * 41}],
        },
    )
    assert response.status_code == 400 and targets(response) == ["CityName"]
    assert client.get(f"{SET}/$count").text == "0"
    assert client.get(f"{BP}/A_BusinessPartnerAddress/$count").text == "0"


def test_item_writes_move_the_order_total_and_stamp(
    client: TestClient, make_partner: Make, make_product: Make, clock: Clock
) -> None:
    number = make_partner(to_BusinessPartnerRole=[{"BusinessPartnerRole": "FLCU01"}])[
        "BusinessPartner"
    ]
    make_product("SKU-1")
    order = client.post(f"{SO}/A_SalesOrder", json={"SoldToParty": number}).json()["d"]
    clock.tick(5)
    item = client.post(
        f"{SO}/A_SalesOrder('{order['SalesOrder']}')/to_Item",
        json={"Material": "SKU-1", "RequestedQuantity": "3", "NetPriceAmount": "2"},
    )
    assert item.status_code == 201 and item.json()["d"]["SalesOrderItem"] == "10"
    after = client.get(f"{SO}/A_SalesOrder('{order['SalesOrder']}')").json()["d"]
    assert after["TotalNetAmount"] == "6.000"
    assert after["LastChangeDateTime"] != order["LastChangeDateTime"]


def test_unknown_sold_to_party_is_refused(client: TestClient) -> None:
    response = client.post(f"{SO}/A_SalesOrder", json={"SoldToParty": "42"})
    assert response.status_code == 400 and targets(response) == ["SoldToParty"]


@pytest.mark.parametrize("method", ["PATCH", "MERGE", "PUT"])
def test_updates_answer_204_and_move_the_stamp(
    client: TestClient, make_partner: Make, clock: Clock, method: str
) -> None:
    made = make_partner(SearchTerm1="OLD")
    clock.tick(90)
    url = f"{SET}('{made['BusinessPartner']}')"
    response = client.request(method, url, json={"OrganizationBPName1": "New name"})
    assert response.status_code == 204 and response.content == b""
    after = client.get(url).json()["d"]
    assert after["OrganizationBPName1"] == "New name"
    assert after["LastChangeTime"] == "PT10H23M30S"
    assert after["SearchTerm1"] == (None if method == "PUT" else "OLD")  # PUT replaces


def test_post_with_x_http_method_merge(client: TestClient, make_partner: Make) -> None:
    made = make_partner()
    url = f"{SET}('{made['BusinessPartner']}')"
    response = client.post(url, json={"SearchTerm1": "T"}, headers={"X-HTTP-Method": "MERGE"})
    assert response.status_code == 204
    assert client.get(url).json()["d"]["SearchTerm1"] == "T"


def test_child_writes_leave_the_partner_stamp_alone(
    client: TestClient, make_partner: Make, clock: Clock
) -> None:
    made = make_partner()
    clock.tick(60)
    url = f"{SET}('{made['BusinessPartner']}')"
    added = client.post(
        f"{url}/to_BusinessPartnerAddress", json={"CityName": "Paris", "Country": "FR"}
    )
    assert added.status_code == 201
    assert client.get(url).json()["d"]["LastChangeTime"] == made["LastChangeTime"]
    client.patch(
        "/__harness/settings",
        json={"child_bumps_parent": True},
        headers={"X-Harness-Token": "harness-admin"},
    )
    client.post(f"{url}/to_BusinessPartnerAddress", json={"CityName": "Lyon", "Country": "FR"})
    assert client.get(url).json()["d"]["LastChangeTime"] == "PT10H23M00S"


def test_delete_answers_204_and_takes_dependents(client: TestClient, make_partner: Make) -> None:
    made = make_partner(
        to_BusinessPartnerAddress=[
            {"CityName": "A", "to_EmailAddress": [{"EmailAddress": "a@b.c"}]}
        ]
    )
    address = made["to_BusinessPartnerAddress"]["results"][0]
    url = (
        f"{BP}/A_BusinessPartnerAddress(BusinessPartner='{address['BusinessPartner']}',"
        f"AddressID='{address['AddressID']}')"
    )
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(f"{BP}/A_AddressEmailAddress/$count").text == "0"


def test_partner_delete_is_not_allowed(client: TestClient, make_partner: Make) -> None:
    made = make_partner()
    response = client.delete(f"{SET}('{made['BusinessPartner']}')")
    assert response.status_code == 405
    error_of(response)


@pytest.mark.parametrize("url", [f"{BILLING}/A_BillingDocument", f"{STOCK}/A_MatlStkInAcctMod"])
def test_read_only_sets_refuse_writes(client: TestClient, url: str) -> None:
    response = client.post(url, json={})
    assert response.status_code == 405
    error_of(response)


def test_customers_are_not_created_directly(client: TestClient) -> None:
    assert client.post(f"{BP}/A_Customer", json={"Customer": "1"}).status_code == 405


def test_landlines_and_mobiles_share_one_set(client: TestClient, make_partner: Make) -> None:
    """SAP has no mobile-phone entity set: `to_MobilePhoneNumber` and `to_PhoneNumber` both
    lead to `A_AddressPhoneNumber`, told apart by `PhoneNumberType`."""
    made = make_partner(
        to_BusinessPartnerAddress=[
            {
                "CityName": "Oslo",
                "to_PhoneNumber": [{"PhoneNumber": "+47 22 00 00 00"}],
                "to_MobilePhoneNumber": [{"PhoneNumber": "+47 900 00 000"}],
            }
        ]
    )
    address = made["to_BusinessPartnerAddress"]["results"][0]
    assert [p["PhoneNumberType"] for p in address["to_PhoneNumber"]["results"]] == ["1"]
    assert [p["PhoneNumberType"] for p in address["to_MobilePhoneNumber"]["results"]] == ["3"]
    assert client.get(f"{BP}/A_AddressPhoneNumber/$count").text == "2"
    assert client.get(f"{BP}/A_AddressMobilePhoneNumber").status_code == 404
