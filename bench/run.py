"""`make bench`: measured figures, written to bench/results.json and printed as a table.

Speed is measured here, never asserted in tests. The mocks run in their own process
(`harness mock-up`, HTTPS with the local CA), as a vendor does, so the figures are the sync's
and the reconciler's, not the mock sharing our interpreter. Each figure is the median of
`--repeat` runs, each on a freshly seeded world.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from harness.api import run_reconcile, run_sync
from harness.config import HarnessConfig, load_config, load_env_file
from mocks.world.generator import WorldSettings, generate_world

RESULTS = Path(__file__).resolve().parent / "results.json"
READY_LINE = "export HARNESS_NS_TOKEN_SECRET"


@contextmanager
def mocks_process(workdir: Path, accounts: int, seed: int) -> Iterator[HarnessConfig]:
    """`harness mock-up` in a child process; yields the config it wrote, stops it after."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    command = [
        sys.executable,
        "-m",
        "harness.cli",
        "mock-up",
        "--accounts",
        str(accounts),
        "--seed",
        str(seed),
        "--workdir",
        ".harness",
        "--config-out",
        "harness.yaml",
    ]
    with subprocess.Popen(
        command, cwd=workdir, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as proc:
        try:
            assert proc.stdout is not None
            seen = []
            for line in proc.stdout:
                seen.append(line)
                if READY_LINE in line:
                    break
            else:
                raise RuntimeError("harness mock-up exited early:\n" + "".join(seen))
            environ = {**env, **load_env_file(workdir / ".harness" / "mock.env")}
            yield load_config(workdir / "harness.yaml", environ)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)


def bench_once(accounts: int, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, mocks_process(Path(tmp), accounts, seed) as config:
        started = time.perf_counter()
        result = run_sync(config, "customers", full=True)
        sync_s = time.perf_counter() - started
        if result.counts.created != accounts:
            raise RuntimeError(f"expected {accounts} creates, got {result.counts}")
        started = time.perf_counter()
        report, _ = run_reconcile(config, write=False)
        reconcile_s = time.perf_counter() - started
        (flow,) = report.flows
        if flow.equal != accounts:
            raise RuntimeError(f"reconcile found differences: {flow.root_causes}")
        started = time.perf_counter()
        again = run_sync(config, "customers", full=True)
        rerun_s = time.perf_counter() - started
        return {
            "sync_s": sync_s,
            "accounts_per_s": accounts / sync_s,
            "sync_calls": float(result.source_calls + result.target_calls),
            "calls_per_account": (result.source_calls + result.target_calls) / accounts,
            "reconcile_s": reconcile_s,
            "pairs_per_s": flow.matched / reconcile_s,
            "rerun_s": rerun_s,
            "rerun_writes": float(again.counts.written),
        }


LABELS = {
    "accounts_per_s": "full sync, accounts/s",
    "sync_s": "full sync, seconds",
    "calls_per_account": "full sync, API calls per account",
    "pairs_per_s": "reconcile (read both + compare), pairs/s",
    "reconcile_s": "reconcile, seconds",
    "rerun_s": "unchanged re-run, seconds",
    "rerun_writes": "unchanged re-run, writes",
}


WORLD_LABELS = {
    "generate_s": "world generation, seconds (companies + business)",
    "records_per_s": "world generation, records/s",
    "companies_per_s": "world generation, companies only, companies/s",
    "companies_s": "world generation, companies only, seconds",
    "business_s": "world generation, business only, seconds",
    "records": "world generation, records",
    "orders": "world generation, orders",
    "order_lines": "world generation, order lines",
    "invoices": "world generation, invoices",
    "payments": "world generation, payments",
    "defects": "world generation, defects injected",
}


def bench_world(companies: int, seed: int, dirty: float = 0.2) -> dict[str, float]:
    """Generate a dirty full-business world of `companies` in this process: companies (pools,
    then composition), then contacts, catalogue, orders with lines, invoices, payments and
    inventory (about 4 orders a company: 200,000 for 50,000 companies)."""
    settings = WorldSettings(seed=seed, accounts=companies, dirty=dirty)
    started = time.perf_counter()
    world = generate_world(settings)
    companies_s = time.perf_counter() - started
    business = world.ensure_business()
    seconds = time.perf_counter() - started
    if len(world.companies) != companies:
        raise RuntimeError(f"expected {companies} companies, got {len(world.companies)}")
    counts = business.counts()
    records = companies + sum(counts.values())
    return {
        "generate_s": seconds,
        "companies_s": companies_s,
        "business_s": seconds - companies_s,
        "records": float(records),
        "records_per_s": records / seconds,
        "companies_per_s": companies / companies_s,
        **{name: float(counts[name]) for name in ("orders", "order_lines", "invoices", "payments")},
        "defects": float(len(world.defects)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--world-companies", type=int, default=50_000)
    parser.add_argument("--skip-sync", action="store_true", help="Measure world generation only.")
    args = parser.parse_args()
    world_runs = [bench_world(args.world_companies, args.seed + i) for i in range(args.repeat)]
    world_medians = {
        key: statistics.median(run[key] for run in world_runs) for key in world_runs[0]
    }
    runs = (
        []
        if args.skip_sync
        else [bench_once(args.accounts, args.seed + i) for i in range(args.repeat)]
    )
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]} if runs else {}
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
    }
    if args.skip_sync and RESULTS.exists():
        # Keep the sync figures of the last full run; only world generation was measured.
        previous = orjson.loads(RESULTS.read_bytes())
        for key in ("accounts", "repeat", "median", "runs"):
            results[key] = previous.get(key, results[key])
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
    console = Console()
    console.print(table)
    console.print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
