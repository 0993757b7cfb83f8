"""The numbers this system's seeder gives the canonical world's records.

Organisations are business partners from 10000000 in world order (the customer number is
the partner's), contact persons from 20000000, products keep their item code, plants count
from 1010, sales orders from 1 and billing documents from 90000000, both in world order.
The CRM of a pair holds them (`MockPack.ids_for`, read by `mocks.world.overlap.plan`)."""

from __future__ import annotations

from mocks.world.generator import World
from mocks.world.overlap import membership

ORG_START, PERSON_START, BILLING_START = 10_000_000, 20_000_000, 90_000_000


def plant_of(number: int) -> str:
    return str(1000 + 10 * number)


def world_ids(world: World) -> dict[str, str]:
    """Ids of what a full-business world puts in the ERP; a companies-only world: none."""
    business = world.business
    if business is None:
        return {}
    shared = membership(world)
    ids: dict[str, str] = {}
    ids.update({c.key: str(ORG_START + n) for n, c in enumerate(shared.customers)})
    ids.update({c.key: str(PERSON_START + n) for n, c in enumerate(shared.contacts)})
    ids.update({p.key: p.key for p in business.products})
    ids.update({loc.key: plant_of(n) for n, loc in enumerate(business.locations, start=1)})
    billing = BILLING_START
    for n, order in enumerate(shared.orders, start=1):
        ids[order.key] = str(n)
        invoice = shared.invoices.get(order.key)
        if invoice is not None:
            ids[invoice.key] = str(billing)
            billing += 1
    return ids


__all__ = ["BILLING_START", "ORG_START", "PERSON_START", "plant_of", "world_ids"]
