"""The record ids this portal's seeder gives the canonical world's records.

Ids are numbered in world order per object (`mocks.hubspot.ids.make_id`); a record left out
keeps its number unused, so the same world always gets the same ids and the ERP of a pair can
hold them as external ids (`MockPack.ids_for`, read by `mocks.world.overlap.plan`). The
seeder numbers with the same functions, so the two cannot disagree.
"""

from __future__ import annotations

from mocks.hubspot.ids import make_id
from mocks.world.entities import Business, Contact
from mocks.world.generator import World
from mocks.world.overlap import membership


def loadable_contacts(contacts: list[Contact]) -> tuple[dict[str, int], dict[str, str]]:
    """(number by contact key, reason by key of those left out): HubSpot holds one contact
    per email, so a later contact repeating an email is refused with a 409 CONFLICT."""
    numbers: dict[str, int] = {}
    skipped: dict[str, str] = {}
    emails: set[str] = set()
    for number, contact in enumerate(contacts, start=1):
        email = contact.email.strip().lower()
        if email and email in emails:
            skipped[contact.key] = "CONFLICT"
            continue
        emails.add(email)
        numbers[contact.key] = number
    return numbers, skipped


def business_ids(world: World, business: Business) -> dict[str, str]:
    """Contacts, products, deals (orders of real customers) and line items by key."""
    ids: dict[str, str] = {}
    numbers, _ = loadable_contacts(business.contacts)
    ids.update({key: make_id("contacts", n) for key, n in numbers.items()})
    shared = membership(world).crm_products
    for number, product in enumerate(business.products, start=1):
        if product.key in shared:
            ids[product.key] = make_id("products", number)
    companies = {c.key for c in world.companies}
    for number, order in enumerate(business.orders, start=1):
        if order.customer_key in companies:
            ids[order.key] = make_id("deals", number)
    for number, line in enumerate(business.order_lines, start=1):
        if line.order_key in ids:
            ids[line.key] = make_id("line_items", number)
    return ids


def world_ids(world: World) -> dict[str, str]:
    """Companies by key; with the business, contacts, products, deals and line items."""
    ids = {c.key: make_id("companies", n) for n, c in enumerate(world.companies, start=1)}
    if world.business is not None:
        ids.update(business_ids(world, world.business))
    return ids


__all__ = ["business_ids", "loadable_contacts", "world_ids"]
