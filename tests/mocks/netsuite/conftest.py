"""Fixtures for the NetSuite mock: an in-process app, a client and a settable clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mocks.netsuite import NetSuiteMockConfig, create_app
from mocks.store import RecordStore
from mocks.world.generator import WorldSettings
from tests.mocks.netsuite.support import (
    CUSTOMERS,
    Clock,
    TestClient,
    business_client,
    signed_client,
)

# The full-business world the SuiteQL join and line tests read (and never write): seeded
# once for the session, not once per module.
BUSINESS_WORLD = WorldSettings(seed=11, accounts=25, full_business=True)


@pytest.fixture(scope="session")
def business() -> Iterator[TestClient]:
    """A signing client of a NetSuite mock seeded with `BUSINESS_WORLD` (read only)."""
    yield from business_client(BUSINESS_WORLD)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> RecordStore:
    return RecordStore(clock=clock)


@pytest.fixture
def config() -> NetSuiteMockConfig:
    return NetSuiteMockConfig()


@pytest.fixture
def client(config: NetSuiteMockConfig, store: RecordStore) -> Iterator[TestClient]:
    # Without `with`: no lifespan to run, and a client costs milliseconds instead of tens.
    test_client = signed_client(create_app(config, store))
    yield test_client
    test_client.close()


@pytest.fixture
def make_customer(client: TestClient) -> Callable[..., str]:
    """POST a customer (subsidiary 1 unless given) and return its new id."""

    def make(**fields: Any) -> str:
        body = {"companyName": "Acme Corp", "subsidiary": {"id": "1"}, **fields}
        response = client.post(CUSTOMERS, json=body)
        assert response.status_code == 204, response.text
        return response.headers["Location"].rsplit("/", 1)[1]

    return make
