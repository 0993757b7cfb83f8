"""Fixtures for the in-process HubSpot mock tests: a portal on a settable clock, a client
holding its private-app token, and a small seeded world when a test asks for one."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

with warnings.catch_warnings():
    # starlette warns when it falls back to `httpx`; the project pins httpx on purpose.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from mocks.hubspot.app import create_app
from mocks.hubspot.config import HubSpotMockConfig
from mocks.store import RecordStore
from tests.clock import Clock

CONFIG = HubSpotMockConfig()
ADMIN = {"X-Harness-Token": CONFIG.admin_token}
START = datetime(2024, 1, 15, 10, 0, 0, tzinfo=UTC)
WORLD = {
    "seed": 5,
    "accounts": 12,
    "full_business": True,
    "products": 8,
    "locations": 1,
    "contacts_per_company": 3,
    "crm": "hubspot",
    "erp": "netsuite",
}


class Portal:
    """A TestClient sending the private-app token, plus the admin API and the clock."""

    def __init__(self, client: TestClient, clock: Clock) -> None:
        self.client = client
        self.clock = clock
        self.headers = {"Authorization": f"Bearer {CONFIG.access_token}"}

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    def admin(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.client.request(method, f"/__harness{path}", headers=ADMIN, **kw)

    def settings(self, **values: Any) -> None:
        response = self.admin("PATCH", "/settings", json=values)
        assert response.status_code == 200, response.text

    def seed(self, **world: Any) -> dict[str, Any]:
        response = self.admin("POST", "/seed", json={**WORLD, **world})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def create(self, obj: str, **props: Any) -> dict[str, Any]:
        response = self.post(f"/crm/v3/objects/{obj}", json={"properties": props})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def portal() -> Iterator[Portal]:
    clock = Clock(START)
    app = create_app(CONFIG, RecordStore(clock=clock))
    with TestClient(app, raise_server_exceptions=True) as client:
        yield Portal(client, clock)


@pytest.fixture
def seeded(portal: Portal) -> Portal:
    portal.seed()
    return portal
