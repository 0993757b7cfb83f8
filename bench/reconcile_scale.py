"""Reconcile at scale: our columnar engine against the reference tools, on identical data.

For each scale (100k and 1M records a side by default) one dataset is generated
(bench.datasets), then every tool runs in its own child process (bench.scale_tools) on the
same two Parquet files, one after another so they do not share the two cores. Each compare
runs once, except the three the targets compare (ours and datacompy's two backends), which
run `repeat` times interleaved; the targets are judged on the 1M medians, as ratios measured
in the same run.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from bench.datasets import Truth
from bench.scale_tools import MARK

SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TOOLS = (
    "columnar",
    "columnar_buckets",
    "per_record",
    "datacompy_pandas",
    "datacompy_polars",
    "reladiff_joindiff",
    "reladiff_hashdiff",
    "deepdiff_sample",
)
# The tools the targets compare: run `repeat` times (the others, minutes each at 1M, once).
REPEATED = frozenset({"columnar", "datacompy_pandas", "datacompy_polars"})
PER_RECORD_MAX = 100_000  # the per-record path holds both sides as dicts: 100k only
TOOL_LABELS = {
    "columnar": "ours: columnar engine (DuckDB, hash first)",
    "columnar_buckets": "ours: columnar, 2 buckets in a process pool",
    "per_record": "ours: per-record path (signatures, per-field on mismatch)",
    "datacompy_pandas": "datacompy 1.1, pandas backend",
    "datacompy_polars": "datacompy 1.1, polars backend",
    "reladiff_joindiff": "reladiff joindiff (DuckDB file)",
    "reladiff_hashdiff": "reladiff hashdiff (DuckDB file)",
    "deepdiff_sample": "DeepDiff per pair (sampled, EXTRAPOLATED)",
}
RSS_LIMIT_MB = 2048.0
ROOT = Path(__file__).resolve().parents[1]  # the children import bench and reconcile from here


def run_tool(tool: str, directory: Path, timeout: float) -> dict[str, Any]:
    """One tool in a child process; its figures, or why there are none."""
    command = [sys.executable, "-m", "bench.scale_tools", tool, str(directory)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {done.returncode}: {' | '.join(tail)}"}
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if not lines:
        return {"error": f"no figures in the output: {done.stdout[-200:]!r}"}
    figures: dict[str, Any] = orjson.loads(lines[-1][len(MARK) :])
    figures["wall_s"] = time.perf_counter() - started
    return figures


def run_scale(
    name: str,
    tools: tuple[str, ...],
    timeout: float,
    seed: int = 7,
    repeat: int = 3,
    progress: bool = True,
) -> dict[str, Any]:
    """Generate one dataset and run every tool on it. The tools the targets compare run
    `repeat` times, interleaved, so a burst of load elsewhere hits them alike; their figures
    are medians (peak RSS: the highest). The slow reference tools run once."""
    rows = SCALES[name]
    with tempfile.TemporaryDirectory(prefix=f"bench-scale-{name}-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        # In a child process, so this one stays small (see scale_tools.peak_rss_mb).
        subprocess.run(
            [sys.executable, "-m", "bench.datasets", str(directory), str(rows), str(seed)],
            check=True,
            cwd=ROOT,
        )
        truth = Truth.load(directory / "truth.json")
        generate_s = time.perf_counter() - started
        chosen = [t for t in tools if t != "per_record" or rows <= PER_RECORD_MAX]
        runs: dict[str, list[dict[str, Any]]] = {tool: [] for tool in chosen}
        for round_ in range(max(1, repeat)):
            for tool in chosen:
                if round_ and tool not in REPEATED:
                    continue
                if progress:
                    print(f"  scale {name}: {tool} (run {round_ + 1}) ...", flush=True)
                runs[tool].append(run_tool(tool, directory, timeout))
    return {
        "rows_per_side": rows,
        "generate_s": generate_s,
        "truth": {
            "differing": len(truth.differing),
            "cells": truth.cells,
            "missing": len(truth.missing),
            "extra": len(truth.extra),
        },
        "repeat": max(1, repeat),
        "tools": {tool: _median(tool_runs) for tool, tool_runs in runs.items()},
    }


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One tool's figures over its runs: median times, highest RSS, every run's findings."""
    good = [run for run in runs if "error" not in run]
    if not good:
        return runs[-1]
    figures = dict(good[-1])
    for key in ("load_s", "compare_s", "wall_s"):
        figures[key] = statistics.median(float(run[key]) for run in good)
    figures["peak_rss_mb"] = max(float(run["peak_rss_mb"]) for run in good)
    figures["findings_match"] = all(run["findings_match"] for run in good)
    figures["runs"] = len(good)
    figures["compare_s_runs"] = [float(run["compare_s"]) for run in good]
    return figures


def targets(scale: dict[str, Any]) -> dict[str, Any]:
    """Issue #7's targets on one scale's figures: met, not met, or unknown (a tool failed)."""
    tools = scale["tools"]
    ours = tools.get("columnar", {})

    def ratio(other: str) -> float | None:
        theirs = tools.get(other, {})
        if "compare_s" not in ours or "compare_s" not in theirs:
            return None
        return float(theirs["compare_s"]) / float(ours["compare_s"])

    pandas, polars = ratio("datacompy_pandas"), ratio("datacompy_polars")
    rss = ours.get("peak_rss_mb")
    return {
        "faster_than_datacompy_pandas": pandas,
        "faster_than_datacompy_polars": polars,
        "met_5x_pandas": None if pandas is None else pandas >= 5,
        "met_2x_polars": None if polars is None else polars >= 2,
        "met_per_field": bool(ours.get("per_field")) and bool(ours.get("findings_match")),
        "met_rss_under_2gb": None if rss is None else rss < RSS_LIMIT_MB,
        "peak_rss_mb": rss,
    }


def parse_scales(text: str) -> tuple[str, ...]:
    names = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = [n for n in names if n not in SCALES]
    if unknown:
        raise SystemExit(f"unknown scale {', '.join(unknown)}; known: {', '.join(SCALES)}")
    return names


def parse_tools(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [n for n in names if n not in TOOLS]
    if unknown:
        raise SystemExit(f"unknown tool {', '.join(unknown)}; known: {', '.join(TOOLS)}")
    return names
