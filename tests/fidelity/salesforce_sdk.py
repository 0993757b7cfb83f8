"""What the simple-salesforce tests on a seeded org share: the mock over HTTPS with a fresh
CA, seeded with a world, and the SDK's own client holding a session from the password grant
(unchanged but for its instance URL and a `requests` session that trusts our CA)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import requests
from simple_salesforce import Salesforce

from mocks.salesforce import SalesforceMockConfig, create_app
from mocks.server import start_server
from mocks.tls import ensure_tls

CONFIG = SalesforceMockConfig()


@contextmanager
def seeded_salesforce(folder: Path, world: dict[str, Any]) -> Iterator[Salesforce]:
    """A Salesforce mock seeded with `world`, and the SDK logged in to it."""
    tls = ensure_tls(folder)
    with start_server(create_app(CONFIG), tls=tls) as server, httpx.Client(
        base_url=server.url, verify=str(tls.ca_path), trust_env=False, timeout=60
    ) as http:  # fmt: skip
        admin = {"X-Harness-Token": CONFIG.admin_token}
        seeded = http.post("/__harness/seed", json=world, headers=admin)
        assert seeded.status_code == 200, seeded.text
        token = http.post("/services/oauth2/token", data={
            "grant_type": "password", "client_id": CONFIG.client_id,
            "client_secret": CONFIG.client_secret, "username": CONFIG.username,
            "password": CONFIG.password,
        })  # fmt: skip
        assert token.status_code == 200, token.text
        session = requests.Session()
        session.verify = str(tls.ca_path)
        session.trust_env = False  # REQUESTS_CA_BUNDLE would override `verify`
        session.headers["Connection"] = "close"
        try:
            yield Salesforce(instance_url=server.url, session_id=token.json()["access_token"],
                             session=session)  # fmt: skip
        finally:
            session.close()
