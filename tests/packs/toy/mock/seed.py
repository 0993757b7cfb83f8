"""Project the canonical world's companies into Toy CRM clients: the `MockContext` seeder,
and the ids it gives them (`world_ids`, the pack's `MockPack.world_ids`).

One client per company in world order (`c_000001` for the first), created at the company's
creation time: title <- name, mail <- email, tel <- phone, nation <- country (as typed).
Blank values are stored as null; values are kept as generated, over-long ones included (a
dirty world's defects, loaded as a legacy import would, bypassing the API's checks). `ref`
stays empty: it holds the other system's id once a sync has linked the client.
"""

from __future__ import annotations

from typing import Any

from mocks.store import RecordStore
from mocks.world.generator import Company, World
from tests.packs.toy.mock.schema import OBJECT
from tests.packs.toy.mock.state import make_id

# Canonical company field -> the client field holding it (for the ground truth).
FIELD_NAMES = {"name": "title", "email": "mail", "phone": "tel", "country": "nation"}


def client_fields(company: Company) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "ref": None,
        "title": company.name,
        "mail": company.email,
        "tel": company.phone,
        "nation": company.country,
    }
    return {k: (None if v == "" else v) for k, v in fields.items()}


def world_ids(world: World) -> dict[str, str]:
    """Company key -> the client id the seeder gives it."""
    return {c.key: make_id(n) for n, c in enumerate(world.companies, start=1)}


def seed_toy(store: RecordStore, world: World) -> dict[str, int]:
    """Insert one client per company and tell the world their ids and field names."""
    ids = world_ids(world)
    for company in world.companies:
        store.insert(OBJECT, ids[company.key], client_fields(company), at=company.created_at)
    store.ensure_index(OBJECT, "ref")
    world.project("toy", ids, FIELD_NAMES)
    return {OBJECT: store.count(OBJECT)}


__all__ = ["FIELD_NAMES", "client_fields", "seed_toy", "world_ids"]
