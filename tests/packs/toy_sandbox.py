"""In-process helpers for the Toy CRM tests: its app behind a `TestClient`, and the registered
toy connector over that client (the `toy` fixture in conftest builds the first)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, NamedTuple

from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from mocks.store import RecordStore
from sync.connectors import ConnectionSettings, Connector, create_connector

with warnings.catch_warnings():
    # starlette asks for `httpx2`; the project pins httpx 0.27 for the netsuite SDK.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

CREDENTIALS = {"client_id": "toy-client", "client_secret": "toy-secret"}
ADMIN_TOKEN = "toy-admin"
ACCOUNTS = 40  # companies in the world the `toy` fixture seeds
SETTINGS = ConnectionSettings(
    vendor="toy",
    base_url="http://testserver",  # TestClient's
    credentials=CREDENTIALS,
    options={"backoff_base": 0.001, "backoff_max": 0.01},
)


class Sandbox(NamedTuple):
    """A running Toy CRM app and the client reaching it."""

    app: FastAPI
    client: TestClient

    @property
    def store(self) -> RecordStore:
        store: RecordStore = self.app.state.mock.store
        return store

    def token(self) -> str:
        """A fresh bearer token for raw requests."""
        body = self.client.post("/oauth/token", data={"grant_type": "client_credentials",
                                                      **CREDENTIALS}).json()  # fmt: skip
        return str(body["access_token"])


@contextmanager
def connected(toy: Sandbox, **changes: Any) -> Iterator[Connector]:
    """The registered toy connector (`SETTINGS` with `changes`) over the sandbox's client,
    closed after."""
    conn = create_connector(replace(SETTINGS, **changes), client=toy.client)
    try:
        yield conn
    finally:
        conn.close()


__all__ = ["ACCOUNTS", "ADMIN_TOKEN", "CREDENTIALS", "SETTINGS", "Sandbox", "TestClient",
           "connected"]  # fmt: skip
