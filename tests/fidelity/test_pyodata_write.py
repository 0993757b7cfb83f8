"""pyodata 1.12.1, unchanged, writing to the SAP mock over HTTPS: create, update (PATCH,
MERGE, PUT), delete, deep insert of an order with items, `$batch` change sets (a failing one
rolls back whole and pyodata raises its single-response error), CSRF fetched by the caller,
and SAP's error details on a refused write."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pyodata
import pytest
from pyodata.v2.service import HttpError
from pyodata.vendor.SAP import BusinessGatewayError

from tests.fidelity.sap_sdk import CONFIG, SDK_MARKS, WORLD, System, sap_errors, sap_system

pytestmark = SDK_MARKS
__all__ = ["sap_errors"]  # the fixture, used by name below
BP = "API_BUSINESS_PARTNER"


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    with sap_system(tmp_path_factory.mktemp("tls"), WORLD) as running:
        yield running


def _count(system: System) -> int:
    partners = system.client(BP, csrf=False).entity_sets.A_BusinessPartner
    return int(partners.get_entities().count().execute())


def test_create_update_delete(system: System) -> None:
    client = system.client(BP)
    partners = client.entity_sets.A_BusinessPartner
    made = (
        partners.create_entity()
        .set(BusinessPartnerCategory="2", OrganizationBPName1="Fidelity AG")
        .execute()
    )
    number = made.BusinessPartner
    assert number.startswith("1000")
    for method, name in (("PATCH", "Patched"), ("MERGE", "Merged"), ("PUT", "Put")):
        client.config["http"]["update_method"] = method
        partners.update_entity(number).set(OrganizationBPName1=name).execute()
        assert partners.get_entity(number).execute().OrganizationBPName1 == name
    address = partners.get_entity(number).nav("to_BusinessPartnerAddress").create_entity()
    created = address.set(CityName="Graz", Country="AT").execute()
    addresses = client.entity_sets.A_BusinessPartnerAddress
    addresses.delete_entity(BusinessPartner=number, AddressID=created.AddressID).execute()
    assert (
        partners.get_entity(number).nav("to_BusinessPartnerAddress").get_entities().execute() == []
    )


def test_deep_insert_order_with_items(system: System) -> None:
    partners = system.client(BP, csrf=False).entity_sets.A_Customer
    customer = partners.get_entities().top(1).execute()[0].Customer
    material = (
        system.client("API_PRODUCT_SRV", csrf=False)
        .entity_sets.A_Product.get_entities()
        .top(1)
        .execute()[0]
        .Product
    )
    orders = system.client("API_SALES_ORDER_SRV").entity_sets.A_SalesOrder
    order = (
        orders.create_entity()
        .set(
            SoldToParty=customer,
            PurchaseOrderByCustomer="PO-FIDELITY",
            TransactionCurrency="EUR",
            to_Item=[
                {"Material": material, "RequestedQuantity": "2", "NetPriceAmount": "7.25"},
                {"Material": material, "RequestedQuantity": "1", "NetPriceAmount": "0.50"},
            ],
        )
        .execute()
    )
    read = orders.get_entity(order.SalesOrder).expand("to_Item").execute()
    assert [i.SalesOrderItem for i in read.to_Item] == ["10", "20"]
    assert Decimal(read.TotalNetAmount) == Decimal("15.000")


def test_batch_changeset_commits(system: System) -> None:
    client = system.client(BP)
    partners = client.entity_sets.A_BusinessPartner
    before = _count(system)
    batch, changeset = client.create_batch(), client.create_changeset()
    for name in ("Batch One", "Batch Two"):
        changeset.add_request(
            partners.create_entity().set(BusinessPartnerCategory="2", OrganizationBPName1=name)
        )
    batch.add_request(changeset)
    batch.add_request(partners.get_entities().top(1))
    created, queried = batch.execute()
    assert [p.OrganizationBPName1 for p in created] == ["Batch One", "Batch Two"]
    assert len(queried) == 1 and _count(system) == before + 2


def test_failing_changeset_rolls_back_whole(system: System, sap_errors: None) -> None:
    client = system.client(BP)
    partners = client.entity_sets.A_BusinessPartner
    before = _count(system)
    batch, changeset = client.create_batch(), client.create_changeset()
    for name in ("Kept?", "x" * 41, "Kept too?"):
        changeset.add_request(
            partners.create_entity().set(BusinessPartnerCategory="2", OrganizationBPName1=name)
        )
    batch.add_request(changeset)
    with pytest.raises(HttpError) as failed:
        batch.execute()
    assert failed.value.response.status_code == 400
    assert _count(system) == before


def test_changeset_trap_fails_the_third_operation(system: System) -> None:
    client = system.client(BP)
    partners = client.entity_sets.A_BusinessPartner
    before = _count(system)
    trap = system.admin("POST", "/sap/traps", json={"trap": "changeset_failure"})
    assert trap.status_code == 200
    batch, changeset = client.create_batch(), client.create_changeset()
    for n in range(4):
        changeset.add_request(
            partners.create_entity().set(BusinessPartnerCategory="2", OrganizationBPName1=f"Op {n}")
        )
    batch.add_request(changeset)
    with pytest.raises(HttpError, match="single response"):
        batch.execute()
    assert _count(system) == before


def test_writes_without_csrf_are_refused(system: System) -> None:
    partners = system.client(BP, csrf=False).entity_sets.A_BusinessPartner
    with pytest.raises(HttpError) as refused:
        partners.create_entity().set(BusinessPartnerCategory="2").execute()
    assert refused.value.response.status_code == 403
    assert refused.value.response.headers["x-csrf-token"] == "Required"


def test_refused_write_names_the_property(system: System, sap_errors: None) -> None:
    partners = system.client(BP).entity_sets.A_BusinessPartner
    with pytest.raises(BusinessGatewayError) as refused:
        partners.create_entity().set(
            BusinessPartnerCategory="2", OrganizationBPName1="y" * 41
        ).execute()
    assert refused.value.response.status_code == 400
    assert any("OrganizationBPName1" in d for d in refused.value.errordetails)


def test_stale_etag_refuses_the_update(system: System, sap_errors: None) -> None:
    client = system.client(BP)
    partners = client.entity_sets.A_BusinessPartner
    number = partners.get_entities().filter("BusinessPartnerCategory eq '2'").top(1).execute()[0]
    read = partners.get_entity(number.BusinessPartner).execute()
    trap = {"trap": "stale_etag", "object": "A_BusinessPartner", "id": read.BusinessPartner}
    assert system.admin("POST", "/sap/traps", json=trap).status_code == 200
    update = partners.update_entity(read.BusinessPartner).set(SearchTerm1="STALE")
    update.add_headers({"If-Match": read.etag})
    with pytest.raises(HttpError) as stale:
        update.execute()
    assert stale.value.response.status_code == 412
    fresh = partners.get_entity(read.BusinessPartner).execute()
    retry = partners.update_entity(read.BusinessPartner).set(SearchTerm1="FRESH")
    retry.add_headers({"If-Match": fresh.etag})
    retry.execute()
    assert partners.get_entity(read.BusinessPartner).execute().SearchTerm1 == "FRESH"


def test_oauth_bearer_session(system: System) -> None:
    session = system.session()
    session.auth = None
    token = session.post(
        f"{system.server.url}/sap/bc/sec/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(CONFIG.client_id, CONFIG.client_secret),
    )
    assert token.status_code == 200
    session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    fetched = session.get(system.url(BP) + "/", headers={"X-CSRF-Token": "Fetch"})
    session.headers["X-CSRF-Token"] = fetched.headers["x-csrf-token"]
    client = pyodata.Client(system.url(BP), session)
    made = (
        client.entity_sets.A_BusinessPartner.create_entity()
        .set(BusinessPartnerCategory="2", OrganizationBPName1="Bearer GmbH")
        .execute()
    )
    assert made.BusinessPartnerFullName == "Bearer GmbH"
