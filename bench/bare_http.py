"""Bare HTTP against the mocks: the requests our connectors send and nothing else, for the
transport-ceiling figures (bench.ceiling_bench, bench.fetch_bench)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson

from harness.api import FlowPlan
from harness.config import HarnessConfig
from sync.connectors import create_connector
from sync.connectors.base import ConnectionSettings
from sync.connectors.http import AuthHook, HttpSession
from sync.connectors.netsuite import dialect as ns_dialect

_USER_AGENT = "crm-erp-harness-sync/0.1"  # what sync.connectors.http sends
_NS_WRITE_HEADERS = {"X-NetSuite-PropertyNameValidation": "error"}  # as the connector's upsert
_DROP_HEADERS = frozenset({"host", "content-length", "connection", "accept-encoding"})


@dataclass
class Counts:
    get: int = 0
    lookups: int = 0
    writes: int = 0
    failed: list[str] = field(default_factory=list)


def settings_of(config: HarnessConfig, system: str) -> ConnectionSettings:
    return config.systems[system].connection_settings()


def client_for(settings: ConnectionSettings, **kwargs: Any) -> httpx.Client:
    """An httpx client built exactly as sync.connectors.http builds the connectors'."""
    return HttpSession.build_client(settings, **kwargs)


def ns_page_size(settings: ConnectionSettings) -> int:
    return min(settings.page_size or ns_dialect.MAX_PAGE, ns_dialect.MAX_PAGE)


def captured_query(requests: list[httpx.Request]) -> tuple[str, dict[str, str]]:
    """The first SOQL query request the connector sent: its URL and headers."""
    for request in requests:
        if request.method == "GET" and request.url.path.endswith(("/query", "/queryAll")):
            headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROP_HEADERS}
            return str(request.url), headers
    raise RuntimeError("the Salesforce connector sent no SOQL query")


class NetSuiteWire:
    """Bare NetSuite calls: the connector's own request signing, orjson, nothing else."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self._connector = create_connector(settings)
        auth = getattr(getattr(self._connector, "http", None), "auth", None)
        if auth is None:
            raise RuntimeError("the NetSuite connector exposes no auth hook to sign with")
        self._auth: AuthHook = auth
        self._base = settings.base_url.rstrip("/")
        self._client = client_for(settings)
        self.page = ns_page_size(settings)
        self.pool = ThreadPoolExecutor(max(1, settings.concurrency), thread_name_prefix="bare")

    def send(
        self, method: str, path: str, query: str, content: bytes | None, extra: dict[str, str]
    ) -> httpx.Response:
        url = f"{self._base}{path}" + (f"?{query}" if query else "")
        headers = {"Accept": "application/json", "User-Agent": _USER_AGENT, **extra}
        if content is not None:
            headers["Content-Type"] = "application/json"
        headers.update(self._auth.headers(method, url))
        return self._client.request(method, url, content=content, headers=headers)

    def suiteql(self, body: bytes, offset: int) -> tuple[int, Any]:
        query = urlencode({"limit": self.page, "offset": offset})
        answer = self.send("POST", ns_dialect.SUITEQL_PATH, query, body, {"Prefer": "transient"})
        return answer.status_code, orjson.loads(answer.content) if answer.content else None

    def put(self, path: str, body: bytes) -> int:
        return self.send("PUT", path, "", body, _NS_WRITE_HEADERS).status_code

    def get_record(self, path: str) -> tuple[int, Any]:
        answer = self.send("GET", path, "expandSubResources=true", None, {})
        return answer.status_code, orjson.loads(answer.content) if answer.content else None

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self._client.close()
        self._connector.close()


@contextmanager
def wires(config: HarnessConfig, plan: FlowPlan) -> Iterator[tuple[httpx.Client, NetSuiteWire]]:
    source = client_for(settings_of(config, plan.config.source))
    target = NetSuiteWire(settings_of(config, plan.config.target))
    try:
        yield source, target
    finally:
        source.close()
        target.close()


def soql_pages(
    client: httpx.Client, url: str, headers: dict[str, str], counts: Counts
) -> Iterator[list[Any]]:
    """SOQL pages as raw rows, following nextRecordsUrl (relative to the instance)."""
    base = httpx.URL(url)
    while True:
        answer = client.get(url, headers=headers)
        counts.get += 1
        if answer.status_code != 200:
            raise RuntimeError(f"SOQL page -> {answer.status_code}: {answer.text[:200]}")
        body = orjson.loads(answer.content)
        yield body.get("records", [])
        next_url = body.get("nextRecordsUrl")
        if body.get("done", True) or not next_url:
            return
        url = str(base.join(next_url))
