"""One compare tool on one dataset, in its own process: `python -m bench.scale_tools TOOL DIR`.

Each tool loads the two Parquet files its own way (timed as `load_s`), compares them (timed as
`compare_s`, the figure the targets are about) and names the differing, missing and extra
keys, which are checked against the dataset's truth here. The process prints one JSON line
with the timings, `findings_match`, whether per-field findings came out, and its peak RSS (its
own plus its largest child's, for the bucket workers), so no tool's memory pollutes another's.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from bench.datasets import FIELDS, KEY, NUMBER_FIELDS, TOLERANCE, Truth
from reconcile.compare import FieldRuleView, differing_paths, signature

MARK = "figures: "  # starts the line the parent reads
DEEPDIFF_SAMPLE = 2_000  # pairs DeepDiff really compares; the rest is extrapolated


@dataclass
class Outcome:
    load_s: float
    compare_s: float
    differing: set[str]
    missing: set[str]
    extra: set[str]
    cells: int | None = None  # differing (key, field) cells, when the tool names fields
    notes: list[str] = field(default_factory=list)
    extrapolated: bool = False
    sample: set[str] | None = None  # the keys a sampling tool looked at


def rules() -> list[FieldRuleView]:
    return [
        FieldRuleView(f, abs_tolerance=TOLERANCE if f in NUMBER_FIELDS else 0.0) for f in FIELDS
    ]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def columnar(directory: Path, buckets: int = 1) -> Outcome:
    from reconcile.columnar import ColumnarStore, compare_store

    # In memory (DuckDB spills past the limit); bucket workers need the file on disk.
    location: Literal["memory", "disk"] = "disk" if buckets > 1 else "memory"
    store = ColumnarStore(rules(), buckets=buckets, location=location, memory_limit="2GB")
    try:

        def load() -> None:
            store.load_parquet("source", directory / "source.parquet", key=KEY)
            store.load_parquet("target", directory / "target.parquet", key=KEY)

        _, load_s = _timed(load)
        result, compare_s = _timed(lambda: compare_store(store))
    finally:
        store.close()
    notes = [f"{buckets} buckets in a process pool"] if buckets > 1 else []
    return Outcome(
        load_s, compare_s, set(result.differing_keys), set(result.missing),
        set(result.unexpected), len(result.differences), notes,
    )  # fmt: skip


def columnar_buckets(directory: Path) -> Outcome:
    return columnar(directory, buckets=2)


def _dicts(directory: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    import polars as pl

    def read(name: str) -> dict[str, dict[str, Any]]:
        return {row[KEY]: row for row in pl.read_parquet(directory / name).iter_rows(named=True)}

    return read("source.parquet"), read("target.parquet")


def per_record(directory: Path) -> Outcome:
    """Our existing per-record path: signatures of every pair, per-field on mismatches."""
    (source, target), load_s = _timed(lambda: _dicts(directory))
    views = rules()

    def compare() -> tuple[set[str], int]:
        differing, cells = set(), 0
        for key, record in source.items():
            other = target.get(key)
            if other is None or signature(record, views) == signature(other, views):
                continue
            diffs = differing_paths(record, other, views)
            if diffs:
                differing.add(key)
                cells += len(diffs)
        return differing, cells

    (differing, cells), compare_s = _timed(compare)
    return Outcome(
        load_s, compare_s, differing, source.keys() - target.keys(), target.keys() - source.keys(),
        cells,
    )  # fmt: skip


def deepdiff_sample(directory: Path) -> Outcome:
    """DeepDiff on every pair, as a naive reconciler would: a sample, extrapolated. Only the
    sampled rows become dicts; the key sets come from the key column."""
    import polars as pl
    from deepdiff import DeepDiff

    started = time.perf_counter()
    frames = [pl.read_parquet(directory / f"{n}.parquet") for n in ("source", "target")]
    left, right = (set(frame[KEY].to_list()) for frame in frames)
    matched = sorted(left & right)
    sample = random.Random(7).sample(matched, min(DEEPDIFF_SAMPLE, len(matched)))
    source, target = (
        {row[KEY]: row for row in f.filter(pl.col(KEY).is_in(sample)).iter_rows(named=True)}
        for f in frames
    )
    load_s = time.perf_counter() - started

    def compare() -> set[str]:
        return {
            key
            for key in sample
            if DeepDiff(source[key], target[key], math_epsilon=TOLERANCE, ignore_order=False)
        }

    differing, seconds = _timed(compare)
    return Outcome(
        load_s, seconds * len(matched) / len(sample), differing, left - right, right - left, None,
        [f"DeepDiff on {len(sample):,} of {len(matched):,} pairs, time extrapolated"],
        extrapolated=True, sample=set(sample),
    )  # fmt: skip


def datacompy_pandas(directory: Path) -> Outcome:
    import datacompy
    import pandas as pd

    def load() -> tuple[Any, Any]:
        return pd.read_parquet(directory / "source.parquet"), pd.read_parquet(
            directory / "target.parquet"
        )

    (left, right), load_s = _timed(load)
    return _datacompy(lambda: datacompy.PandasCompare(left, right, KEY, abs_tol=TOLERANCE), load_s)


def datacompy_polars(directory: Path) -> Outcome:
    import datacompy
    import polars as pl

    def load() -> tuple[Any, Any]:
        return pl.read_parquet(directory / "source.parquet"), pl.read_parquet(
            directory / "target.parquet"
        )

    (left, right), load_s = _timed(load)
    return _datacompy(lambda: datacompy.PolarsCompare(left, right, KEY, abs_tol=TOLERANCE), load_s)


def _datacompy(make: Callable[[], Any], load_s: float) -> Outcome:
    def compare() -> tuple[set[str], set[str], set[str], int]:
        result = make()
        differing = set(_column(result.all_mismatch(), KEY))
        cells = sum(int(stat["unequal_cnt"]) for stat in result.column_stats)
        return (
            differing,
            set(_column(result.df1_unq_rows, KEY)),
            set(_column(result.df2_unq_rows, KEY)),
            cells,
        )

    (differing, missing, extra, cells), compare_s = _timed(compare)
    return Outcome(load_s, compare_s, differing, missing, extra, cells)


def _column(frame: Any, name: str) -> list[str]:
    return [str(v) for v in frame[name].to_list()]


def _reladiff(directory: Path, algorithm: str) -> Outcome:
    import duckdb
    import reladiff

    database = directory / f"reladiff-{algorithm}.duckdb"
    database.unlink(missing_ok=True)

    def load() -> None:
        con = duckdb.connect(str(database))
        for table, name in (("src", "source"), ("tgt", "target")):
            con.execute(f"CREATE TABLE {table} AS FROM read_parquet('{directory / name}.parquet')")
        con.close()

    _, load_s = _timed(load)

    def compare() -> tuple[set[str], set[str]]:
        left = reladiff.connect_to_table(f"duckdb://{database}", "src", KEY)
        right = reladiff.connect_to_table(f"duckdb://{database}", "tgt", KEY)
        minus: set[str] = set()
        plus: set[str] = set()
        for sign, row in reladiff.diff_tables(left, right, extra_columns=FIELDS,
                                              algorithm=algorithm):  # fmt: skip
            (minus if sign == "-" else plus).add(str(row[0]))
        return minus, plus

    try:
        (minus, plus), compare_s = _timed(compare)
    finally:
        database.unlink(missing_ok=True)
    return Outcome(
        load_s, compare_s, minus & plus, minus - plus, plus - minus, None,
        ["rows only: no per-field findings, no tolerance"],
    )  # fmt: skip


def reladiff_joindiff(directory: Path) -> Outcome:
    return _reladiff(directory, "joindiff")


def reladiff_hashdiff(directory: Path) -> Outcome:
    return _reladiff(directory, "hashdiff")


TOOLS: dict[str, Callable[[Path], Outcome]] = {
    "columnar": columnar,
    "columnar_buckets": columnar_buckets,
    "per_record": per_record,
    "datacompy_pandas": datacompy_pandas,
    "datacompy_polars": datacompy_polars,
    "reladiff_joindiff": reladiff_joindiff,
    "reladiff_hashdiff": reladiff_hashdiff,
    "deepdiff_sample": deepdiff_sample,
}


def judge(outcome: Outcome, truth: Truth) -> dict[str, Any]:
    """The figures of one run, its findings checked against the truth."""
    differing = set(truth.differing)
    if outcome.sample is not None:
        differing &= outcome.sample
    found = (outcome.differing, outcome.missing, outcome.extra)
    return {
        "load_s": outcome.load_s,
        "compare_s": outcome.compare_s,
        "findings_match": found == (differing, set(truth.missing), set(truth.extra)),
        "differing_found": len(outcome.differing),
        "per_field": outcome.cells is not None and outcome.cells == truth.cells,
        "cells_found": outcome.cells,
        "extrapolated": outcome.extrapolated,
        "notes": outcome.notes,
    }


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: its own address space, fresh since exec) plus its
    largest child's. Not ru_maxrss for itself: Linux carries the parent's high-water mark
    across fork and exec, so a child would report at least the bench's own RSS. The children
    figure (bucket workers) has that floor, so it is an upper bound."""
    own_kib = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            own_kib = int(line.split()[1])
    if not own_kib:  # no /proc: fall back to getrusage (may include the parent's peak)
        own_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own_kib + children) / 1024


def main(argv: list[str]) -> None:
    tool, directory = argv[0], Path(argv[1])
    if tool not in TOOLS:
        raise SystemExit(f"unknown tool {tool!r}; known: {', '.join(TOOLS)}")
    outcome = TOOLS[tool](directory)
    figures = judge(outcome, Truth.load(directory / "truth.json"))
    figures["peak_rss_mb"] = peak_rss_mb()
    # On a line of its own: a library's progress bar may have left the cursor mid-line.
    sys.stdout.write("\n" + MARK + orjson.dumps(figures).decode() + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
