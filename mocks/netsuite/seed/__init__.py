"""What a fresh NetSuite sandbox holds before any sync: the OneWorld subsidiaries and, for a
world with its full business (`WorldSettings.full_business`), the ERP's side of it.

A companies-only world leaves the ERP without customers: they reach it only through the
sync under test. A full-business world adds locations, inventory items, and what an earlier
integration already brought over (customers, contacts, orders) with the invoices and
payments the ERP issued (`mocks.netsuite.seed.business`, `mocks.world.overlap`).
"""

from __future__ import annotations

from mocks.netsuite.schema import CURRENCY_IDS, RECORD_TYPES
from mocks.netsuite.seed.business import (
    FIELD_NAMES,
    seed_catalog,
    seed_parties,
    seed_transactions,
)
from mocks.netsuite.seed.finance import finance_fields
from mocks.store import RecordStore
from mocks.world.generator import World
from mocks.world.overlap import plan

# (internal id, name, ISO country, ISO currency)
SUBSIDIARIES: tuple[tuple[str, str, str, str], ...] = (
    ("1", "Harness Parent Inc.", "US", "USD"),
    ("2", "Harness UK Ltd", "GB", "GBP"),
    ("3", "Harness Deutschland GmbH", "DE", "EUR"),
    ("4", "Harness France SAS", "FR", "EUR"),
    ("5", "Harness Canada Inc.", "CA", "CAD"),
)


def seed_base(store: RecordStore) -> int:
    """Insert the subsidiaries that are missing; return how many the store now holds."""
    for record_id, name, country, currency in SUBSIDIARIES:
        if store.get("subsidiary", record_id, include_deleted=True) is None:
            fields = {"name": name, "country": country, "currency": CURRENCY_IDS[currency]}
            store.insert("subsidiary", record_id, fields)
    for record_type in RECORD_TYPES:
        store.ensure_index(record_type, "externalId")
    return store.count("subsidiary")


def seed_netsuite(store: RecordStore, world: World) -> dict[str, int]:
    """The `MockContext` seeder: subsidiaries, then the world's business when it has one
    (telling the world the internal ids, so its ground truth names NetSuite's records)."""
    subsidiaries = seed_base(store)
    counts = {"subsidiary": subsidiaries, "customer": store.count("customer")}
    business = world.business
    if business is None:
        return counts
    overlap = plan(world)
    seed_catalog(store, world, business, overlap.erp_ids)
    seed_parties(store, overlap, finance_fields(overlap))
    seed_transactions(store, business, overlap)
    ids = dict(overlap.erp_ids)
    for order in overlap.orders:  # a line's defects name its sales order
        ids.update({line.key: ids[order.key] for line in overlap.lines.get(order.key, [])})
    world.project("netsuite", ids, FIELD_NAMES)
    for record_type in RECORD_TYPES:
        counts[record_type] = store.count(record_type)
    return counts
