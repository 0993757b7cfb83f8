"""Project a full-business world into the SAP system and tell the world which numbers and
field names it used (its ground truth), SAP's own defects included."""

from __future__ import annotations

from mocks.sap.seed.accounting import seed_accounting
from mocks.sap.seed.documents import seed_billing, seed_orders, seed_products, seed_stock
from mocks.sap.seed.parties import pick_defects, seed_contacts, seed_customers
from mocks.store import RecordStore
from mocks.world.generator import World
from mocks.world.overlap import plan

# Canonical field (or "<entity>.<field>") -> SAP property, for the ground truth.
FIELD_NAMES = {
    "name": "OrganizationBPName1",
    "phone": "PhoneNumber",
    "email": "EmailAddress",
    "city": "CityName",
    "postal_code": "PostalCode",
    "country": "Country",
    "state": "Region",
    "contact.company_key": "BusinessPartnerCompany",
    "contact.first_name": "FirstName",
    "contact.last_name": "LastName",
    "contact.email": "EmailAddress",
    "contact.phone": "PhoneNumber",
    "order.customer_key": "SoldToParty",
    "order.total": "TotalNetAmount",
    "order_line.quantity": "RequestedQuantity",
    "order_line.total": "NetAmount",
}
_DEFECT_FIELDS = {
    "no_customer_role": "to_BusinessPartnerRole",
    "split_name": "OrganizationBPName1",
    "region_mismatch": "Region",
}


def seed_business(store: RecordStore, world: World) -> None:
    business = world.business
    assert business is not None
    overlap = plan(world)
    defects = pick_defects(world, overlap.customers)
    seed_products(store, world, business)
    seed_stock(store, world, business)
    seed_customers(store, overlap, defects)
    seed_contacts(store, overlap, first_address=len(overlap.customers) + 1)
    seed_orders(store, overlap)
    seed_billing(store, overlap)
    seed_accounting(store, overlap)
    ids = dict(overlap.erp_ids)
    for order in overlap.orders:  # a line's defects name its sales order
        ids.update({line.key: ids[order.key] for line in overlap.lines.get(order.key, [])})
    for key, kind in sorted(defects.items()):
        world.defects.append(
            {
                "kind": f"sap_{kind}",
                "entity": "customer",
                "key": key,
                "field": _DEFECT_FIELDS[kind],
                "details": {"vendor": "sap"},
            }
        )
    world.project("sap", ids, FIELD_NAMES)


__all__ = ["FIELD_NAMES", "seed_business"]
