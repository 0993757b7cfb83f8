"""Buckets: a compare split by a stable hash of the key into parts compared independently.

A key lands in the same bucket on both sides (`bucket_of`: MD5, not Python's salted `hash`),
so bucket i of the source only ever meets bucket i of the target and the results simply
concatenate (`ColumnarResult.merge`). A bucket is described by a picklable `BucketTask`
and compared by the module-level `run_bucket`, so any executor with a `map` can run them:

- one process (`serial`): the default for small compares, and always for an in-memory store;
- a local `ProcessPoolExecutor` (`process_pool(workers)`): each worker opens the store's
  DuckDB file read-only, with its own thread count;
- Dask or Ray when one machine is not enough (not installed; see README.md in this folder):
  write each side's buckets where the workers can read them and pass a runner such as
  `lambda fn, tasks: dask.compute(*[dask.delayed(fn)(t) for t in tasks])`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import duckdb

from reconcile.columnar.engine import ColumnarResult, CompareSpec, compare_tables
from reconcile.columnar.store import ColumnarStore

BucketFn = Callable[["BucketTask"], ColumnarResult]
# A runner maps the bucket function over the tasks, anywhere, in any order.
Runner = Callable[[BucketFn, Sequence["BucketTask"]], Iterable[ColumnarResult]]


@dataclass(frozen=True)
class BucketTask:
    """Everything one bucket's compare needs, by value: it crosses process boundaries."""

    database: str  # a DuckDB file holding the `src` and `tgt` tables
    bucket: int
    spec: CompareSpec
    memory_limit: str = "2GB"
    threads: int = 1


def run_bucket(task: BucketTask) -> ColumnarResult:
    """Compare one bucket from the store's file, opened read-only (safe from many processes)."""
    con = duckdb.connect(
        task.database,
        read_only=True,
        config={"memory_limit": task.memory_limit, "threads": task.threads},
    )
    try:
        con.execute("SET enable_progress_bar = false")  # it writes to stdout
        return compare_tables(con, task.spec, task.bucket)
    finally:
        con.close()


def serial(fn: BucketFn, tasks: Sequence[BucketTask]) -> Iterable[ColumnarResult]:
    """Run the buckets one after another in this process."""
    return [fn(task) for task in tasks]


def process_pool(workers: int) -> Runner:
    """A runner over a local pool of `workers` processes (spawned: DuckDB holds threads,
    which a forked child must not inherit)."""

    def run(fn: BucketFn, tasks: Sequence[BucketTask]) -> Iterable[ColumnarResult]:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(fn, tasks))

    return run


def compare_store(store: ColumnarStore, *, runner: Runner | None = None) -> ColumnarResult:
    """Compare a loaded store, bucket by bucket.

    Without a runner, an in-memory store or a single bucket is compared on the store's own
    connection; a disk store with several buckets goes to a process pool of one worker per
    bucket up to two. A runner always gets `BucketTask`s over the sealed file."""
    spec = CompareSpec(store.columns, store.encoding or "records", frozenset(store.approximate))
    if runner is None and (store.path is None or store.buckets == 1):
        con = store.connection()
        if store.buckets == 1:
            return compare_tables(con, spec)
        return ColumnarResult.merge(compare_tables(con, spec, b) for b in range(store.buckets))
    database = str(store.seal())
    threads = store.threads or 1
    tasks = [
        BucketTask(database, b, spec, store.memory_limit, threads) for b in range(store.buckets)
    ]
    chosen = runner or process_pool(min(2, store.buckets))
    return ColumnarResult.merge(chosen(run_bucket, tasks))
