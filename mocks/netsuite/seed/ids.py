"""The internal ids this account's seeder gives the canonical world's records.

Entity and item ids count from 1 per record type in world order; transactions share one
sequence (an order, then its invoice, then that invoice's payments). The CRM of a pair holds
them (`MockPack.ids_for`, read by `mocks.world.overlap.plan`).
"""

from __future__ import annotations

from typing import Any

from mocks.world.generator import World
from mocks.world.overlap import membership


def world_ids(world: World) -> dict[str, str]:
    """Ids of what a full-business world puts in the ERP; a companies-only world: none."""
    business = world.business
    if business is None:
        return {}
    shared = membership(world)
    ids: dict[str, str] = {}
    groups: tuple[list[Any], ...] = (
        shared.customers,
        shared.contacts,
        business.products,
        business.locations,
    )
    for group in groups:
        ids.update({record.key: str(n) for n, record in enumerate(group, start=1)})
    counter = 0
    for order in shared.orders:
        counter += 1
        ids[order.key] = str(counter)
        invoice = shared.invoices.get(order.key)
        if invoice is None:
            continue
        counter += 1
        ids[invoice.key] = str(counter)
        for payment in shared.payments.get(invoice.key, []):
            counter += 1
            ids[payment.key] = str(counter)
    return ids


__all__ = ["world_ids"]
