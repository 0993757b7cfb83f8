"""What a fresh NetSuite sandbox holds before any sync: the OneWorld subsidiaries.

The ERP starts without customers in this milestone; the world's companies reach it only
through the sync under test.
"""

from __future__ import annotations

from mocks.netsuite.schema import CURRENCY_IDS
from mocks.store import RecordStore
from mocks.world.generator import World

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
    store.ensure_index("customer", "externalId")
    store.ensure_index("subsidiary", "externalId")
    return store.count("subsidiary")


def seed_netsuite(store: RecordStore, world: World) -> dict[str, int]:
    """The `MockContext` seeder: subsidiaries only; `world` is not projected yet."""
    subsidiaries = seed_base(store)
    return {"subsidiary": subsidiaries, "customer": store.count("customer")}
