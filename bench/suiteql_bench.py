"""NetSuite reads through SuiteQL pages under realistic limits: reconcile and incremental.

The mocks run `harness mock-up` in their own process with the realistic fault plans (as
`bench.limits_bench` does: NetSuite about 300 ms a call, lognormal, 15 requests in flight;
Salesforce 100-200 ms a query), and the NetSuite connection is allowed the account's 15.

1. Reconcile of the customers flow (Salesforce Account <-> NetSuite customer), read-only,
   on the seeded world: NetSuite calls per NetSuite record read (target <= 0.01), and time
   against the ceiling the limits set. A read needs the record type's metadata-catalog
   schema before it can ask for a body page, and a page before its names and lines; the
   pages themselves need not wait for one another when the read is cut into stamp spans
   (`sync.connectors.netsuite.spans`), so the fastest NetSuite read is the catalog (with
   the count beside it), then every page at once when the account's concurrency holds them
   (a further wave per 15 more), each page followed by its lines. Round trips that run side
   by side last as long as the slowest of them, so under lognormal latency the fastest the
   limits allow is the expected length of that path: `max(catalog, count) + max over pages
   of (page + lines)`, each call drawn from the plan's own latency rule (`critical_path_s`,
   20,000 draws, seeded). The Salesforce side, read at the same time, needs one round trip
   per query of 2,000 at its mean latency; the reconcile's ceiling is the longer side. The
   figure is `ceiling / measured` (target >= 0.8), for the NetSuite snapshot alone and for
   the whole reconcile (compare included). Beside it, the stricter floor of one mean
   latency per stage (no slowest-of-many) and, in the same run, the same records read as
   one keyset chain (an incremental read from long ago), whose pages must follow one another.
   Beside it, the CPU seconds a reconcile costs this process and the mocks' process, and
   the best ratio those leave: with the mocks on the same cores, no reconcile is shorter
   than both CPUs spread over the cores, nor than either one alone (a Python process's work
   mostly holds one core at a time): `reconcile_cpu_floor_s`, a floor the vendors' own
   servers would not set. `reconcile_cpu_floor_vs_ceiling` is the ceiling over that floor
   (1.0 when the CPU is not what binds).
   The world `mock-up` seeds holds the accounts in Salesforce only, so a full customers
   sync runs first and puts them into NetSuite.
2. Incremental update: `changes` accounts edited in Salesforce and the flow run again:
   NetSuite calls per edited record (target <= 1.1; the floor is one PUT each plus a
   lookup per 200).
"""

from __future__ import annotations

import math
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.cputime import timed
from bench.limits_bench import (
    NETSUITE_PLAN,
    SALESFORCE_PLAN,
    SOQL_PAGE,
    CallLog,
    _edit_accounts,
    _realistic_plan,
    concurrency_limit,
    latency_draw,
    mean_latency_s,
    observed_run,
)
from bench.sync_bench import mocks_process
from harness.api import load_flows, open_connectors
from harness.config import HarnessConfig
from reconcile.reading import snapshot
from reconcile.reconciler import reconcile_flow
from sync.connectors.base import Watermark

SUITEQL_PAGE = 1000  # rows a SuiteQL page returns
ROUNDS = 5  # reads and reconciles timed, each figure their median
LONG_AGO = Watermark(datetime(2000, 1, 1, tzinfo=UTC))  # an incremental read of everything


def _erp_calls(log: CallLog) -> int:
    return sum(1 for system, *_ in log.calls if system == "erp")


def _reconcile(config: HarnessConfig, rounds: int = ROUNDS) -> dict[str, float]:
    """The NetSuite snapshot alone, the same records as one chain, and the customers flow
    reconciled, `rounds` times in turn (each call's latency is a lognormal draw, so one run
    moves by a fifth): the median of each, its spread, and the calls of the last round."""
    (plan,) = load_flows(config, ["customers"])
    spec = plan.spec
    times: dict[str, list[float]] = {"read": [], "chain": [], "reconcile": []}
    cpu: dict[str, list[float]] = {"client": [], "mocks": []}
    for _ in range(rounds):
        with open_connectors(config) as connectors:
            read_log = CallLog()
            erp = connectors["erp"]
            erp.http.observe(read_log.listener("erp"))  # type: ignore[attr-defined]
            started = time.perf_counter()
            records = snapshot(erp, spec.target.object)
            times["read"].append(time.perf_counter() - started)
        with open_connectors(config) as connectors:
            started = time.perf_counter()
            chained = sum(len(page) for page in connectors["erp"].read(spec.target.object,
                                                                       since=LONG_AGO))  # fmt: skip
            times["chain"].append(time.perf_counter() - started)
        with open_connectors(config) as connectors:
            log = CallLog()
            for name, connector in connectors.items():
                connector.http.observe(log.listener(name))  # type: ignore[attr-defined]
            with timed() as timing:
                score = reconcile_flow("customers", spec, connectors[plan.config.source],
                                       connectors[plan.config.target])  # fmt: skip
            times["reconcile"].append(timing.wall)
            cpu["client"].append(timing.client_cpu)
            if timing.server_cpu is not None:  # None where /proc cannot be read
                cpu["mocks"].append(timing.server_cpu)
    read_s, chain_s, reconcile_s = (statistics.median(times[k]) for k in times)
    return {
        "rounds": float(rounds),
        "netsuite_records": float(len(records)),
        "netsuite_read_s": read_s,
        "netsuite_read_s_min": min(times["read"]),
        "netsuite_read_s_max": max(times["read"]),
        "netsuite_read_calls": float(read_log.total()),
        "netsuite_chain_records": float(chained),
        "netsuite_chain_read_s": chain_s,
        "spans_vs_chain_speedup": chain_s / read_s,
        "reconcile_s": reconcile_s,
        "reconcile_s_min": min(times["reconcile"]),
        "reconcile_s_max": max(times["reconcile"]),
        "reconcile_netsuite_calls": float(_erp_calls(log)),
        "reconcile_calls": float(log.total()),
        "reconcile_source_records": float(score.source_records),
        **_cpu_floor(cpu),
    }


def _cpu_floor(cpu: dict[str, list[float]]) -> dict[str, float]:
    """The median CPU seconds of a reconcile in this process and in the mocks' process, and
    the shortest reconcile they allow with the mocks on this machine's cores (a floor the
    vendors' own servers would not set): both spread over the cores this process may use,
    and neither shorter than its own CPU (a Python process's work mostly holds one core)."""
    client = statistics.median(cpu["client"])
    figures = {"reconcile_client_cpu_s": client}
    if len(cpu["mocks"]) == len(cpu["client"]):
        mocks = statistics.median(cpu["mocks"])
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        figures["reconcile_mocks_cpu_s"] = mocks
        figures["reconcile_cpu_floor_s"] = max(client, mocks, (client + mocks) / cores)
    return figures


def critical_path_s(pages: int, slots: int, draws: int = 20_000, seed: int = 7) -> float:
    """The expected length of the fastest full NetSuite read under the plan's latency (see
    the module docstring): the catalog and the count side by side, then the pages in waves
    of `slots`, each page followed by its lines query."""
    draw = latency_draw(NETSUITE_PLAN, "netsuite")
    rng = random.Random(seed)
    total = 0.0
    for _ in range(draws):
        path = max(draw(rng), draw(rng))  # catalog, count
        for wave in range(0, pages, slots):
            path += max(draw(rng) + draw(rng) for _ in range(min(slots, pages - wave)))
        total += path
    return total / draws


def _ceilings(figures: dict[str, float]) -> dict[str, float]:
    """The fastest the limits allow (see the module docstring), and how close we came."""
    ns_latency = mean_latency_s(NETSUITE_PLAN, "netsuite")
    sf_latency = mean_latency_s(SALESFORCE_PLAN, "salesforce", "query")
    ns_pages = max(1, math.ceil(figures["netsuite_records"] / SUITEQL_PAGE))
    sf_pages = max(1, math.ceil(figures["reconcile_source_records"] / SOQL_PAGE))
    waves = math.ceil(ns_pages / concurrency_limit(NETSUITE_PLAN))
    floor = (1 + waves + 1) * ns_latency  # catalog, body pages, lines: one mean latency each
    netsuite_ceiling = critical_path_s(ns_pages, concurrency_limit(NETSUITE_PLAN))
    reconcile_ceiling = max(netsuite_ceiling, sf_pages * sf_latency)
    return {
        "netsuite_mean_latency_ms": ns_latency * 1000,
        "salesforce_query_latency_ms": sf_latency * 1000,
        "netsuite_suiteql_pages": float(ns_pages),
        "netsuite_mean_latency_floor_s": floor,
        "netsuite_read_vs_floor": floor / figures["netsuite_read_s"],
        "netsuite_read_ceiling_s": netsuite_ceiling,
        "netsuite_read_vs_ceiling": netsuite_ceiling / figures["netsuite_read_s"],
        "reconcile_ceiling_s": reconcile_ceiling,
        "reconcile_vs_ceiling": reconcile_ceiling / figures["reconcile_s"],
        **(
            {"reconcile_cpu_floor_vs_ceiling": min(1.0, reconcile_ceiling / cpu_floor)}
            if (cpu_floor := figures.get("reconcile_cpu_floor_s"))
            else {}
        ),
        "netsuite_calls_per_record": figures["reconcile_netsuite_calls"]
        / max(1.0, figures["netsuite_records"]),
    }


def _full_sync(config: HarnessConfig) -> dict[str, float]:
    """The customers flow's first run: it puts the accounts into NetSuite."""
    full, full_s = observed_run(config, CallLog(), full=True)
    if full.status != "succeeded" or full.counts.written == 0:
        raise RuntimeError(f"the full run did not sync: {full.status} {full.error}")
    return {"full_sync_written": float(full.counts.written), "full_sync_s": full_s}


def _incremental(config: HarnessConfig, changes: int) -> dict[str, Any]:
    changed = _edit_accounts(config, changes)
    log = CallLog()
    incremental, incremental_s = observed_run(config, log, full=False)
    erp = _erp_calls(log)
    edited = max(1, len(changed))
    return {
        "incremental_edited": float(len(changed)),
        "incremental_written": float(incremental.counts.written),
        "incremental_s": incremental_s,
        "incremental_netsuite_calls": float(erp),
        "incremental_calls": float(log.total()),
        "netsuite_calls_per_edited_record": erp / edited,
        "calls_per_edited_record": log.total() / edited,
    }


def bench_suiteql(accounts: int = 5_000, changes: int = 200, seed: int = 42) -> dict[str, Any]:
    """Reconcile, then a full sync and an incremental run of `changes` edits, under
    realistic limits (see the module docstring); the load average beside the figures."""
    slots = concurrency_limit(NETSUITE_PLAN)
    load = {"start": list(os.getloadavg())}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        plan = _realistic_plan(workdir)
        with mocks_process(
            workdir, accounts, seed, faults=plan, systems={"erp": {"concurrency": slots}}
        ) as config:
            figures: dict[str, Any] = {"accounts": float(accounts)}
            figures.update(_full_sync(config))
            load["full_sync"] = list(os.getloadavg())
            figures.update(_reconcile(config))
            figures.update(_ceilings(figures))
            load["reconcile"] = list(os.getloadavg())
            figures.update(_incremental(config, changes))
            load["incremental"] = list(os.getloadavg())
    figures["_load_average"] = load
    return figures


SUITEQL_LABELS = {
    "netsuite_records": "SuiteQL reads: NetSuite customers read",
    "netsuite_calls_per_record": "SuiteQL reads: reconcile NetSuite calls per record (<= 0.01)",
    "netsuite_read_s": "SuiteQL reads: NetSuite snapshot, s",
    "netsuite_read_vs_ceiling": "SuiteQL reads: NetSuite snapshot vs ceiling (>= 0.8)",
    "netsuite_read_vs_floor": "SuiteQL reads: NetSuite snapshot vs one mean latency a stage",
    "netsuite_chain_read_s": "SuiteQL reads: the same as one keyset chain, s",
    "spans_vs_chain_speedup": "SuiteQL reads: spans vs one chain, x",
    "reconcile_s": "SuiteQL reads: reconcile, s",
    "reconcile_vs_ceiling": "SuiteQL reads: reconcile vs ceiling (>= 0.8)",
    "reconcile_client_cpu_s": "SuiteQL reads: reconcile client CPU, s",
    "reconcile_mocks_cpu_s": "SuiteQL reads: reconcile mocks CPU, s",
    "reconcile_cpu_floor_vs_ceiling": "SuiteQL reads: best ratio the CPU on these cores allows",
    "netsuite_calls_per_edited_record": "incremental: NetSuite calls per edited record (<= 1.1)",
}


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.suiteql_bench [ACCOUNTS [CHANGES]]`: the figures as JSON."""
    import argparse

    import orjson

    parser = argparse.ArgumentParser(
        prog="python -m bench.suiteql_bench",
        description="NetSuite SuiteQL reads under realistic limits: reconcile calls per record"
        " and time against the ceiling the limits allow, then an incremental run.",
    )
    parser.add_argument("accounts", nargs="?", type=int, default=5_000, help="world size")
    parser.add_argument("changes", nargs="?", type=int, default=200, help="accounts edited")
    args = parser.parse_args(argv)
    figures = bench_suiteql(args.accounts, args.changes)
    print(orjson.dumps(figures, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()
