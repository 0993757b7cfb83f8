"""The record ids this org's seeder gives the canonical world's records.

Ids are numbered in world order per object, a record left out keeping its number unused, so
the same world always gets the same ids; the ERP of a pair holds them as external ids
(`MockPack.ids_for`, read by `mocks.world.overlap.plan`).
"""

from __future__ import annotations

from mocks.salesforce.ids import make_id
from mocks.salesforce.schema import ACCOUNT, CONTACT
from mocks.salesforce.schema.commerce import ORDER, ORDER_ITEM
from mocks.world.generator import World


def world_ids(world: World) -> dict[str, str]:
    """Accounts by company; with the business, contacts, orders and lines as loaded."""
    ids = {c.key: make_id(ACCOUNT.key_prefix, n) for n, c in enumerate(world.companies, start=1)}
    business = world.business
    if business is None:
        return ids
    for number, contact in enumerate(business.contacts, start=1):
        if contact.last_name.strip():  # Salesforce refuses a contact without a last name
            ids[contact.key] = make_id(CONTACT.key_prefix, number)
    companies = {c.key for c in world.companies}
    for number, order in enumerate(business.orders, start=1):
        if order.customer_key in companies:
            ids[order.key] = make_id(ORDER.key_prefix, number)
    for number, line in enumerate(business.order_lines, start=1):
        if line.order_key in ids and line.quantity is not None:
            ids[line.key] = make_id(ORDER_ITEM.key_prefix, number)
    return ids


__all__ = ["world_ids"]
