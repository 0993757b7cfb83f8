"""`make bench`: every figure of issue #7 from one run, written to bench/results.json and
printed as tables, ending with the targets judged on this run's figures.

Sections (each in its module; `--skip a,b` keeps the last run's figures for those, marked
`from_run` with that run's start time, so a reader sees they were not measured now):
- startup: the wall time of `harness --help` in fresh processes (`bench.startup_bench`),
  median of `--startup-repeat`, with the load average as it ran;
- world: world generation (`bench.world_bench`), median of `--repeat`;
- profile: the CRM audit of a dirty world (`bench.profile_bench`), median of `--repeat`;
- sync: full sync, reconcile and an unchanged re-run over HTTPS with the mocks in their own
  process (`bench.sync_bench`), median of `--repeat`;
- ceiling: the sync and the reconcile's reads against a bare httpx loop doing the same
  requests to the same mock (`bench.ceiling_bench`), median of `--ceiling-repeat` paired runs;
- limits: the sync under vendor-realistic latency and concurrency, against the theoretical
  maximum those limits allow; calls per record; calls on an incremental run (`bench.limits_bench`);
- suiteql: NetSuite reads through SuiteQL pages under realistic limits: a reconcile of
  `--suiteql-accounts` accounts (calls per record, time against the ceiling the limits set,
  and the same read as one keyset chain) and an incremental run of `--suiteql-changes`
  edits (calls per edited record) (`bench.suiteql_bench`);
- paging: each mock's query paging against a bare FastAPI endpoint serving the same bytes
  (`bench.paging_bench`);
- sap: the customers flow Salesforce -> SAP of `--sap-accounts` accounts under realistic SAP
  latency: seconds, SAP calls per synced record against the `$batch` minimum (one `$batch`
  and one lookup per 100 records, one CSRF fetch) and the ratio (`bench.sap_bench`);
- hubspot: the products flow NetSuite -> HubSpot of `--hubspot-records` items under a
  Professional portal's limits: seconds, HubSpot calls per synced record against the batch
  minimum (one batch upsert and one lookup per 100 records), and the throughput against the
  maximum the burst allowance allows (`bench.hubspot_bench`);
- scale: reconcile at 100k and 1M a side, our columnar engine against datacompy (pandas and
  polars), reladiff and DeepDiff on identical data (`bench.reconcile_scale`), and
  `compare_snapshots` per-record against columnar (`bench.snapshots_bench`).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from bench.ceiling_bench import CEILING_LABELS, bench_ceiling
from bench.hubspot_bench import HUBSPOT_LABELS, bench_hubspot
from bench.limits_bench import LIMITS_LABELS, bench_limits
from bench.paging_bench import PAGING_LABELS, bench_paging
from bench.profile_bench import PROFILE_LABELS, bench_profile
from bench.reconcile_scale import TOOLS, parse_scales, parse_tools, run_scale, targets
from bench.sap_bench import SAP_LABELS, bench_sap
from bench.scale_tables import scale_table, targets_table
from bench.snapshots_bench import bench_snapshots
from bench.startup_bench import STARTUP_LABELS, bench_startup
from bench.suiteql_bench import SUITEQL_LABELS, bench_suiteql
from bench.sync_bench import LABELS, bench_once
from bench.targets import judge, targets_summary
from bench.world_bench import WORLD_LABELS, bench_world

RESULTS = Path(__file__).resolve().parent / "results.json"
SECTIONS = (
    "startup",
    "world",
    "profile",
    "sync",
    "ceiling",
    "limits",
    "suiteql",
    "paging",
    "sap",
    "hubspot",
    "scale",
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip", default="", help=f"Sections to skip: {', '.join(SECTIONS)}.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of world, profile, sync.")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--startup-repeat", type=int, default=9, help="Fresh `harness --help` processes."
    )
    parser.add_argument(
        "--accounts", type=int, default=10_000, help="Accounts for the sync section."
    )
    parser.add_argument("--world-companies", type=int, default=50_000)
    parser.add_argument("--profile-accounts", type=int, default=20_000)
    parser.add_argument("--ceiling-accounts", type=int, default=5_000)
    parser.add_argument("--ceiling-repeat", type=int, default=3, help="Paired runs (medians).")
    parser.add_argument("--limits-accounts", type=int, default=2_000)
    parser.add_argument("--limits-changes", type=int, default=200)
    parser.add_argument("--suiteql-accounts", type=int, default=5_000)
    parser.add_argument("--suiteql-changes", type=int, default=200)
    parser.add_argument("--paging-records", type=int, default=20_000)
    parser.add_argument("--sap-accounts", type=int, default=2_000)
    parser.add_argument("--hubspot-records", type=int, default=5_000)
    parser.add_argument("--scale", default="100k,1m", help="Scales: 10k, 100k, 1m.")
    parser.add_argument("--scale-tools", default=",".join(TOOLS), help="Tools at scale.")
    parser.add_argument(
        "--scale-timeout", type=float, default=300, help="Seconds one tool may take at one scale."
    )
    parser.add_argument(
        "--scale-repeat", type=int, default=3, help="Runs of ours and datacompy (medians)."
    )
    parser.add_argument(
        "--snapshots", type=int, default=10_000, help="Pairs for compare_snapshots (0: skip)."
    )
    args = parser.parse_args()
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = args.skip - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; known: {SECTIONS}")
    return args


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def repeated(fn: Callable[[int], dict[str, float]], repeat: int, seed: int) -> dict[str, Any]:
    """`fn(seed + i)` `repeat` times, each on a fresh seed: medians and every run."""
    runs = [fn(seed + i) for i in range(repeat)]
    return {"repeat": repeat, "median": medians(runs), "runs": runs}


def measure(args: argparse.Namespace) -> dict[str, Callable[[], dict[str, Any]]]:
    """What each section runs; called lazily, in order."""
    scales = parse_scales(args.scale)
    tools = parse_tools(args.scale_tools)

    def scale() -> dict[str, Any]:
        figures = {
            name: run_scale(name, tools, args.scale_timeout, repeat=args.scale_repeat)
            for name in scales
        }
        snapshots = bench_snapshots(args.snapshots) if args.snapshots else None
        return {
            "scales": figures,
            "targets": {name: targets(f) for name, f in figures.items()},
            "compare_snapshots": snapshots,
        }

    return {
        "startup": lambda: bench_startup(args.startup_repeat),
        "world": lambda: {
            "companies": args.world_companies,
            "dirty": 0.2,
            "full_business": True,
            **repeated(lambda s: bench_world(args.world_companies, s), args.repeat, args.seed),
        },
        "profile": lambda: {
            "accounts": args.profile_accounts,
            "dirty": 0.2,
            **repeated(lambda s: bench_profile(args.profile_accounts, s), args.repeat, args.seed),
        },
        "sync": lambda: {
            "accounts": args.accounts,
            **repeated(lambda s: bench_once(args.accounts, s), args.repeat, args.seed),
        },
        "ceiling": lambda: {
            "accounts": args.ceiling_accounts,
            **repeated(
                lambda s: bench_ceiling(args.ceiling_accounts, s), args.ceiling_repeat, args.seed
            ),
        },
        "limits": lambda: {
            "accounts": args.limits_accounts,
            "figures": bench_limits(args.limits_accounts, args.limits_changes, args.seed),
        },
        "suiteql": lambda: {
            "accounts": args.suiteql_accounts,
            "figures": bench_suiteql(args.suiteql_accounts, args.suiteql_changes, args.seed),
        },
        "paging": lambda: {
            "records": args.paging_records,
            "figures": bench_paging(args.paging_records, args.seed),
        },
        "sap": lambda: {
            "accounts": args.sap_accounts,
            "figures": bench_sap(args.sap_accounts, args.seed),
        },
        "hubspot": lambda: {
            "records": args.hubspot_records,
            "figures": bench_hubspot(args.hubspot_records, args.seed),
        },
        "scale": scale,
    }


# Section -> the key results.json has used for it (kept stable for readers of the file).
KEYS = {"world": "world_generation", "scale": "reconcile_scale"}


def main() -> None:
    args = arguments()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    previous = orjson.loads(RESULTS.read_bytes()) if RESULTS.exists() else {}
    console = Console(width=None if sys.stdout.isatty() else 150)
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "run": {"started_at": started, "skipped": sorted(args.skip), "seconds": {}},
    }
    # Ratios move with what else the machine runs: record the load beside the figures.
    load = results["run"]["load_average"] = {"start": list(os.getloadavg())}
    for name, fn in measure(args).items():
        key = KEYS.get(name, name)
        if name in args.skip:
            kept = previous.get(key)
            if kept is not None:
                kept.setdefault("from_run", previous.get("run", {}).get("started_at", "unknown"))
            results[key] = kept
            continue
        console.print(f"[bold]bench[/]: {name} ...")
        clock = time.perf_counter()
        results[key] = {**fn(), "from_run": started}
        results["run"]["seconds"][name] = round(time.perf_counter() - clock, 1)
        load[name] = list(os.getloadavg())  # 1, 5 and 15 minute averages as the section ended
    results["targets"] = judge(results)
    RESULTS.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    print_tables(console, results)
    console.print(f"load average (1, 5, 15 min) at the start: {load['start']}")
    console.print(f"written to {RESULTS}")


def figures_table(results: dict[str, Any]) -> Table:
    table = Table(title=f"bench, run of {results['run']['started_at']}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("run", justify="left")
    groups: list[tuple[str, dict[str, str], Callable[[dict[str, Any]], dict[str, Any]]]] = [
        ("startup", STARTUP_LABELS, lambda s: s["median"]),
        ("sync", LABELS, lambda s: s["median"]),
        ("ceiling", CEILING_LABELS, lambda s: s["median"]),
        ("limits", LIMITS_LABELS, lambda s: s["figures"]),
        ("suiteql", SUITEQL_LABELS, lambda s: s["figures"]),
        ("paging", PAGING_LABELS, lambda s: s["figures"]),
        ("sap", SAP_LABELS, lambda s: s["figures"]),
        ("hubspot", HUBSPOT_LABELS, lambda s: s["figures"]),
        ("world_generation", WORLD_LABELS, lambda s: s["median"]),
        ("profile", PROFILE_LABELS, lambda s: s["median"]),
    ]
    for key, labels, pick in groups:
        section = results.get(key)
        if not section:
            continue
        values = pick(section)
        this_run = section["from_run"] == results["run"]["started_at"]
        when = "this" if this_run else section["from_run"]
        for name, label in labels.items():
            value = values.get(name)
            if isinstance(value, int | float):
                table.add_row(label, f"{value:,.2f}", when)
    return table


def print_tables(console: Console, results: dict[str, Any]) -> None:
    console.print(figures_table(results))
    scale = results.get("reconcile_scale") or {}
    for name, figures in (scale.get("scales") or {}).items():
        console.print(scale_table(name, figures))
        console.print(targets_table(name, scale["targets"][name]))
    snapshots = scale.get("compare_snapshots")
    if snapshots:
        console.print(
            f"compare_snapshots through the mapping, {snapshots['pairs']:,} pairs: per-record "
            f"{snapshots['per_record_s']:,.2f} s, columnar {snapshots['columnar_s']:,.2f} s, "
            f"identical scores: {'yes' if snapshots['identical_scores'] else 'NO'}"
        )
    console.print(targets_summary(results["targets"]))


if __name__ == "__main__":
    main()
