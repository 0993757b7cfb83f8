"""The account concurrency limit: excess requests get 429 at once, never a queue."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx
import pytest

from mocks.netsuite import NetSuiteMockConfig, create_app
from mocks.server import start_server
from mocks.store import RecordStore
from tests.mocks.netsuite.support import (
    ADMIN,
    CUSTOMERS,
    START,
    TbaAuth,
    TestClient,
    error_detail,
    signed_client,
)


class GateClock:
    """A store clock that, once closed, parks every caller until the test opens it."""

    def __init__(self) -> None:
        self.closed = False
        self.entered = threading.Semaphore(0)
        self.opened = threading.Event()

    def __call__(self) -> datetime:
        if self.closed:
            self.entered.release()
            self.opened.wait(timeout=10)
        return START


@pytest.mark.filterwarnings("ignore::fastapi.exceptions.FastAPIDeprecationWarning")
def test_limit_of_zero_rejects_every_api_request() -> None:
    client = signed_client(create_app(NetSuiteMockConfig(max_concurrent=0)))
    response = client.get(CUSTOMERS)
    assert response.status_code == 429
    detail = error_detail(response)
    assert detail["o:errorCode"] == "CONCURRENCY_LIMIT_EXCEEDED"
    assert response.json()["title"] == "Too Many Requests"
    assert client.get("/__harness/health").status_code == 200  # the admin API is not counted


@pytest.mark.filterwarnings("ignore::fastapi.exceptions.FastAPIDeprecationWarning")
def test_limit_changed_through_the_admin_api_applies_to_the_next_request(
    client: TestClient,
) -> None:
    assert client.get(CUSTOMERS).status_code == 200
    client.patch("/__harness/settings", json={"max_concurrent": 0}, headers=ADMIN)
    assert client.get(CUSTOMERS).status_code == 429
    client.patch("/__harness/settings", json={"max_concurrent": 1}, headers=ADMIN)
    assert client.get(CUSTOMERS).status_code == 200


def test_request_beyond_the_limit_is_rejected_at_once_while_another_is_in_flight() -> None:
    gate = GateClock()
    app = create_app(NetSuiteMockConfig(max_concurrent=1), RecordStore(clock=gate))
    body = {"companyName": "Slow Co", "subsidiary": {"id": "1"}}
    with (
        start_server(app) as server,
        httpx.Client(base_url=server.url, auth=TbaAuth(), trust_env=False, timeout=10) as http,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        gate.closed = True
        slow = pool.submit(http.post, CUSTOMERS, json=body)
        try:
            assert gate.entered.acquire(timeout=10)  # the create is parked inside the store
            blocked = http.get(CUSTOMERS)
            assert not slow.done()  # answered while the other request was still in flight
        finally:
            gate.closed = False
            gate.opened.set()
        assert blocked.status_code == 429
        assert error_detail(blocked)["o:errorCode"] == "CONCURRENCY_LIMIT_EXCEEDED"
        assert slow.result().status_code == 204
        assert http.get(CUSTOMERS).json()["totalResults"] == 1
