"""`make bench`: measured figures, written to bench/results.json and printed as a table.

Speed is measured here, never asserted in tests. Four groups of figures, each in its module:
- sync and reconcile over HTTP (bench.sync_bench): the mocks run in their own process
  (`harness mock-up`, HTTPS with the local CA), as a vendor does; median of `--repeat` runs,
  each on a freshly seeded world;
- world generation (bench.world_bench), median of `--repeat` runs;
- profile throughput (bench.profile_bench): the CRM audit of a dirty world, in process;
- reconcile at scale (bench.reconcile_scale): our columnar engine against datacompy, reladiff
  and DeepDiff on identical synthetic datasets (`--scale 100k,1m`), each tool in its own
  process: ours and datacompy's two backends `--scale-repeat` times (medians), the slow
  reference tools once; plus `compare_snapshots` per-record against columnar (`--snapshots`).
  `--skip-sync` / `--skip-scale` keep the last figures of what they skip.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from bench.profile_bench import PROFILE_LABELS, bench_profile
from bench.reconcile_scale import (
    TOOL_LABELS,
    TOOLS,
    parse_scales,
    parse_tools,
    run_scale,
    targets,
)
from bench.snapshots_bench import bench_snapshots
from bench.sync_bench import LABELS, bench_once
from bench.world_bench import WORLD_LABELS, bench_world

RESULTS = Path(__file__).resolve().parent / "results.json"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--world-companies", type=int, default=50_000)
    parser.add_argument("--profile-accounts", type=int, default=20_000)
    parser.add_argument("--skip-sync", action="store_true", help="Skip the sync over HTTP.")
    parser.add_argument("--skip-scale", action="store_true", help="Skip reconcile at scale.")
    parser.add_argument(
        "--scale", default="100k,1m", help="Scales for reconcile at scale: 10k, 100k, 1m."
    )
    parser.add_argument(
        "--scale-tools", default=",".join(TOOLS), help="Tools to run at scale (comma-separated)."
    )
    parser.add_argument(
        "--scale-timeout", type=float, default=600, help="Seconds one tool may take at one scale."
    )
    parser.add_argument(
        "--scale-repeat",
        type=int,
        default=3,
        help="Runs of ours and datacompy at each scale (medians); the others run once.",
    )
    parser.add_argument(
        "--snapshots",
        type=int,
        default=10_000,
        help="Pairs for compare_snapshots per-record vs columnar (0: skip; with the scale).",
    )
    return parser.parse_args()


def main() -> None:
    args = arguments()
    scales = () if args.skip_scale else parse_scales(args.scale)
    tools = parse_tools(args.scale_tools)
    world_runs = [bench_world(args.world_companies, args.seed + i) for i in range(args.repeat)]
    world_medians = {
        key: statistics.median(run[key] for run in world_runs) for key in world_runs[0]
    }
    profile_runs = [bench_profile(args.profile_accounts, args.seed + i) for i in range(args.repeat)]
    profile_medians = {
        key: statistics.median(run[key] for run in profile_runs) for key in profile_runs[0]
    }
    runs = (
        []
        if args.skip_sync
        else [bench_once(args.accounts, args.seed + i) for i in range(args.repeat)]
    )
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]} if runs else {}
    scale = {
        name: run_scale(name, tools, args.scale_timeout, repeat=args.scale_repeat)
        for name in scales
    }
    snapshots = bench_snapshots(args.snapshots) if scales and args.snapshots else None
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "accounts": args.accounts,
        "repeat": args.repeat,
        "median": medians,
        "runs": runs,
        "world_generation": {
            "companies": args.world_companies,
            "dirty": 0.2,
            "full_business": True,
            "median": world_medians,
            "runs": world_runs,
        },
        "profile": {
            "accounts": args.profile_accounts,
            "dirty": 0.2,
            "median": profile_medians,
            "runs": profile_runs,
        },
        "reconcile_scale": {
            "scales": scale,
            "targets": {name: targets(figures) for name, figures in scale.items()},
            "compare_snapshots": snapshots,
        },
    }
    previous = orjson.loads(RESULTS.read_bytes()) if RESULTS.exists() else {}
    if args.skip_sync:
        # Keep the sync figures of the last full run.
        for key in ("accounts", "repeat", "median", "runs"):
            results[key] = previous.get(key, results[key])
    if args.skip_scale and "reconcile_scale" in previous:
        results["reconcile_scale"] = previous["reconcile_scale"]
    RESULTS.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    table = Table(title=f"bench: {args.accounts:,} accounts, median of {args.repeat}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, label in LABELS.items():
        if key in medians:
            table.add_row(label, f"{medians[key]:,.2f}")
    for key, label in WORLD_LABELS.items():
        value = world_medians[key]
        text = f"{value:,.2f}" if key.endswith("_s") else f"{value:,.0f}"
        table.add_row(f"{label} ({args.world_companies:,} companies)", text)
    for key, label in PROFILE_LABELS.items():
        value = profile_medians[key]
        text = f"{value:,.2f}" if key.endswith("_s") or key == "seconds" else f"{value:,.0f}"
        table.add_row(label, text)
    console = Console(width=None if sys.stdout.isatty() else 150)
    console.print(table)
    for name, figures in scale.items():
        console.print(scale_table(name, figures))
        console.print(targets_table(name, results["reconcile_scale"]["targets"][name]))
    if snapshots:
        console.print(
            f"compare_snapshots through the mapping, {snapshots['pairs']:,} pairs: per-record "
            f"{snapshots['per_record_s']:,.2f} s, columnar {snapshots['columnar_s']:,.2f} s, "
            f"identical scores: {'yes' if snapshots['identical_scores'] else 'NO'}"
        )
    console.print(f"written to {RESULTS}")


def scale_table(name: str, figures: dict[str, Any]) -> Table:
    """One row per tool: its times, peak memory and whether it found what the truth holds."""
    truth = figures["truth"]
    table = Table(
        title=(
            f"reconcile at scale: {figures['rows_per_side']:,} a side ({truth['differing']:,} "
            f"differing, {truth['missing']:,} missing, {truth['extra']:,} extra); each tool in "
            f"its own process; ours and datacompy: median of {figures['repeat']}, others: 1 run"
        )
    )
    for column in ("tool", "load s", "compare s", "peak RSS MB", "findings match", "per-field"):
        table.add_column(column, justify="left" if column == "tool" else "right")
    for tool, run in figures["tools"].items():
        label = TOOL_LABELS.get(tool, tool)
        if "error" in run:
            table.add_row(label, "-", "-", "-", run["error"], "-")
            continue
        compare = f"{run['compare_s']:,.2f}" + (" (extrapolated)" if run["extrapolated"] else "")
        table.add_row(
            label,
            f"{run['load_s']:,.2f}",
            compare,
            f"{run['peak_rss_mb']:,.0f}",
            "yes" if run["findings_match"] else "NO",
            "yes" if run["per_field"] else "no",
        )
    return table


def targets_table(name: str, met: dict[str, Any]) -> Table:
    """Issue #7's targets for the columnar engine at this scale."""

    def verdict(value: bool | None) -> str:
        return "unknown" if value is None else ("met" if value else "NOT met")

    def times(value: float | None) -> str:
        return "-" if value is None else f"{value:,.1f}x"

    table = Table(title=f"targets at {name} (issue #7: judged at 1m)")
    table.add_column("target")
    table.add_column("measured", justify="right")
    table.add_column("verdict")
    table.add_row(
        "compare >= 5x faster than datacompy pandas",
        times(met["faster_than_datacompy_pandas"]),
        verdict(met["met_5x_pandas"]),
    )
    table.add_row(
        "compare >= 2x faster than datacompy polars",
        times(met["faster_than_datacompy_polars"]),
        verdict(met["met_2x_polars"]),
    )
    table.add_row("per-field findings included", "", verdict(met["met_per_field"]))
    rss = met["peak_rss_mb"]
    table.add_row(
        "peak RSS < 2 GB",
        "-" if rss is None else f"{rss:,.0f} MB",
        verdict(met["met_rss_under_2gb"]),
    )
    return table


if __name__ == "__main__":
    main()
