"""Project the canonical world into the portal: companies, and with the world's business
(`WorldSettings.full_business`) contacts associated to their company, products, deals
associated to their company and line items associated to their deal; the ERP ids of the
records both systems share (`mocks.world.overlap.plan`) in the `erp_*` properties.

Records are inserted as an import would, bypassing the API's checks: the world's own defects
stay as generated. HubSpot refuses a second contact with an email it holds, so such a
contact is left out and reported (`not_loaded: CONFLICT`). A dirty world (`dirty` > 0) also
gets HubSpot's own defects (`mocks.hubspot.seed.defects`); a clean one gets none.
"""

from __future__ import annotations

from datetime import timedelta

from mocks.hubspot.associations import associate
from mocks.hubspot.seed.defects import inject_defects
from mocks.hubspot.seed.ids import loadable_contacts, world_ids
from mocks.hubspot.seed.shapes import (
    FIELD_NAMES,
    company_properties,
    contact_properties,
    deal_properties,
    line_properties,
    product_properties,
)
from mocks.store import RecordStore
from mocks.world.entities import Business
from mocks.world.generator import World
from mocks.world.overlap import Overlap, plan

UNIQUE = {
    "companies": ("erp_customer_id",),
    "contacts": ("email", "erp_contact_id"),
    "deals": ("erp_order_id",),
    "products": ("erp_item_id",),
}


def seed_hubspot(store: RecordStore, world: World) -> dict[str, int]:
    """Insert the world's records with the ids `world_ids` promises, log what was left out,
    and tell the world the ids and property names so its ground truth names them."""
    ids = world_ids(world)
    overlap = plan(world) if world.business is not None else Overlap()
    customers = {c.key for c in overlap.customers}
    for company in world.companies:
        props = company_properties(
            company, overlap.erp_ids.get(company.key), company.key in customers
        )
        store.insert("companies", ids[company.key], props, at=company.created_at)
    skipped: dict[str, str] = {}
    if world.business is not None:
        skipped = _seed_business(store, world, world.business, ids, overlap)
    world.project("hubspot", ids, FIELD_NAMES, skipped)
    if world.settings.dirty > 0:
        inject_defects(store, world, ids)
    for obj, names in UNIQUE.items():
        for name in names:
            store.ensure_index(obj, name)
    return {
        obj: store.count(obj)
        for obj in ("companies", "contacts", "deals", "products", "line_items")
        if store.count(obj)
    }


def _seed_business(
    store: RecordStore, world: World, business: Business, ids: dict[str, str], overlap: Overlap
) -> dict[str, str]:
    companies = {c.key: c for c in world.companies}
    customers = {c.key for c in overlap.customers}
    synced = {c.key for c in overlap.contacts}
    numbers, skipped = loadable_contacts(business.contacts)
    for contact in business.contacts:
        if contact.key not in numbers:
            continue
        company = companies.get(contact.company_key)
        erp_id = overlap.erp_ids.get(contact.key) if contact.key in synced else None
        props = contact_properties(contact, company, erp_id, contact.company_key in customers)
        store.insert("contacts", ids[contact.key], props, at=contact.created_at)
        if company is not None:
            associate(store, "contacts", ids[contact.key], "companies", ids[company.key], {279, 1})
    _seed_products(store, world, business, ids, overlap)
    products = {p.key: p for p in business.products}
    for order in business.orders:
        if order.key not in ids:
            continue
        props = deal_properties(
            order, companies[order.customer_key], overlap.erp_ids.get(order.key)
        )
        store.insert("deals", ids[order.key], props, at=order.ordered_at)
        associate(store, "deals", ids[order.key], "companies", ids[order.customer_key], {341, 5})
    when = {o.key: o.ordered_at for o in business.orders}
    for line in business.order_lines:
        if line.key not in ids:
            continue
        product = products[line.product_key]
        props = line_properties(line, product, ids.get(product.key))
        store.insert("line_items", ids[line.key], props, at=when[line.order_key])
        associate(store, "line_items", ids[line.key], "deals", ids[line.order_key], {20})
    return skipped


def _seed_products(
    store: RecordStore, world: World, business: Business, ids: dict[str, str], overlap: Overlap
) -> None:
    since = world.settings.as_of - timedelta(days=900)
    base = {
        e.product_key: e.unit_price
        for e in business.price_entries
        if (e.price_list_key, e.currency) == ("PL-STD", "USD")
    }
    for number, product in enumerate(business.products, start=1):
        if product.key not in ids:
            continue
        props = product_properties(product, base.get(product.key), overlap.erp_ids.get(product.key))
        store.insert("products", ids[product.key], props, at=since + timedelta(hours=number))


__all__ = ["seed_hubspot", "world_ids"]
