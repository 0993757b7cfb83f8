"""Shared helpers for the NetSuite mock tests: headers, paths, a clock, error checks."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from starlette.exceptions import StarletteDeprecationWarning

from tests.clock import Clock as _Clock

with warnings.catch_warnings():
    # starlette asks for `httpx2`; this project pins httpx 0.27 for the netsuite SDK.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = [
    "ADMIN", "BEARER", "CUSTOMERS", "START", "STRICT", "SUITEQL", "Clock", "TestClient",
    "error_detail", "oauth_header",
]  # fmt: skip

BEARER = {"Authorization": "Bearer harness-ns-token-secret"}
ADMIN = {"X-Harness-Token": "harness-admin"}
STRICT = {"X-NetSuite-PropertyNameValidation": "error"}
CUSTOMERS = "/services/rest/record/v1/customer"
SUITEQL = "/services/rest/query/v1/suiteql"
START = datetime(2024, 1, 15, 10, 22, 0, 250_000, tzinfo=UTC)


class Clock(_Clock):
    """The shared test clock, starting at this module's `START` unless told otherwise."""

    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


def oauth_header(**overrides: str) -> dict[str, str]:
    """A token-based-auth header as the netsuite SDK sends it (the signature is not checked)."""
    params = {
        "realm": "1234567_SB1",
        "oauth_consumer_key": "harness-ns-consumer",
        "oauth_token": "harness-ns-token",
        "oauth_signature_method": "HMAC-SHA256",
        "oauth_timestamp": "1705314120",
        "oauth_nonce": "n0nce",
        "oauth_version": "1.0",
        "oauth_signature": "c2lnbmF0dXJl/+=",
        **overrides,
    }
    inner = ", ".join(f'{k}="{quote(v, safe="")}"' for k, v in params.items() if v != "<omit>")
    return {"Authorization": f"OAuth {inner}"}


def error_detail(response: Any) -> dict[str, Any]:
    """The single `o:errorDetails` entry, after checking the NetSuite error envelope."""
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status"] == response.status_code
    assert body["type"].startswith("https://www.rfc-editor.org/rfc/")
    assert isinstance(body["title"], str) and body["title"]
    (detail,) = body["o:errorDetails"]
    return dict(detail)
