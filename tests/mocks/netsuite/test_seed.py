"""The seeded sandbox: subsidiaries only, and ids that restart after a reseed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mocks.netsuite import seed_netsuite
from mocks.store import RecordStore
from mocks.world.generator import WorldSettings, generate_world
from tests.mocks.netsuite.support import ADMIN, CUSTOMERS, TestClient


def test_seed_creates_the_five_subsidiaries_and_no_customers() -> None:
    store = RecordStore()
    counts = seed_netsuite(store, generate_world(WorldSettings(accounts=3)))
    assert counts == {"subsidiary": 5, "customer": 0}
    names = {r.id: (r.fields["name"], r.fields["country"]) for r in store.records("subsidiary")}
    assert names == {
        "1": ("Harness Parent Inc.", "US"),
        "2": ("Harness UK Ltd", "GB"),
        "3": ("Harness Deutschland GmbH", "DE"),
        "4": ("Harness France SAS", "FR"),
        "5": ("Harness Canada Inc.", "CA"),
    }


def test_seed_is_idempotent() -> None:
    store = RecordStore()
    world = generate_world(WorldSettings(accounts=0))
    seed_netsuite(store, world)
    assert seed_netsuite(store, world)["subsidiary"] == 5


@pytest.mark.filterwarnings("ignore::fastapi.exceptions.FastAPIDeprecationWarning")
def test_ids_restart_after_a_reseed(client: TestClient, make_customer: Callable[..., str]) -> None:
    make_customer()
    make_customer()
    client.post("/__harness/seed", json={"accounts": 0}, headers=ADMIN)
    assert client.get(CUSTOMERS).json()["totalResults"] == 0
    assert make_customer() == "1"
