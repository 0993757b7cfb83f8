"""Fixtures for the connector tests: in-process mock apps, a settable clock, transport faults.

Each vendor is described once by a `Kit` (how to build its mock, its settings, what a valid
and an invalid record look like); the conformance battery runs every test over every kit.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from mocks.store import RecordStore
from sync.connectors import ConnectionSettings, Connector, create_connector

with warnings.catch_warnings():
    # starlette asks for `httpx2`; the project pins httpx 0.27 for the netsuite SDK.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

START = datetime(2024, 1, 15, 10, 0, 0, tzinfo=UTC)
FAST_RETRIES = {"backoff_base": 0.001, "backoff_max": 0.01}


class Clock:
    """The mock store's clock: stands still until a test moves it (whole seconds)."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: int = 1) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


Fault = int | tuple[int, dict[str, str]] | str


class FaultyTransport(httpx.BaseTransport):
    """Fails the first requests as told (a status, a status with headers, or "reset" /
    "timeout"), then delegates to the real transport. A test tool, not a mock of our code."""

    def __init__(self, inner: httpx.BaseTransport, faults: list[Fault]) -> None:
        self.inner = inner
        self.faults = list(faults)
        self.injected = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            fault = self.faults.pop(0) if self.faults else None
            if fault is not None:
                self.injected += 1
        if fault is None:
            return self.inner.handle_request(request)
        if fault == "reset":
            raise httpx.RemoteProtocolError(
                "Server disconnected without a response", request=request
            )
        if fault == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        status, headers = fault if isinstance(fault, tuple) else (fault, {})
        assert isinstance(status, int)
        return httpx.Response(status, headers=headers, json={"injected": status}, request=request)


@dataclass
class Kit:
    """One vendor as the conformance battery sees it."""

    vendor: str
    obj: str
    ext_field: str
    name_field: str  # a text field the tests change
    app: FastAPI
    clock: Clock
    client: TestClient
    settings: ConnectionSettings
    record: Callable[[str], dict[str, Any]]
    too_long: Callable[[str], dict[str, Any]]
    missing_required: Callable[[str], dict[str, Any]]
    too_long_codes: frozenset[str]
    missing_codes: frozenset[str]
    reports_created: bool
    required_field: str
    length_field: str
    length: int
    bad_credentials: dict[str, str]
    group_size: int  # records per timestamp in paging tests: 3 groups span several pages
    transports: list[FaultyTransport] = field(default_factory=list)

    def connector(self, **changes: Any) -> Connector:
        options = {**self.settings.options, **changes.pop("options", {})}
        settings = replace(self.settings, options=options, **changes)
        return create_connector(settings, client=self.client)

    def inject(self, *faults: Fault) -> FaultyTransport:
        """Make the next requests of this kit's client fail as given."""
        transport = FaultyTransport(self.client._transport, list(faults))
        self.client._transport = transport
        return transport


def _netsuite_kit(clock: Clock) -> tuple[FastAPI, dict[str, Any]]:
    from mocks.netsuite import create_app

    app = create_app(store=RecordStore(clock=clock))
    settings = ConnectionSettings(
        vendor="netsuite",
        base_url="https://127.0.0.1:8443",
        credentials={
            "consumer_key": "harness-ns-consumer",
            "consumer_secret": "harness-ns-consumer-secret",
            "token_id": "harness-ns-token",
            "token_secret": "harness-ns-token-secret",
        },
        page_size=5,
        options={"account": "1234567_SB1", **FAST_RETRIES},
    )
    return app, {
        "vendor": "netsuite",
        "obj": "customer",
        "ext_field": "externalId",
        "name_field": "companyName",
        "settings": settings,
        "record": lambda key: {
            "externalId": key,
            "companyName": f"Company {key}",
            "email": f"{key.lower()}@example.com",
            "subsidiary": "1",
        },
        "too_long": lambda key: {"externalId": key, "companyName": "x" * 120,
                                 "subsidiary": "1"},
        "missing_required": lambda key: {"externalId": key, "companyName": f"Company {key}"},
        "too_long_codes": frozenset({"INVALID_CONTENT", "USER_ERROR"}),
        "missing_codes": frozenset({"USER_ERROR"}),
        "reports_created": False,
        "required_field": "subsidiary",
        "length_field": "companyName",
        "length": 83,
        "bad_credentials": {"token_id": "stolen-token"},
        "group_size": 7,
    }  # fmt: skip


def _salesforce_kit(clock: Clock) -> tuple[FastAPI, dict[str, Any]]:
    from mocks.salesforce import create_app

    app = create_app(store=RecordStore(clock=clock))
    settings = ConnectionSettings(
        vendor="salesforce",
        base_url="https://127.0.0.1:9443",
        credentials={"client_id": "harness-sf-client", "client_secret": "harness-sf-secret"},
        page_size=200,
        options=dict(FAST_RETRIES),
    )
    return app, {
        "vendor": "salesforce",
        "obj": "Account",
        "ext_field": "External_Id__c",
        "name_field": "Name",
        "settings": settings,
        "record": lambda key: {
            "External_Id__c": key,
            "Name": f"Company {key}",
            "Billing_Email__c": f"{key.lower()}@example.com",
        },
        "too_long": lambda key: {"External_Id__c": key, "Name": "x" * 300},
        "missing_required": lambda key: {"External_Id__c": key, "Phone": "555-0100"},
        "too_long_codes": frozenset({"STRING_TOO_LONG"}),
        "missing_codes": frozenset({"REQUIRED_FIELD_MISSING"}),
        "reports_created": True,
        "required_field": "Name",
        "length_field": "Name",
        "length": 255,
        "bad_credentials": {"client_secret": "wrong-secret"},
        "group_size": 90,  # Salesforce pages hold at least 200 rows
    }


def _netsuite_order_kit(clock: Clock) -> tuple[FastAPI, dict[str, Any]]:
    """Sales orders with an item sublist, against a customer and an item made beforehand."""
    app, parts = _netsuite_kit(clock)
    store: RecordStore = app.state.mock.store
    store.insert("customer", "1", {"companyName": "Order Customer", "subsidiary": "1",
                                   "currency": "1", "isPerson": False})  # fmt: skip
    store.insert("inventoryItem", "1", {"itemId": "SKU-1", "isInactive": False})

    def order(key: str, **extra: Any) -> dict[str, Any]:
        lines = [{"item": "1", "quantity": 2, "rate": 5.5}]
        return {"externalId": key, "entity": "1", "memo": f"Order {key}",
                "tranDate": "2024-01-15", "item": lines, **extra}  # fmt: skip

    return app, {
        **parts,
        "obj": "salesOrder",
        "name_field": "memo",
        "record": order,
        "too_long": lambda key: order(key, memo="x" * 1200),
        "missing_required": lambda key: {k: v for k, v in order(key).items() if k != "entity"},
        "required_field": "entity",
        "length_field": "memo",
        "length": 999,
    }


def _salesforce_order_kit(clock: Clock) -> tuple[FastAPI, dict[str, Any]]:
    """Orders upserted by Order_Key__c against an account made beforehand."""
    from mocks.salesforce.ids import make_id

    app, parts = _salesforce_kit(clock)
    account = make_id("001", 1)
    app.state.mock.store.insert("Account", account, {"Name": "Order Customer"})

    def order(key: str, **extra: Any) -> dict[str, Any]:
        return {"Order_Key__c": key, "AccountId": account, "EffectiveDate": "2024-01-15",
                "Status": "Draft", "PoNumber": f"PO {key}", **extra}  # fmt: skip

    return app, {
        **parts,
        "obj": "Order",
        "ext_field": "Order_Key__c",
        "name_field": "PoNumber",
        "record": order,
        "too_long": lambda key: order(key, PoNumber="x" * 100),
        "missing_required": lambda key: {k: v for k, v in order(key).items() if k != "AccountId"},
        "required_field": "AccountId",
        "length_field": "PoNumber",
        "length": 80,
    }


KIT_BUILDERS: dict[str, Callable[[Clock], tuple[FastAPI, dict[str, Any]]]] = {
    "salesforce": _salesforce_kit,
    "netsuite": _netsuite_kit,
    "salesforce-Order": _salesforce_order_kit,
    "netsuite-salesOrder": _netsuite_order_kit,
}


def build_kit(vendor: str) -> Iterator[Kit]:
    clock = Clock()
    app, parts = KIT_BUILDERS[vendor](clock)
    with TestClient(app) as client:
        yield Kit(app=app, clock=clock, client=client, **parts)


@pytest.fixture(params=sorted(KIT_BUILDERS), ids=sorted(KIT_BUILDERS))
def kit(request: pytest.FixtureRequest) -> Iterator[Kit]:
    yield from build_kit(request.param)


@pytest.fixture
def netsuite_kit() -> Iterator[Kit]:
    yield from build_kit("netsuite")


@pytest.fixture
def salesforce_kit() -> Iterator[Kit]:
    yield from build_kit("salesforce")
