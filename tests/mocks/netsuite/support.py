"""Shared helpers for the NetSuite mock tests: headers, paths, a clock, error checks."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import StarletteDeprecationWarning

from tests.clock import Clock as _Clock
from tests.mocks.netsuite.signing import TbaAuth, replay

with warnings.catch_warnings():
    # starlette asks for `httpx2`; this project pins httpx 0.27 for the netsuite SDK.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = [
    "ADMIN", "CUSTOMERS", "START", "STRICT", "SUITEQL", "Clock", "TbaAuth", "TestClient",
    "error_detail", "oauth_header", "signed_client",
]  # fmt: skip

ADMIN = {"X-Harness-Token": "harness-admin"}
STRICT = {"X-NetSuite-PropertyNameValidation": "error"}
CUSTOMERS = "/services/rest/record/v1/customer"
SUITEQL = "/services/rest/query/v1/suiteql"
START = datetime(2024, 1, 15, 10, 22, 0, 250_000, tzinfo=UTC)


class Clock(_Clock):
    """The shared test clock, starting at this module's `START` unless told otherwise."""

    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


def signed_client(app: Any, **kw: Any) -> TestClient:
    """A TestClient for `app` signing every request with the stock token (see `signing`)."""
    client = TestClient(app, **kw)
    client.auth = TbaAuth()
    return client


def business_client(settings: Any) -> Iterator[TestClient]:
    """A signing client of a NetSuite mock seeded with `settings` (a module fixture's body:
    the world is read-only for the module's tests)."""
    from mocks.netsuite import create_app  # the app loads lazily, as the pack does

    app = create_app()
    app.state.mock.seed(settings)
    with TestClient(app) as client:
        client.auth = TbaAuth()
        yield client


def suiteql_items(client: TestClient, query: str) -> dict[str, Any]:
    """The answer of one SuiteQL query (a page of up to 1,000 rows), checked to be 200."""
    response = client.post(SUITEQL, json={"q": query}, params={"limit": 1000})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def oauth_header(method: str, url: str, **overrides: str | None) -> dict[str, str]:
    """A signed token-based-auth header for one request; `overrides` change parameters
    before signing (None drops one)."""
    return replay(TbaAuth(overrides=dict(overrides)).oauth_params(method, url))


def error_detail(response: Any) -> dict[str, Any]:
    """The single `o:errorDetails` entry, after checking the NetSuite error envelope."""
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == response.status_code
    assert body["type"].startswith("https://www.rfc-editor.org/rfc/")
    assert isinstance(body["title"], str) and body["title"]
    (detail,) = body["o:errorDetails"]
    return dict(detail)
