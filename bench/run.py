"""`make bench`: measured figures, written to bench/results.json and printed as a table.

Speed is measured here, never asserted in tests. Each figure is the median of `--repeat`
runs on fresh mocks, over real HTTP on loopback (HTTPS with the local CA, as in the demo).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings

RESULTS = Path(__file__).resolve().parent / "results.json"


def bench_sync_and_reconcile(accounts: int, seed: int) -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        Sandbox.start(Path(tmp), WorldSettings(seed=seed, accounts=accounts)) as box,
    ):
        started = time.perf_counter()
        result = box.sync(full=True)
        sync_s = time.perf_counter() - started
        assert result.counts.created == accounts, result.counts
        started = time.perf_counter()
        report, _ = box.reconcile()
        reconcile_s = time.perf_counter() - started
        (flow,) = report.flows
        assert flow.equal == accounts, flow.root_causes
        started = time.perf_counter()
        again = box.sync(full=True)
        rerun_s = time.perf_counter() - started
        assert again.counts.written == 0
        return {
            "sync_s": sync_s,
            "accounts_per_s": accounts / sync_s,
            "sync_calls": result.source_calls + result.target_calls,
            "reconcile_s": reconcile_s,
            "pairs_per_s": flow.matched / reconcile_s,
            "rerun_s": rerun_s,
            "rerun_target_writes": again.counts.written,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    runs = [bench_sync_and_reconcile(args.accounts, args.seed) for _ in range(args.repeat)]
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "accounts": args.accounts,
        "repeat": args.repeat,
        "median": medians,
        "runs": runs,
    }
    RESULTS.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    table = Table(title=f"bench: {args.accounts:,} accounts, median of {args.repeat}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    labels = {
        "accounts_per_s": "full sync, accounts/s",
        "sync_s": "full sync, seconds",
        "sync_calls": "full sync, API calls",
        "pairs_per_s": "reconcile, pairs/s",
        "reconcile_s": "reconcile, seconds",
        "rerun_s": "unchanged re-run, seconds",
        "rerun_target_writes": "unchanged re-run, writes",
    }
    for key, label in labels.items():
        value = medians[key]
        table.add_row(label, f"{value:,.1f}" if isinstance(value, float) else str(value))
    Console().print(table)
    Console().print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
