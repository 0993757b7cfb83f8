"""The customers flow Salesforce -> SAP under realistic SAP latency: seconds, SAP calls, and
calls per synced record against the `$batch` minimum.

The mocks run in their own process (`harness mock-up --crm salesforce --erp sap`), the SAP
mock under `fixtures/faults/sap_realistic.yaml` (about 250 ms a call, about 1 s a `$batch`,
rare 503s on reads). The Salesforce side carries no latency: the figures are SAP's.

SAP's minimum for N new customers is one `$batch` per 100 records (the connector's change
sets, one a record, 100 a batch), the lookups that tell creates from updates (one `or`
query per 100 external ids) and one CSRF fetch: `2 * ceil(N / 100) + 1` calls. Calls are
counted on the wire (`HttpSession.observe`), retries included, and sorted by what they did;
the figure is SAP calls per synced record against that minimum, and the ratio. The floor in
seconds is that minimum sent one after another at the plan's mean latencies, the time a
client that never overlaps calls would need.

Run: `python -m bench.sap_bench [--accounts N]` prints the figures; `make bench` runs it as
the `sap` section of bench/results.json.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bench.limits_bench import FAULTS, CallLog, mean_latency_s, observed_run
from bench.sync_bench import mocks_process
from harness.config import HarnessConfig

SAP_PLAN = FAULTS / "sap_realistic.yaml"
BATCH_RECORDS = 100  # records a `$batch` carries (the connector's default `batch_size`)
LOOKUP_IDS = 100  # external ids one lookup query carries (a page of 100 ids, VENDORS.md)
CSRF_FETCHES = 1  # one token for the business partner service, unless SAP expires it


@contextmanager
def sap_mocks(
    workdir: Path, accounts: int, seed: int, faults: Path | None = None
) -> Iterator[HarnessConfig]:
    """`harness mock-up` of Salesforce and SAP in a child process; yields the config it
    wrote, stops the child after."""
    with mocks_process(workdir, accounts, seed, faults=faults, crm="salesforce",
                       erp="sap") as config:  # fmt: skip
        yield config


def kind_of(method: str, url: str) -> str:
    """What one SAP call did: `batch`, `lookup`, `csrf` (a token fetch on the service root),
    `metadata` or `other`."""
    path = unquote(url.split("?", 1)[0])
    if method == "POST" and path.endswith("/$batch"):
        return "batch"
    if path.endswith("/$metadata"):
        return "metadata"
    if method in ("GET", "HEAD") and path.endswith("/"):
        return "csrf"
    if method == "GET" and "$filter" in unquote(url):
        return "lookup"
    return "other"


def sap_minimum(records: int) -> int:
    """SAP calls N new customers need at least: the batches, the lookups and one CSRF fetch."""
    batches = math.ceil(records / BATCH_RECORDS)
    lookups = math.ceil(records / LOOKUP_IDS)
    return batches + lookups + CSRF_FETCHES


def floor_seconds(records: int) -> float:
    """The minimum's calls one after another at the plan's mean latencies."""
    batch_s = mean_latency_s(SAP_PLAN, "sap", "write")
    call_s = mean_latency_s(SAP_PLAN, "sap", "query")
    batches = math.ceil(records / BATCH_RECORDS)
    return batches * batch_s + (sap_minimum(records) - batches) * call_s


def bench_sap(accounts: int = 2_000, seed: int = 42) -> dict[str, Any]:
    """The customers flow of `accounts` new Salesforce accounts into SAP, once."""
    load = {"start": list(os.getloadavg())}
    with tempfile.TemporaryDirectory() as tmp, sap_mocks(Path(tmp), accounts, seed,
                                                          SAP_PLAN) as config:  # fmt: skip
        log = CallLog()
        result, seconds = observed_run(config, log, full=True)
    load["end"] = list(os.getloadavg())
    if result.status != "succeeded" or result.counts.created == 0:
        raise RuntimeError(f"the SAP run did not sync: {result.status} {result.error}")
    synced = result.counts.written
    kinds = Counter(kind_of(method, url) for system, method, url, _ in log.calls
                    if system == "erp")  # fmt: skip
    sap_calls = sum(kinds.values())
    minimum = sap_minimum(synced)
    floor_s = floor_seconds(synced)
    return {
        "accounts": float(accounts),
        "synced": float(synced),
        "quarantined": float(result.counts.quarantined),
        "seconds": seconds,
        "records_per_s": synced / seconds,
        "floor_s": floor_s,
        "seconds_vs_floor": seconds / floor_s,
        "sap_calls": float(sap_calls),
        "sap_batches": float(kinds["batch"]),
        "sap_lookups": float(kinds["lookup"]),
        "sap_csrf_fetches": float(kinds["csrf"]),
        "sap_metadata": float(kinds["metadata"]),
        "sap_other": float(kinds["other"]),
        "crm_calls": float(sum(1 for system, *_ in log.calls if system == "crm")),
        "sap_calls_per_record": sap_calls / synced,
        "batch_minimum_calls": float(minimum),
        "batch_minimum_per_record": minimum / synced,
        "calls_vs_minimum": sap_calls / minimum,
        "load_average": load,
        "_stages": dict(result.stages),
    }


SAP_LABELS = {
    "seconds": "SAP realistic: customers full sync, s",
    "floor_s": "SAP realistic: minimum calls one after another, s",
    "seconds_vs_floor": "SAP realistic: seconds vs that floor",
    "sap_calls": "SAP realistic: SAP calls",
    "sap_calls_per_record": "SAP realistic: SAP calls per synced record",
    "batch_minimum_per_record": "SAP realistic: $batch minimum per record",
    "calls_vs_minimum": "SAP realistic: calls vs $batch minimum",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    figures = bench_sap(args.accounts, args.seed)
    for name, label in SAP_LABELS.items():
        print(f"{label:55} {figures[name]:>10,.3f}")
    print(f"{'SAP calls by kind':55} batch {figures['sap_batches']:.0f}, lookup "
          f"{figures['sap_lookups']:.0f}, csrf {figures['sap_csrf_fetches']:.0f}, metadata "
          f"{figures['sap_metadata']:.0f}, other {figures['sap_other']:.0f}")  # fmt: skip
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in figures["_stages"].items())
    print(f"{'engine stages':55} {stages}")
    print(f"load average (1, 5, 15 min): {figures['load_average']}")


if __name__ == "__main__":
    main()
