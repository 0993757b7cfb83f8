"""Customers and orders, Salesforce -> NetSuite: a small integration written the way a team
writes one, with the vendors' own SDKs only (simple-salesforce and `netsuite`).

It knows nothing of the harness: it reads where the systems are and how to log in from the
environment (the names `harness judge` hands over, see docs/judge.md), reads every Account,
Order and OrderItem from Salesforce, and upserts them into NetSuite by external id (the
Salesforce id), which makes every run idempotent. `mappings/` says what it must do; the
judge holds it to that.

Two bugs can be switched on, to see the judge catch them (flags or environment variables):

- `--bug truncate-names` / `EXAMPLE_BUG_TRUNCATE_NAMES=1`: company names cut at 30 characters;
- `--bug ignore-retry-after` / `EXAMPLE_BUG_IGNORE_RETRY_AFTER=1`: a retry loop that retries
  a throttled call at once instead of waiting the `Retry-After` NetSuite asked for.

Run it (see README.md):

    harness judge --flow customers --flow orders \\
        --mappings examples/salesforce_to_netsuite/mappings \\
        -- python examples/salesforce_to_netsuite/sync.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from netsuite import Config, TokenAuth
from netsuite.rest_api import NetSuiteRestApi
from simple_salesforce import Salesforce

NAME_LIMIT_BUG = 30
MAX_ATTEMPTS = 6
COUNTRIES = {  # Salesforce's country names -> ISO codes, and NetSuite's subsidiary per country
    "united states": "US",
    "usa": "US",
    "us": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "gb": "GB",
    "germany": "DE",
    "de": "DE",
    "france": "FR",
    "fr": "FR",
    "canada": "CA",
    "ca": "CA",
}
SUBSIDIARIES = {"US": "1", "GB": "2", "DE": "3", "FR": "4", "CA": "5"}
CURRENCIES = {"USD": "1", "GBP": "2", "CAD": "3", "EUR": "4"}


class Throttled(Exception):
    def __init__(self, status: int, wait: float) -> None:
        super().__init__(f"NetSuite answered {status}")
        self.status, self.wait = status, wait


class SandboxNetSuite(NetSuiteRestApi):
    """The SDK's client; only the host differs (the SDK builds it from the account id)."""

    host = ""

    def _make_hostname(self) -> str:
        return self.host


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        sys.exit(f"{name} is not set (run me under `harness judge`)")
    return value


def salesforce() -> Salesforce:
    """Log in with the OAuth password grant, then hand the session to simple-salesforce."""
    url, ca = env("HARNESS_CRM_URL"), env("HARNESS_CA_BUNDLE")
    session = requests.Session()
    session.verify = ca
    form = {
        "grant_type": "password",
        "client_id": env("HARNESS_SF_CLIENT_ID"),
        "client_secret": env("HARNESS_SF_CLIENT_SECRET"),
        "username": env("HARNESS_SF_USERNAME"),
        "password": env("HARNESS_SF_PASSWORD") + env("HARNESS_SF_SECURITY_TOKEN", ""),
    }
    token = session.post(f"{url}/services/oauth2/token", data=form, timeout=30)
    token.raise_for_status()
    grant = token.json()
    return Salesforce(
        instance_url=grant["instance_url"], session_id=grant["access_token"], session=session
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


# -- mapping: what mappings/customers.yaml and orders.yaml ask for --------------------------


def customer_body(account: dict[str, Any], bugs: set[str]) -> dict[str, Any]:
    name = " ".join((account["Name"] or "").split())
    if "truncate-names" in bugs:
        name = name[:NAME_LIMIT_BUG]
    country = COUNTRIES.get((account.get("BillingCountry") or "").strip().lower())
    lines = [ln.strip() for ln in (account.get("BillingStreet") or "").splitlines() if ln.strip()]
    address = {
        "addr1": lines[0] if lines else None,
        "addr2": ", ".join(lines[1:]) or None,
        "city": _trim(account.get("BillingCity")),
        "state": _trim(account.get("BillingState")),
        "zip": _trim(account.get("BillingPostalCode")),
        "country": country,
    }
    body = {
        "companyName": name,
        "isPerson": False,
        "phone": account.get("Phone"),
        "email": _lower(account.get("Billing_Email__c")),
        "url": _url(account.get("Website")),
        "comments": _trim(account.get("Description")),
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


def order_body(
    order: dict[str, Any], lines: list[dict[str, Any]], customer_id: str, items: dict[str, str]
) -> dict[str, Any]:
    body = {
        "entity": {"id": customer_id},
        "tranDate": order["EffectiveDate"],
        "otherRefNum": _trim(order.get("PoNumber")),
        "memo": order.get("Order_Key__c"),
        "currency": {"id": CURRENCIES[order["CurrencyIsoCode"]]},
        "item": {
            "items": [
                {
                    "line": int(line["Line__c"]),
                    "item": {"id": items[line["Product2Id"]]},
                    "quantity": float(line["Quantity"]),
                    "rate": float(line["UnitPrice"]),
                }
                for line in sorted(lines, key=lambda ln: ln["Line__c"])
            ]
        },
    }
    return _present(body)


def _trim(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _lower(value: Any) -> str | None:
    text = _trim(value)
    return text.lower() if text else None


def _url(value: Any) -> str | None:
    text = _trim(value)
    if not text:
        return None
    return (text if "://" in text else f"https://{text}").rstrip("/")


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


# -- NetSuite writes, retried as the vendor asks ----------------------------------------------


async def upsert(
    api: SandboxNetSuite, record_type: str, key: str, body: dict[str, Any], bugs: set[str]
) -> None:
    """PUT by external id, retrying 429 and 5xx answers. The SDK's own error drops the
    response headers, so the response is read here to see NetSuite's `Retry-After`."""
    path = f"/record/v1/{record_type}/eid:{quote(key, safe='')}"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        response = await api._request_impl("PUT", path, json=body)
        if response.status_code < 300:
            return
        if response.status_code != 429 and response.status_code < 500:
            raise RuntimeError(f"{record_type} {key}: {response.status_code} {response.text}")
        asked = float(response.headers.get("Retry-After", 0) or 0)
        wait = 0.05 if "ignore-retry-after" in bugs else max(asked, 0.2 * 2 ** (attempt - 1))
        await asyncio.sleep(wait)
    raise RuntimeError(f"{record_type} {key}: still refused after {MAX_ATTEMPTS} attempts")


async def customer_ids(api: SandboxNetSuite) -> dict[str, str]:
    """NetSuite's customer id for each external id (the Salesforce Account id), by SuiteQL."""
    found: dict[str, str] = {}
    for offset in range(0, 1_000_000, 1000):  # bounded: a million customers
        page = await api.suiteql(
            "SELECT id, externalid FROM customer WHERE externalid IS NOT NULL ORDER BY id",
            limit=1000,
            offset=offset,
        )
        found.update({row["externalid"]: str(row["id"]) for row in page["items"]})
        if not page.get("hasMore"):
            break
    return found


async def run(bugs: set[str]) -> int:
    sf, ns = salesforce(), netsuite()
    accounts = sf.query_all(
        "SELECT Id, Name, Phone, Website, Description, Billing_Email__c,"
        " BillingStreet, BillingCity, BillingState, BillingPostalCode,"
        " BillingCountry FROM Account"
    )["records"]
    await asyncio.gather(
        *(upsert(ns, "customer", a["Id"], customer_body(a, bugs), bugs) for a in accounts)
    )
    print(f"customers: {len(accounts)} upserted")
    orders = sf.query_all(
        "SELECT Id, AccountId, EffectiveDate, PoNumber, Order_Key__c, CurrencyIsoCode FROM Order"
    )["records"]
    if not orders:
        return 0
    lines: dict[str, list[dict[str, Any]]] = {}
    for line in sf.query_all(
        "SELECT OrderId, Line__c, Product2Id, Quantity, UnitPrice FROM OrderItem"
    )["records"]:
        lines.setdefault(line["OrderId"], []).append(line)
    items = {
        p["Id"]: p["NetSuite_Id__c"]
        for p in sf.query_all("SELECT Id, NetSuite_Id__c FROM Product2")["records"]
        if p["NetSuite_Id__c"]
    }
    customers = await customer_ids(ns)
    await asyncio.gather(
        *(
            upsert(
                ns,
                "salesOrder",
                o["Id"],
                order_body(o, lines.get(o["Id"], []), customers[o["AccountId"]], items),
                bugs,
            )
            for o in orders
            if o["AccountId"] in customers and lines.get(o["Id"])
        )
    )
    print(f"orders: {len(orders)} upserted")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--bug", action="append", default=[], choices=["truncate-names", "ignore-retry-after"]
    )
    bugs = set(parser.parse_args().bug)
    if os.environ.get("EXAMPLE_BUG_TRUNCATE_NAMES") == "1":
        bugs.add("truncate-names")
    if os.environ.get("EXAMPLE_BUG_IGNORE_RETRY_AFTER") == "1":
        bugs.add("ignore-retry-after")
    return asyncio.run(run(bugs))


if __name__ == "__main__":
    sys.exit(main())
