"""What every test of the `netsuite` SDK (0.12.0) shares: the mock it talks to over HTTPS with
our CA, the SDK's own client with only its host changed, and a way to run its coroutines.

The SDK hard-codes `https://<account>.suitetalk.api.netsuite.com`; `LoopbackRestApi` only
swaps that host for the mock's, so every request, header and signature is the SDK's own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from netsuite import Config, TokenAuth
from netsuite.rest_api import NetSuiteRestApi

from mocks.netsuite import NetSuiteMockConfig, create_app
from mocks.server import RunningServer, start_server
from mocks.tls import TlsMaterial, ensure_tls

MOCK = NetSuiteMockConfig()
GOOD_AUTH = TokenAuth(
    consumer_key=MOCK.consumer_key,
    consumer_secret=MOCK.consumer_secret,
    token_id=MOCK.token_id,
    token_secret=MOCK.token_secret,
)
# Deprecations inside the SDK, which these tests must run unchanged: it signs with oauthlib's
# `sign_hmac_sha256` and hands JSON text to httpx as `data=` not `content=`.
SDK_MARKS = [
    pytest.mark.fidelity,
    pytest.mark.filterwarnings("ignore:use sign_hmac_sha256_with_client:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Use 'content=<...>' to upload raw:DeprecationWarning"),
]
T = TypeVar("T")


class LoopbackRestApi(NetSuiteRestApi):
    """The SDK's REST client with its host pointed at the mock; nothing else differs."""

    loopback_host = ""

    def _make_hostname(self) -> str:
        return self.loopback_host


@contextmanager
def netsuite_server(folder: Path, world: dict[str, Any] | None = None) -> Iterator[
    tuple[RunningServer, TlsMaterial]
]:  # fmt: skip
    """A NetSuite mock on loopback over HTTPS with a fresh CA, seeded with `world` if given."""
    tls = ensure_tls(folder)
    with start_server(create_app(MOCK), tls=tls) as running:
        if world is not None:
            with httpx.Client(base_url=running.url, verify=str(tls.ca_path), trust_env=False,
                              timeout=60) as http:  # fmt: skip
                seeded = http.post("/__harness/seed", json=world,
                                   headers={"X-Harness-Token": MOCK.admin_token})  # fmt: skip
                assert seeded.status_code == 200, seeded.text
        yield running, tls


def sdk_client(
    running: RunningServer, tls: TlsMaterial, monkeypatch: pytest.MonkeyPatch,
    auth: TokenAuth = GOOD_AUTH,
) -> LoopbackRestApi:  # fmt: skip
    """The SDK's client for the mock, trusting its CA and bypassing any proxy."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_path))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    api = LoopbackRestApi(Config(account=MOCK.account_id, auth=auth))
    api.loopback_host = f"{running.host}:{running.port}"
    return api


def run(call: Callable[[], Awaitable[T]]) -> T:
    """Run one SDK coroutine to completion (the SDK is async only)."""

    async def main() -> T:
        return await call()

    return asyncio.run(main())
