"""Fixtures for the in-process Salesforce mock tests: an app, a client and a bearer token."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

with warnings.catch_warnings():
    # starlette 1.x warns on import when it falls back to `httpx` instead of `httpx2`; the
    # project pins httpx (the netsuite SDK needs 0.27), so the fallback is intended here.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from mocks.salesforce import SalesforceMockConfig, create_app
from mocks.salesforce.ids import make_id
from mocks.store import RecordStore

BASE = "/services/data/v59.0"
ADMIN = {"X-Harness-Token": "harness-admin"}


class FixedClock:
    """A settable store clock, so timestamps and date literals are predictable."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Api:
    """A TestClient bound to the data API root and a bearer token."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        url = path if path.startswith("/") else f"{BASE}/{path}"
        return self.client.request(method, url, headers=headers, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    def query(self, soql: str, **kw: Any) -> httpx.Response:
        return self.get("query/", params={"q": soql}, **kw)


def password_grant(client: TestClient, **overrides: str) -> httpx.Response:
    config = SalesforceMockConfig()
    form = {
        "grant_type": "password",
        "client_id": config.client_id,
        "client_secret": config.client_secret,
        "username": config.username,
        "password": config.password,
        **overrides,
    }
    return client.post("/services/oauth2/token", data=form)


def add_accounts(store: RecordStore, count: int, start: int = 1, **fields: Any) -> list[str]:
    """Insert plain Accounts straight into the store (much faster than generating a world)."""
    ids = []
    for n in range(start, start + count):
        record_id = make_id("001", n)
        store.insert("Account", record_id, {"Name": f"Account {n:05d}", **fields})
        ids.append(record_id)
    return ids


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 1, 15, 10, 22, 33, 123000, tzinfo=UTC))


@pytest.fixture
def store(clock: FixedClock) -> RecordStore:
    return RecordStore(clock=clock)


@pytest.fixture
def client(store: RecordStore) -> Iterator[TestClient]:
    with TestClient(create_app(store=store)) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:
    response = password_grant(client)
    assert response.status_code == 200, response.text
    return Api(client, response.json()["access_token"])


def settings(client: TestClient, **values: Any) -> dict[str, Any]:
    response = client.patch("/__harness/settings", json=values, headers=ADMIN)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
