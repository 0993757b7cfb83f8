"""Shared helpers for the fault plan tests: in-process vendor apps, credentials, plans."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

import httpx

with warnings.catch_warnings():
    # starlette asks for `httpx2`; this project pins httpx 0.27 for the netsuite SDK.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from mocks.netsuite import create_app as create_netsuite
from mocks.salesforce import SalesforceMockConfig
from mocks.salesforce import create_app as create_salesforce
from mocks.salesforce.ids import make_id
from mocks.store import RecordStore
from tests.clock import Clock as _Clock
from tests.mocks.netsuite.signing import TbaAuth

__all__ = [
    "ADMIN", "BASE", "CUSTOMERS", "NS_AUTH", "SUITEQL", "Clock", "TestClient", "add_accounts",
    "add_customers", "faults", "netsuite_client", "put_plan", "salesforce_client", "sf_login",
    "truth",
]  # fmt: skip

ADMIN = {"X-Harness-Token": "harness-admin"}
BASE = "/services/data/v59.0"
NS_AUTH = TbaAuth()  # signs each request (OAuth 1.0a, the stock NetSuite token)
CUSTOMERS = "/services/rest/record/v1/customer"
SUITEQL = "/services/rest/query/v1/suiteql"
START = datetime(2024, 1, 15, 10, 22, 0, 250_000, tzinfo=UTC)


class Clock(_Clock):
    """The shared test clock, starting at this module's `START` unless told otherwise."""

    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


def salesforce_client(store: RecordStore | None = None) -> TestClient:
    return TestClient(create_salesforce(store=store or RecordStore(clock=Clock())))


def netsuite_client(store: RecordStore | None = None) -> TestClient:
    client = TestClient(create_netsuite(store=store or RecordStore(clock=Clock())))
    client.auth = NS_AUTH
    return client


def sf_login(client: TestClient) -> dict[str, str]:
    """Authorization headers from a password grant against the mock."""
    config = SalesforceMockConfig()
    form = {
        "grant_type": "password",
        "client_id": config.client_id,
        "client_secret": config.client_secret,
        "username": config.username,
        "password": config.password,
    }
    response = client.post("/services/oauth2/token", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def put_plan(client: TestClient, plan: dict[str, Any]) -> httpx.Response:
    return client.put("/__harness/faults", json=plan, headers=ADMIN)


def faults(client: TestClient, plan: dict[str, Any]) -> dict[str, Any]:
    """Activate `plan` and return the status the admin API answers."""
    response = put_plan(client, plan)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def truth(client: TestClient, kind: str = "fault") -> list[dict[str, Any]]:
    response = client.get("/__harness/ground-truth", headers=ADMIN)
    assert response.status_code == 200, response.text
    return [f for f in response.json()["facts"] if f["kind"] == kind]


def add_accounts(store: RecordStore, count: int, start: int = 1) -> list[str]:
    """Plain Accounts straight into the store."""
    ids = []
    for n in range(start, start + count):
        record_id = make_id("001", n)
        store.insert("Account", record_id, {"Name": f"Account {n:05d}", "Phone": f"555-{n:04d}"})
        ids.append(record_id)
    return ids


def add_customers(client: TestClient, count: int) -> list[str]:
    """Customers created through the NetSuite record service; returns their ids."""
    ids = []
    for n in range(count):
        body = {"companyName": f"Customer {n:03d}", "subsidiary": {"id": "1"},
                "phone": f"555-{n:04d}", "externalId": f"EXT-{n:03d}"}  # fmt: skip
        response = client.post(CUSTOMERS, json=body)
        assert response.status_code == 204, response.text
        ids.append(response.headers["Location"].rsplit("/", 1)[1])
    return ids
