"""Salesforce writes and full reads: Bulk API 2.0 jobs against sObject Collections and
`query/` pages, through the connector, with the mock in its own process on loopback.

For N records (default 200,000): an upsert of N new Accounts through composite calls of 200
(threshold above N) and another N through one bulk job (the default threshold), then a full
read of the 2N Accounts through `query/` pages of 2,000 and through one query job. Figures:
seconds, calls, and calls per record. No latency is injected: the figures compare the work
each path makes the client and the org do, not network round trips (which favour bulk more).

Run: `python -m bench.salesforce_bulk_bench [--records N]`; the figures go to
`bench/salesforce_bulk.json` and are printed.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import orjson

from bench.servers import serve_apps
from mocks.salesforce.app import build_app
from sync.connectors import ConnectionSettings, create_connector

RESULTS = Path(__file__).resolve().parent / "salesforce_bulk.json"
CREDENTIALS = {"client_id": "bench-sf-id", "client_secret": "bench-sf-secret"}
ADMIN_TOKEN = "bench-admin"
NEVER = 10**9  # a threshold no call reaches


def _records(prefix: str, count: int) -> list[dict[str, Any]]:
    return [{"External_Id__c": f"{prefix}-{n:07d}", "Name": f"Bench {prefix} {n}",
             "Phone": f"+1 555 {n:07d}"} for n in range(count)]  # fmt: skip


def _measure(url: str, threshold: int, work: Any) -> dict[str, float]:
    settings = ConnectionSettings(
        vendor="salesforce", base_url=url, credentials=dict(CREDENTIALS), timeout=600,
        options={"bulk_threshold": threshold},
    )  # fmt: skip
    with create_connector(settings) as conn:
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


def bench_bulk(records: int) -> dict[str, Any]:
    load = {"start": list(os.getloadavg())}
    with serve_apps({"salesforce": (build_app, (CREDENTIALS, ADMIN_TOKEN))}) as urls:
        url = urls["salesforce"]
        figures = {
            "upsert_composite": _measure(url, NEVER, _upsert("C", records)),
            "upsert_bulk": _measure(url, 2_000, _upsert("B", records)),
            "full_read_query": _measure(url, NEVER, _read),
            "full_read_bulk": _measure(url, 2_000, _read),
        }
    load["end"] = list(os.getloadavg())
    return {"records_per_write": records, "load_average": load, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    args = parser.parse_args()
    result = bench_bulk(args.records)
    RESULTS.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    for name in ("upsert_composite", "upsert_bulk", "full_read_query", "full_read_bulk"):
        f = result[name]
        print(f"{name:18} {f['records']:>9.0f} records {f['seconds']:8.2f} s "
              f"{f['calls']:>6.0f} calls {f['calls_per_record']:.5f} calls/record")  # fmt: skip


if __name__ == "__main__":
    main()
