"""The columnar compare engine: large reconciles in DuckDB, with the per-record path's rules.

Feed two streams of (key, record) pages (or Parquet files / Arrow-like frames) for the matched
key space into a `ColumnarStore`, then `compare_store` joins them on the key, hash first and
per field only where hashes differ, and returns missing keys, unexpected keys and per-field
differences. Buckets (a stable hash of the key) split the work for a process pool, or for
Dask / Ray (see README.md in this folder). `compare_records` does it all in one call.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from reconcile.columnar.columns import ColumnarError, ColumnSpec
from reconcile.columnar.engine import ColumnarResult, CompareSpec, FieldDifference
from reconcile.columnar.partition import (
    BucketTask,
    Runner,
    compare_store,
    process_pool,
    run_bucket,
    serial,
)
from reconcile.columnar.store import ColumnarStore, RecordPage, bucket_of
from reconcile.compare import FieldRuleView

__all__ = [
    "BucketTask",
    "ColumnSpec",
    "ColumnarError",
    "ColumnarResult",
    "ColumnarStore",
    "CompareSpec",
    "FieldDifference",
    "RecordPage",
    "Runner",
    "bucket_of",
    "compare_records",
    "compare_store",
    "process_pool",
    "run_bucket",
    "serial",
]


def compare_records(
    rules: Iterable[FieldRuleView],
    source_pages: Iterable[RecordPage],
    target_pages: Iterable[RecordPage],
    *,
    buckets: int = 1,
    location: Literal["memory", "disk"] = "memory",
    workdir: Path | None = None,
    memory_limit: str = "2GB",
    runner: Runner | None = None,
) -> ColumnarResult:
    """Compare two streams of (key, record) pages under `rules`; nothing is kept afterwards."""
    with ColumnarStore(
        rules, buckets=buckets, location=location, workdir=workdir, memory_limit=memory_limit
    ) as store:
        store.load_records("source", source_pages)
        store.load_records("target", target_pages)
        return compare_store(store, runner=runner)
