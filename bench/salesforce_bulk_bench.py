"""Salesforce writes and full reads: Bulk API 2.0 jobs against sObject Collections and
`query/` pages, through the connector, with the mocks in their own processes on loopback.

For N records (default 200,000), two parts (`--parts`, both by default):
- `accounts`: an upsert of N new Accounts through composite calls of 200 (threshold above
  N) into one org, and of N others through one bulk job (the default threshold) into a
  second org; then a full read of the first org's N Accounts through `query/` pages of
  2,000 and through one Bulk 2.0 query job;
- `flow`: the `products` flow (ERP -> CRM) of N NetSuite items into an empty org through
  the engine, once with the composite path and once with bulk, the engine gathering
  NetSuite's pages of 1,000 into rounds of the connector's `bulk_batch`.
Figures: seconds, calls, and calls per record, with the load average before and after. No
latency is injected: the figures compare the work each path makes the client and the org
do, not network round trips (which favour bulk more).

Run: `python -m bench.salesforce_bulk_bench [--records N] [--parts accounts,flow]`; the
figures go to `bench/salesforce_bulk.json` (with the command line) and are printed. Not part
of `make bench` (`bench.run`): at 200,000 records it takes minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI

from bench.servers import serve_apps
from mocks.netsuite.app import build_app as build_netsuite
from mocks.netsuite.config import DEFAULT_ACCOUNT_ID
from mocks.salesforce.app import build_app
from sync.connectors import ConnectionSettings, create_connector
from sync.engine import Flow, SyncEngine
from sync.mapping import load_mapping
from sync.state import StateStore

RESULTS = Path(__file__).resolve().parent / "salesforce_bulk.json"
CREDENTIALS = {"client_id": "bench-sf-id", "client_secret": "bench-sf-secret"}
ADMIN_TOKEN = "bench-admin"
NEVER = 10**9  # a threshold no call reaches
NS_CREDENTIALS = {"consumer_key": "bench-ck", "consumer_secret": "bench-cs",
                  "token_id": "bench-ti", "token_secret": "bench-ts"}  # fmt: skip
PRODUCTS = (
    Path(__file__).resolve().parents[1]
    / "fixtures" / "integrations" / "salesforce-netsuite" / "products.yaml"
)  # fmt: skip


def _records(prefix: str, count: int) -> list[dict[str, Any]]:
    return [{"External_Id__c": f"{prefix}-{n:07d}", "Name": f"Bench {prefix} {n}",
             "Phone": f"+1 555 {n:07d}"} for n in range(count)]  # fmt: skip


def _measure(url: str, threshold: int, work: Any) -> dict[str, float]:
    settings = ConnectionSettings(
        vendor="salesforce", base_url=url, credentials=dict(CREDENTIALS), timeout=600,
        options={"bulk_threshold": threshold},
    )  # fmt: skip
    with closing(create_connector(settings)) as conn:
        conn.describe("Account")  # the token and describe are not part of the figure
        before, started = conn.call_count(), time.perf_counter()
        count = work(conn)
        seconds = time.perf_counter() - started
        calls = conn.call_count() - before
    return {"records": float(count), "seconds": seconds, "calls": float(calls),
            "calls_per_record": calls / max(1, count)}  # fmt: skip


def _upsert(prefix: str, count: int) -> Any:
    def work(conn: Any) -> int:
        results = conn.upsert("Account", "External_Id__c", _records(prefix, count))
        failed = [r for r in results if not r.ok]
        if failed:
            raise RuntimeError(f"{len(failed)} records failed, first: {failed[0]}")
        return len(results)

    return work


def _read(conn: Any) -> int:
    return sum(len(page) for page in conn.read("Account", fields=["Name", "External_Id__c"]))


def _netsuite_with_items(credentials: dict[str, str], admin_token: str, count: int) -> FastAPI:
    """A NetSuite account holding `count` inventory items (built in the server's process)."""
    app = build_netsuite(credentials, admin_token)
    store = app.state.mock.store
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(1, count + 1):
        fields = {"itemId": f"BENCH-{n:07d}", "displayName": f"Bench item {n}",
                  "salesDescription": f"Item {n} of the bulk flow bench", "stockUnit": "Each",
                  "isInactive": False, "price": [], "locations": []}  # fmt: skip
        store.insert("inventoryItem", str(n), fields, at=start + timedelta(seconds=n // 50))
    return app


def _flow(source_url: str, target_url: str, threshold: int) -> dict[str, float]:
    """The products flow NetSuite -> Salesforce through the engine, into an empty org."""
    source = create_connector(ConnectionSettings(
        vendor="netsuite", base_url=source_url, credentials=dict(NS_CREDENTIALS), timeout=600,
        concurrency=15, options={"account": DEFAULT_ACCOUNT_ID},
    ))  # fmt: skip
    target = create_connector(ConnectionSettings(
        vendor="salesforce", base_url=target_url, credentials=dict(CREDENTIALS), timeout=600,
        options={"bulk_threshold": threshold},
    ))  # fmt: skip
    flow = Flow("products", load_mapping(PRODUCTS))
    with tempfile.TemporaryDirectory() as folder, closing(source), closing(target):
        state = StateStore(Path(folder) / "state.db")
        started = time.perf_counter()
        try:
            result = SyncEngine(source, target, state).run(flow)
        finally:
            state.close()
        seconds = time.perf_counter() - started
    if result.counts.created != result.counts.read or result.status != "succeeded":
        raise RuntimeError(f"the flow did not create every item: {result.counts}")
    return {"records": float(result.counts.read), "seconds": seconds,
            "target_calls": float(result.target_calls),
            "target_calls_per_record": result.target_calls / max(1, result.counts.read),
            "source_calls": float(result.source_calls)}  # fmt: skip


def bench_flow(records: int) -> dict[str, Any]:
    """The ERP -> CRM flow of `records` items, composite against bulk (two empty orgs)."""
    apps: dict[str, tuple[Callable[..., FastAPI], tuple[Any, ...]]] = {
        "netsuite": (_netsuite_with_items, (NS_CREDENTIALS, ADMIN_TOKEN, records)),
        "composite": (build_app, (CREDENTIALS, ADMIN_TOKEN)),
        "bulk": (build_app, (CREDENTIALS, ADMIN_TOKEN)),
    }
    with serve_apps(apps) as urls:
        return {
            "flow_composite": _flow(urls["netsuite"], urls["composite"], NEVER),
            "flow_bulk": _flow(urls["netsuite"], urls["bulk"], 2_000),
        }


PARTS = ("accounts", "flow")
ACCOUNT_FIGURES = ("upsert_composite", "upsert_bulk", "full_read_query", "full_read_bulk")
FLOW_FIGURES = ("flow_composite", "flow_bulk")


def bench_accounts(records: int) -> dict[str, Any]:
    """N Accounts upserted each way into an org of its own, then the first org's N read
    through `query/` pages and through a query job."""
    builds = {name: (build_app, (CREDENTIALS, ADMIN_TOKEN)) for name in ("composite", "bulk")}
    with serve_apps(builds) as urls:
        return {
            "upsert_composite": _measure(urls["composite"], NEVER, _upsert("C", records)),
            "upsert_bulk": _measure(urls["bulk"], 2_000, _upsert("B", records)),
            "full_read_query": _measure(urls["composite"], NEVER, _read),
            "full_read_bulk": _measure(urls["composite"], 2_000, _read),
        }


def bench_bulk(records: int, parts: tuple[str, ...] = PARTS) -> dict[str, Any]:
    """The chosen parts at `records`, with the load average as they started and ended."""
    load = {"start": list(os.getloadavg())}
    figures: dict[str, Any] = {}
    if "accounts" in parts:
        figures.update(bench_accounts(records))
    if "flow" in parts:
        figures.update(bench_flow(records))
    load["end"] = list(os.getloadavg())
    return {"records": records, "parts": list(parts), "load_average": load, **figures}


def _parts(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = sorted(set(parts) - set(PARTS))
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"parts are {', '.join(PARTS)}; not {unknown}")
    return parts


def report(result: dict[str, Any]) -> None:
    """Print one line a figure present in `result`."""
    for name in ACCOUNT_FIGURES:
        if (f := result.get(name)) is not None:
            print(f"{name:18} {f['records']:>9.0f} records {f['seconds']:8.2f} s "
                  f"{f['calls']:>6.0f} calls {f['calls_per_record']:.5f} calls/record")  # fmt: skip
    for name in FLOW_FIGURES:
        if (f := result.get(name)) is not None:
            print(f"{name:18} {f['records']:>9.0f} records {f['seconds']:8.2f} s "
                  f"{f['target_calls']:>6.0f} Salesforce calls "
                  f"{f['target_calls_per_record']:.5f} calls/record")  # fmt: skip
    load = result["load_average"]
    print(f"load average: start {load['start']}, end {load['end']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--parts", type=_parts, default=PARTS, help="accounts,flow")
    args = parser.parse_args()
    result = bench_bulk(args.records, args.parts)
    result["command"] = " ".join(["python -m bench.salesforce_bulk_bench", *sys.argv[1:]])
    RESULTS.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    report(result)


if __name__ == "__main__":
    main()
