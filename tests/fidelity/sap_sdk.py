"""What every pyodata (1.12.1) test shares: the SAP mock on loopback over HTTPS with our CA,
a `requests.Session` as VENDORS.md section 0 says (`verify=<ca>`, `trust_env=False`), the
caller's CSRF fetch (pyodata leaves it to the session), and pyodata's own client for a
service, unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyodata
import pytest
import requests
from pyodata.v2.service import HttpError
from pyodata.vendor.SAP import BusinessGatewayError

from mocks.sap.app import create_app
from mocks.sap.config import SapMockConfig
from mocks.server import RunningServer, start_server
from mocks.tls import ensure_tls

CONFIG = SapMockConfig()
ROOT = "/sap/opu/odata/sap"
SDK_MARKS = [pytest.mark.fidelity]
WORLD = {
    "seed": 7,
    "accounts": 12,
    "full_business": True,
    "products": 8,
    "locations": 2,
    "contacts_per_company": 2,
    "erp": "sap",
}


@dataclass
class System:
    """A running SAP mock and how to reach it."""

    server: RunningServer
    ca_path: str

    def url(self, service: str) -> str:
        return f"{self.server.url}{ROOT}/{service}"

    def admin(self, method: str, path: str, **kw: Any) -> httpx.Response:
        with httpx.Client(
            base_url=self.server.url, verify=self.ca_path, trust_env=False, timeout=60
        ) as http:
            return http.request(
                method, f"/__harness{path}", headers={"X-Harness-Token": CONFIG.admin_token}, **kw
            )

    def session(self, *, csrf_for: str | None = None) -> requests.Session:
        """A Basic-auth session trusting our CA; with `csrf_for`, a CSRF token fetched from
        that service's root and kept on the session (its cookie in the session's jar)."""
        session = requests.Session()
        session.verify = self.ca_path
        session.trust_env = False  # REQUESTS_CA_BUNDLE would override `verify`
        session.auth = (CONFIG.username, CONFIG.password)
        # an open kept-alive socket would stall the server's shutdown
        session.headers["Connection"] = "close"
        if csrf_for is not None:
            fetched = session.get(self.url(csrf_for) + "/", headers={"X-CSRF-Token": "Fetch"})
            assert fetched.status_code == 200, fetched.text
            session.headers["X-CSRF-Token"] = fetched.headers["x-csrf-token"]
        return session

    def client(self, service: str, *, csrf: bool = True) -> pyodata.Client:
        session = self.session(csrf_for=service if csrf else None)
        return pyodata.Client(self.url(service), session)


@contextmanager
def sap_system(
    folder: Path, world: dict[str, Any] | None = None, **settings: Any
) -> Iterator[System]:
    """The SAP mock over HTTPS with a fresh CA, seeded with `world`, settings patched."""
    tls = ensure_tls(folder)
    with start_server(create_app(CONFIG), tls=tls) as running:
        system = System(running, str(tls.ca_path))
        if world is not None:
            seeded = system.admin("POST", "/seed", json=world)
            assert seeded.status_code == 200, seeded.text
        if settings:
            assert system.admin("PATCH", "/settings", json=settings).status_code == 200
        yield system


@pytest.fixture
def sap_errors() -> Iterator[None]:
    """pyodata parses SAP's error body when told the vendor type (its documented switch)."""
    previous = HttpError.VendorType
    HttpError.VendorType = BusinessGatewayError
    yield
    HttpError.VendorType = previous


__all__ = ["CONFIG", "SDK_MARKS", "WORLD", "System", "sap_errors", "sap_system"]
