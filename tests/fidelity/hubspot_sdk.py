"""What every test of hubspot-api-client (12.0.0) shares: the HubSpot mock on loopback over
HTTPS with a fresh CA, and the SDK's own client pointed at it.

Only configuration changes: `host` (the SDK sets it on every API group's Configuration) and
`ssl_ca_cert`, the SDK's own option that its urllib3 pool uses to trust our CA. No SDK code
is patched, so every request, header and model is the SDK's own."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from hubspot import HubSpot
from hubspot.discovery.discovery_base import DiscoveryBase

from mocks.hubspot.app import create_app
from mocks.hubspot.config import HubSpotMockConfig
from mocks.server import RunningServer, start_server
from mocks.tls import TlsMaterial, ensure_tls

MOCK = HubSpotMockConfig()
SDK_MARKS = [pytest.mark.fidelity]
WORLD = {
    "seed": 21,
    "accounts": 30,
    "full_business": True,
    "products": 10,
    "locations": 1,
    "contacts_per_company": 3,
    "crm": "hubspot",
    "erp": "netsuite",
}


@contextmanager
def hubspot_server(
    folder: Path, world: dict[str, Any] | None = None
) -> Iterator[tuple[RunningServer, TlsMaterial]]:
    """A HubSpot mock on loopback over HTTPS with a fresh CA, seeded with `world` if given."""
    tls = ensure_tls(folder)
    with start_server(create_app(MOCK), tls=tls) as running:
        if world is not None:
            with admin_client(running, tls) as http:
                seeded = http.post("/__harness/seed", json=world)
                assert seeded.status_code == 200, seeded.text
        try:
            yield running, tls
        finally:
            drain(running)


def drain(running: RunningServer, seconds: float = 5.0) -> None:
    """Wait (bounded) until the server has seen every client connection close: a TLS
    connection still open when uvicorn stops outlives its event loop and warns."""
    deadline = time.monotonic() + seconds
    while running._server.server_state.connections and time.monotonic() < deadline:
        time.sleep(0.01)


def admin_client(running: RunningServer, tls: TlsMaterial) -> httpx.Client:
    """An httpx client for the admin API (settings, fault plans, snapshots)."""
    return httpx.Client(
        base_url=running.url,
        verify=str(tls.ca_path),
        trust_env=False,
        timeout=60,
        headers={"X-Harness-Token": MOCK.admin_token},
    )


class ApiClients:
    """Keeps the API objects the SDK builds (one per API group access, through its own
    `api_factory` option) so a test can close their connection pools before the server
    stops; otherwise open keep-alive sockets outlive the server and warn."""

    def __init__(self) -> None:
        self.apis: list[Any] = []

    def factory(self, package: Any, api_name: str, config: dict[str, Any]) -> Any:
        api = DiscoveryBase._default_api_factory(package, api_name, config)
        self.apis.append(api)
        return api

    def close(self) -> None:
        # An ApiException's traceback keeps the failed response (and its socket) alive in a
        # reference cycle until the collector runs: collect first, then close the pools.
        gc.collect()
        for api in self.apis:
            api.api_client.rest_client.pool_manager.clear()
        self.apis.clear()


def sdk_client(
    running: RunningServer,
    tls: TlsMaterial,
    clients: ApiClients,
    token: str | None = MOCK.access_token,
) -> HubSpot:
    """The SDK's client for the mock: its host and the CA it trusts, nothing else."""
    return HubSpot(
        access_token=token,
        host=running.url,
        ssl_ca_cert=str(tls.ca_path),
        api_factory=clients.factory,
    )


@contextmanager
def fresh_clients(running: RunningServer, tls: TlsMaterial, **settings: Any
                  ) -> Iterator[ApiClients]:  # fmt: skip
    """A test's own SDK API objects on a portal whose settings are back to the mock's
    defaults (then `settings`, e.g. `search_per_second=0`); closed after the test."""
    with admin_client(running, tls) as admin:  # every test starts with fresh limits
        admin.delete("/__harness/settings")
        if settings:
            admin.patch("/__harness/settings", json=settings)
    clients = ApiClients()
    try:
        yield clients
    finally:
        clients.close()


__all__ = [
    "MOCK",
    "SDK_MARKS",
    "WORLD",
    "ApiClients",
    "admin_client",
    "fresh_clients",
    "hubspot_server",
    "sdk_client",
]
