"""The overlap plan both seeders follow: what the CRM and the ERP already share, and that the
ids each side holds for the other's records are the ids the other side really assigned."""

from __future__ import annotations

import pytest

from mocks.salesforce.ids import make_id
from mocks.store import RecordStore
from mocks.world.generator import World, WorldSettings, generate_world
from mocks.world.overlap import plan

SETTINGS = WorldSettings(seed=13, accounts=80, full_business=True, dirty=0.3)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(SETTINGS)


@pytest.fixture(scope="module")
def stores() -> tuple[RecordStore, RecordStore]:
    from mocks.netsuite.seed import seed_netsuite
    from mocks.salesforce.seed import seed_salesforce

    crm, erp = RecordStore(), RecordStore()
    seed_salesforce(crm, generate_world(SETTINGS))
    seed_netsuite(erp, generate_world(SETTINGS))
    return crm, erp


def test_plan_needs_the_business() -> None:
    with pytest.raises(ValueError, match="ensure_business"):
        plan(generate_world(WorldSettings(seed=1, accounts=3)))


def test_erp_orders_are_the_ones_past_the_crm(world: World) -> None:
    overlap = plan(world)
    companies = {c.key for c in world.companies}
    assert overlap.orders
    assert all(o.customer_key in companies for o in overlap.orders)
    assert all(o.status != "pending_fulfilment" for o in overlap.orders)
    assert {c.key for c in overlap.customers} == {o.customer_key for o in overlap.orders}
    assert all(c.company_key in {x.key for x in overlap.customers} for c in overlap.contacts)
    erp_transactions = [overlap.erp_ids[o.key] for o in overlap.orders]
    assert len(set(erp_transactions)) == len(erp_transactions)


def test_crm_ids_follow_world_order(world: World) -> None:
    overlap = plan(world)
    assert overlap.crm_ids[world.companies[0].key] == make_id("001", 1)
    first_order = next(o for o in world.business.orders if o.key in overlap.crm_ids)  # type: ignore[union-attr]
    assert overlap.crm_ids[first_order.key].startswith("801")
    assert len(overlap.crm_ids[first_order.key]) == 18


def test_erp_customers_carry_the_crm_account_ids(stores: tuple[RecordStore, RecordStore]) -> None:
    crm, erp = stores
    customers = erp.records("customer")
    assert customers
    for customer in customers:
        account = crm.get("Account", customer.fields["externalId"])
        assert account is not None
        assert account.fields["Name"][:83] == customer.fields["companyName"]


def test_erp_orders_and_crm_orders_point_at_each_other(
    stores: tuple[RecordStore, RecordStore],
) -> None:
    crm, erp = stores
    for order in erp.records("salesOrder"):
        crm_order = crm.get("Order", order.fields["externalId"])
        assert crm_order is not None
        assert crm_order.fields["NetSuite_Id__c"] == order.id
        customer = erp.get("customer", order.fields["entity"])
        assert customer is not None
        assert customer.fields["externalId"] == crm_order.fields["AccountId"]
    for invoice in crm.records("Invoice__c"):
        erp_invoice = erp.get("invoice", invoice.fields["NetSuite_Id__c"])
        assert erp_invoice is not None and erp_invoice.fields["tranId"] == invoice.fields["Name"]
    for product in crm.records("Product2"):
        item = erp.get("inventoryItem", product.fields["NetSuite_Id__c"])
        assert item is not None and item.fields["itemId"] == product.fields["ProductCode"]
