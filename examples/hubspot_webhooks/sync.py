"""Companies, HubSpot -> NetSuite, kept in step by HubSpot's webhooks: a small integration
written the way a team writes one, with the vendors' SDKs only (hubspot-api-client and
`netsuite`) and the standard library's HTTP server.

It listens where `HARNESS_WEBHOOK_URL` says (loopback), copies every company across once
(the backfill: a webhook only tells of changes), then, for each delivery, checks HubSpot's
v3 signature with the app's client secret, reads the companies the events name and upserts
them into NetSuite by external id (the HubSpot id). It answers 204 once they are written
and 500 when it could not write them, so HubSpot sends the batch again. It runs until
stopped (SIGTERM: `harness judge --quiet-for` stops it once everything is quiet).

`--fail-first N` (or `EXAMPLE_FAIL_FIRST=N`) answers 500 to the first batch it receives, N
times, to watch HubSpot's retries carry it anyway (`attemptNumber` 0, 1, ... N).

    harness judge --crm hubspot --erp netsuite \\
        --webhook http://127.0.0.1:8765/hubspot/events --quiet-for 3 \\
        -- python examples/hubspot_webhooks/sync.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, urlsplit

import orjson
from hubspot import HubSpot
from hubspot.utils.signature import Signature
from netsuite import Config, TokenAuth
from netsuite.rest_api import NetSuiteRestApi

PROPERTIES = ["name", "phone", "website", "description", "address", "address2", "city",
              "state", "zip", "country"]  # fmt: skip
COUNTRIES = {
    "united states": "US", "usa": "US", "us": "US", "united kingdom": "GB", "uk": "GB",
    "gb": "GB", "germany": "DE", "de": "DE", "france": "FR", "fr": "FR", "canada": "CA",
    "ca": "CA",
}  # fmt: skip
SUBSIDIARIES = {"US": "1", "GB": "2", "DE": "3", "FR": "4", "CA": "5"}
MAX_ATTEMPTS = 6
ANSWER_WITHIN = 4.5  # HubSpot gives a delivery 5 seconds


class SandboxNetSuite(NetSuiteRestApi):
    """The SDK's client; only the host differs (the SDK builds it from the account id)."""

    host = ""

    def _make_hostname(self) -> str:
        return self.host


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        sys.exit(f"{name} is not set (run me under `harness judge --webhook URL`)")
    return value


def hubspot() -> HubSpot:
    return HubSpot(
        access_token=env("HARNESS_HUBSPOT_ACCESS_TOKEN"),
        host=env("HARNESS_CRM_URL"),
        ssl_ca_cert=env("HARNESS_CA_BUNDLE"),
    )


def netsuite() -> SandboxNetSuite:
    os.environ.setdefault("SSL_CERT_FILE", env("HARNESS_CA_BUNDLE"))  # httpx trusts it
    auth = TokenAuth(
        consumer_key=env("HARNESS_NS_CONSUMER_KEY"),
        consumer_secret=env("HARNESS_NS_CONSUMER_SECRET"),
        token_id=env("HARNESS_NS_TOKEN_ID"),
        token_secret=env("HARNESS_NS_TOKEN_SECRET"),
    )
    api = SandboxNetSuite(
        Config(account=env("HARNESS_ERP_ACCOUNT"), auth=auth), concurrent_requests=4
    )
    api.host = urlsplit(env("HARNESS_ERP_URL")).netloc
    return api


# -- the mapping: what the pair's customers.yaml asks for -------------------------------------


def customer_body(props: dict[str, Any]) -> dict[str, Any]:
    country = COUNTRIES.get((props.get("country") or "").strip().lower())
    address = {
        "addr1": _trim(props.get("address")),
        "addr2": _trim(props.get("address2")),
        "city": _trim(props.get("city")),
        "state": _trim(props.get("state")),
        "zip": _trim(props.get("zip")),
        "country": country,
    }
    body = {
        "companyName": " ".join((props.get("name") or "").split()),
        "isPerson": False,
        "phone": _trim(props.get("phone")),
        "url": _url(props.get("website")),
        "comments": _trim(props.get("description")),
        "subsidiary": {"id": SUBSIDIARIES[country]} if country in SUBSIDIARIES else None,
        "addressBook": {
            "items": [
                {
                    "defaultBilling": True,
                    "defaultShipping": True,
                    "addressBookAddress": _present(address),
                }
            ]
        },
    }
    return _present(body)


def _trim(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _url(value: Any) -> str | None:
    text = _trim(value)
    if not text:
        return None
    return (text if "://" in text else f"https://{text}").rstrip("/")


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


# -- NetSuite writes ----------------------------------------------------------------------------


async def upsert(api: SandboxNetSuite, company_id: str, props: dict[str, Any]) -> None:
    """PUT the customer by external id, retrying 429 and 5xx as NetSuite asks."""
    path = f"/record/v1/customer/eid:{quote(company_id, safe='')}"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        response = await api._request_impl("PUT", path, json=customer_body(props))
        if response.status_code < 300:
            return
        if response.status_code != 429 and response.status_code < 500:
            raise RuntimeError(f"customer {company_id}: {response.status_code} {response.text}")
        asked = float(response.headers.get("Retry-After", 0) or 0)
        await asyncio.sleep(max(asked, 0.2 * 2 ** (attempt - 1)))
    raise RuntimeError(f"customer {company_id}: still refused after {MAX_ATTEMPTS} attempts")


async def sync_companies(hs: HubSpot, ns: SandboxNetSuite, ids: list[str]) -> None:
    """Read each named company from HubSpot (the event holds one property, not the record)
    and upsert it."""
    for company_id in ids:
        company = await asyncio.to_thread(
            hs.crm.companies.basic_api.get_by_id, company_id, properties=PROPERTIES
        )
        await upsert(ns, company.id, company.properties)


# -- the webhook receiver ---------------------------------------------------------------------


class Receiver(ThreadingHTTPServer):
    """HubSpot's deliveries: signature checked, company ids handed to `react`."""

    daemon_threads = True

    def __init__(self, url: str, secret: str, react: Callable[[list[str]], None], fail: int):
        parts = urlsplit(url)
        super().__init__((parts.hostname or "127.0.0.1", parts.port or 80), _Handler)
        self.url, self.secret, self.react = url, secret, react
        self.failures_left = fail
        self.failing: int | None = None  # the first eventId of the batch refused on purpose
        self.lock = threading.Lock()

    def refuse(self, events: list[dict[str, Any]]) -> bool:
        """True while the first batch received is to be refused (`--fail-first`)."""
        first = int(events[0]["eventId"]) if events else None
        with self.lock:
            if self.failing is None and self.failures_left > 0:
                self.failing = first
            if first is not None and first == self.failing and self.failures_left > 0:
                self.failures_left -= 1
                return True
            return False


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(self._handle(body))

    def _handle(self, body: bytes) -> int:
        server = self.server
        try:
            valid = Signature.is_valid(
                signature=self.headers.get("X-HubSpot-Signature-v3", ""),
                client_secret=server.secret,
                request_body=body.decode("utf-8"),
                http_uri=server.url,  # the URL HubSpot was given: no proxy rewrites it here
                http_method="POST",
                signature_version="v3",
                timestamp=self.headers.get("X-HubSpot-Request-Timestamp"),
            )
        except Exception:  # the SDK raises on a stale or missing timestamp
            valid = False
        if not valid:
            return 401
        events = orjson.loads(body)
        if server.refuse(events):
            return 500
        ids = sorted({str(e["objectId"]) for e in events
                      if e.get("subscriptionType", "").startswith("company.")
                      and e["subscriptionType"] != "company.deletion"})  # fmt: skip
        try:
            server.react(ids)
        except Exception as exc:  # any failure: HubSpot must send it again
            print(f"could not sync {ids}: {exc}", flush=True)
            return 500
        print(f"synced {len(ids)} companies from {len(events)} events", flush=True)
        return 204

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


async def run(url: str, fail_first: int) -> int:
    hs, ns = hubspot(), netsuite()
    loop = asyncio.get_running_loop()

    def react(ids: list[str]) -> None:
        asyncio.run_coroutine_threadsafe(sync_companies(hs, ns, ids), loop).result(ANSWER_WITHIN)

    receiver = Receiver(url, env("HARNESS_HUBSPOT_CLIENT_SECRET"), react, fail_first)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()  # listen first
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    companies = await asyncio.to_thread(hs.crm.companies.get_all, properties=PROPERTIES)
    await asyncio.gather(*(upsert(ns, c.id, c.properties) for c in companies))
    print(f"backfill: {len(companies)} companies upserted; listening on {url}", flush=True)
    await stop.wait()
    receiver.shutdown()
    receiver.server_close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--fail-first", type=int, default=None)
    args = parser.parse_args()
    fail = args.fail_first
    if fail is None:
        fail = int(os.environ.get("EXAMPLE_FAIL_FIRST", "0") or 0)
    return asyncio.run(run(env("HARNESS_WEBHOOK_URL"), fail))


if __name__ == "__main__":
    sys.exit(main())
