"""The products flow NetSuite -> HubSpot under a Professional portal's limits: seconds,
HubSpot calls, calls per synced record against the batch minimum, and throughput against the
maximum those limits allow.

The mocks run in their own process (`harness mock-up --crm hubspot --erp netsuite`), the
HubSpot mock under `fixtures/faults/hubspot_realistic.yaml` (190 requests per rolling 10 s,
19 a second, search 4 a second, about 120 ms a call). The world is reseeded with a catalogue
of N products in NetSuite (`products=N`, a handful of companies); HubSpot holds the few
products it shares with the ERP, so nearly every write is a create. The NetSuite side
carries no latency: the figures are HubSpot's.

HubSpot's minimum for N products is one `batch/upsert` per 100 records and one lookup per
100 (a `batch/read` by `erp_item_id`, or a search), `2 * ceil(N / 100)` calls. Calls are
counted on the wire (`HttpSession.observe`), retries included, and sorted by what they did.

The maximum throughput HubSpot's limits allow is the burst allowance spent on batch calls of
100 records: `burst_limit / interval * 100` records a second (1,900 for 190 per 10 s). A
flow that also needs its lookups can reach at most half of that (`max_with_lookups`); both
ratios are reported, and the load average beside them, since they move with what else the
machine runs.

Run: `python -m bench.hubspot_bench [--records N]` prints the figures; `make bench` runs it as
the `hubspot` section of bench/results.json.
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
from urllib.parse import unquote, urlsplit

import httpx
import yaml

from bench.limits_bench import FAULTS, CallLog, observed_run
from bench.sync_bench import mockup
from harness.config import HarnessConfig, load_config
from harness.sandbox import ADMIN_TOKEN_ENV
from mocks.admin import ADMIN_PREFIX, TOKEN_HEADER
from sync.engine import RunResult

HUBSPOT_PLAN = FAULTS / "hubspot_realistic.yaml"
FLOW = "products"
BATCH_RECORDS = 100  # records a batch upsert carries
LOOKUP_RECORDS = 100  # external ids a batch read (or ids a search page) carries
WORLD_ACCOUNTS = 20  # companies of the reseeded world: the catalogue is what matters


def plan_limits(plan: Path = HUBSPOT_PLAN) -> tuple[int, float]:
    """(burst allowance, its window in seconds) the fault plan sets for HubSpot."""
    settings = yaml.safe_load(plan.read_text(encoding="utf-8"))["settings"]["hubspot"]
    return int(settings["burst_limit"]), int(settings["burst_interval_ms"]) / 1000


def hubspot_minimum(records: int) -> int:
    """HubSpot calls N products need at least: the batch upserts and the lookups."""
    return math.ceil(records / BATCH_RECORDS) + math.ceil(records / LOOKUP_RECORDS)


def max_records_per_s(burst: int, interval_s: float, calls_per_batch: int = 1) -> float:
    """Records a second the burst allowance allows when every call in it carries a batch of
    100 (`calls_per_batch` calls spent per batch: 2 with its lookup)."""
    return burst / interval_s * BATCH_RECORDS / calls_per_batch


def kind_of(method: str, url: str) -> str:
    """What one HubSpot call did: `upsert`, `lookup` (batch read or search), `describe`
    (properties), `auth`, `association`, `list` or `other`."""
    path = unquote(urlsplit(url).path).rstrip("/")
    if "/oauth/" in path:
        return "auth"
    if "/crm/v3/properties/" in path:
        return "describe"
    if "/associations" in path:
        return "association"
    if method == "POST" and path.endswith("/batch/upsert"):
        return "upsert"
    if method == "POST" and (path.endswith("/batch/read") or path.endswith("/search")):
        return "lookup"
    if method == "GET" and path.count("/") == 4:  # /crm/v3/objects/{type}
        return "list"
    return "other"


@contextmanager
def hubspot_mocks(workdir: Path, seed: int, faults: Path | None = None
                  ) -> Iterator[tuple[HarnessConfig, str]]:  # fmt: skip
    """`harness mock-up` of HubSpot and NetSuite in a child process; yields the config it
    wrote and the mocks' admin token, stops the child after."""
    with mockup(workdir, WORLD_ACCOUNTS, seed, faults=faults, crm="hubspot",
                erp="netsuite") as environ:  # fmt: skip
        config_path = with_products_flow(workdir / "harness.yaml")
        yield load_config(config_path, environ), environ[ADMIN_TOKEN_ENV]


def with_products_flow(path: Path) -> Path:
    """The config `harness mock-up` wrote (its customers flow only) with the pair's products
    flow added, through the mapping it compiled beside the others."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    (customers,) = [f for f in config["flows"] if f["name"] == "customers"]
    mapping = str(Path(customers["mapping"]).with_name(f"{FLOW}.yaml"))
    products = {**customers, "name": FLOW, "mapping": mapping, "source": "erp", "target": "crm"}
    config["flows"] = [products]
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def reseed_catalogue(config: HarnessConfig, token: str, records: int, seed: int,
                     faults: Path | None) -> None:  # fmt: skip
    """NetSuite reseeded with a catalogue of `records` products, HubSpot with the same world's
    companies and no catalogue (a portal the ERP's items were never sent to, so every write
    is a create); the fault plan put back after (a seed may restore a mock's settings)."""
    world = {"seed": seed, "accounts": WORLD_ACCOUNTS, "products": records,
             "crm": "hubspot", "erp": "netsuite"}  # fmt: skip
    plan = yaml.safe_load(faults.read_text(encoding="utf-8")) if faults else None
    for system in config.systems.values():
        catalogue = system.vendor == "netsuite"
        verify: str | bool = str(system.ca_path) if system.ca_path else True
        with httpx.Client(base_url=system.base_url, verify=verify, timeout=300,
                          trust_env=False, headers={TOKEN_HEADER: token}) as client:  # fmt: skip
            body = {**world, "full_business": catalogue}
            client.post(f"{ADMIN_PREFIX}/seed", json=body).raise_for_status()
            if plan is not None:
                client.put(f"{ADMIN_PREFIX}/faults", json=plan).raise_for_status()


def bench_hubspot(records: int = 5_000, seed: int = 42) -> dict[str, Any]:
    """The products flow of `records` new NetSuite items into HubSpot, once."""
    load = {"start": list(os.getloadavg())}
    with (
        tempfile.TemporaryDirectory() as tmp,
        hubspot_mocks(Path(tmp), seed, HUBSPOT_PLAN) as (config, token),
    ):
        reseed_catalogue(config, token, records, seed, HUBSPOT_PLAN)
        log = CallLog()
        result, seconds = observed_run(config, log, full=True, flow=FLOW)
        crm = {name for name, system in config.systems.items() if system.vendor == "hubspot"}
    load["end"] = list(os.getloadavg())
    if result.status != "succeeded" or result.counts.written == 0:
        raise RuntimeError(f"the HubSpot run did not sync: {result.status} {result.error}")
    return figures(result, seconds, log, crm, load)


def figures(result: RunResult, seconds: float, log: CallLog, crm: set[str],
            load: dict[str, list[float]]) -> dict[str, Any]:  # fmt: skip
    """The bench's figures from one observed run (`crm`: the HubSpot system's names)."""
    synced = result.counts.written
    kinds = Counter(kind_of(method, url) for system, method, url, _ in log.calls
                    if system in crm)  # fmt: skip
    calls = sum(kinds.values())
    minimum = hubspot_minimum(synced)
    burst, interval = plan_limits()
    rate = synced / seconds
    ceiling = max_records_per_s(burst, interval)
    with_lookups = max_records_per_s(burst, interval, calls_per_batch=2)
    return {
        "synced": float(synced),
        "created": float(result.counts.created),
        "quarantined": float(result.counts.quarantined),
        "seconds": seconds,
        "records_per_s": rate,
        "max_records_per_s": ceiling,
        "throughput_vs_max": rate / ceiling,
        "max_with_lookups_per_s": with_lookups,
        "throughput_vs_max_with_lookups": rate / with_lookups,
        "hubspot_calls": float(calls),
        **{f"hubspot_{kind}": float(kinds[kind]) for kind in KINDS},
        "other_calls": float(sum(1 for system, *_ in log.calls if system not in crm)),
        "hubspot_calls_per_record": calls / synced,
        "batch_minimum_calls": float(minimum),
        "batch_minimum_per_record": minimum / synced,
        "calls_vs_minimum": calls / minimum,
        "load_average": load,
        "_stages": dict(result.stages),
    }


KINDS = ("upsert", "lookup", "describe", "auth", "association", "list", "other")

HUBSPOT_LABELS = {
    "seconds": "HubSpot realistic: products full sync, s",
    "records_per_s": "HubSpot realistic: records per s",
    "max_records_per_s": "HubSpot realistic: max the burst allows (100 a call), /s",
    "throughput_vs_max": "HubSpot realistic: throughput vs that max",
    "throughput_vs_max_with_lookups": "HubSpot realistic: throughput vs max with lookups",
    "hubspot_calls": "HubSpot realistic: HubSpot calls",
    "hubspot_calls_per_record": "HubSpot realistic: HubSpot calls per synced record",
    "batch_minimum_per_record": "HubSpot realistic: batch minimum per record",
    "calls_vs_minimum": "HubSpot realistic: calls vs batch minimum",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    found = bench_hubspot(args.records, args.seed)
    for name, label in HUBSPOT_LABELS.items():
        print(f"{label:58} {found[name]:>10,.3f}")
    by_kind = ", ".join(f"{kind} {found[f'hubspot_{kind}']:.0f}" for kind in KINDS)
    print(f"{'HubSpot calls by kind':58} {by_kind}")
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in found["_stages"].items())
    print(f"{'engine stages':58} {stages}")
    print(f"load average (1, 5, 15 min): {found['load_average']}")


if __name__ == "__main__":
    main()
