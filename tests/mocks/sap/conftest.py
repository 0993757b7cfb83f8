"""Fixtures for the SAP mock: an in-process app on a settable clock, a logged-on client with
a CSRF session, and a small seeded business."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from mocks.sap.app import create_app
from mocks.sap.config import SapMockConfig
from mocks.sap.seed import SYSTEM_USER_PARTNER
from mocks.store import RecordStore
from mocks.world.generator import WorldSettings
from tests.mocks.sap.support import BP, CONFIG, PRODUCTS, Clock, TestClient, fetch_csrf, logged_on


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> RecordStore:
    return RecordStore(clock=clock)


@pytest.fixture
def config() -> SapMockConfig:
    return CONFIG


@pytest.fixture
def app(config: SapMockConfig, store: RecordStore) -> FastAPI:
    """A system without even the communication user's partner, so counts start at zero
    (`test_seed` checks that partner on a seeded system)."""
    built = create_app(config, store)
    store.purge("A_BusinessPartner", SYSTEM_USER_PARTNER)
    store.purge("A_BusinessPartnerRole", f"{SYSTEM_USER_PARTNER}|BUP003")
    return built


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    test_client = logged_on(app)
    fetch_csrf(test_client)
    yield test_client
    test_client.close()


@pytest.fixture
def seeded(app: FastAPI) -> FastAPI:
    app.state.mock.seed(
        WorldSettings(
            seed=7,
            accounts=6,
            full_business=True,
            products=5,
            locations=2,
            contacts_per_company=2,
            erp="sap",
        )
    )
    return app


@pytest.fixture
def make_partner(client: TestClient) -> Callable[..., dict[str, Any]]:
    def make(**fields: Any) -> dict[str, Any]:
        body = {"BusinessPartnerCategory": "2", "OrganizationBPName1": "Acme GmbH", **fields}
        response = client.post(f"{BP}/A_BusinessPartner", json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()["d"]
        return created

    return make


@pytest.fixture
def make_product(client: TestClient) -> Callable[..., dict[str, Any]]:
    def make(product: str = "SKU-1", **fields: Any) -> dict[str, Any]:
        body = {"Product": product, "ProductType": "FERT", "BaseUnit": "EA", **fields}
        response = client.post(f"{PRODUCTS}/A_Product", json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()["d"]
        return created

    return make
