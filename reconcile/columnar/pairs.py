"""The reconciler's seam: which matched pairs are equal, decided by the columnar engine.

`compare_snapshots` calls `judge_pairs` above a size threshold instead of comparing the
signatures of every pair in Python. It maps each source once, streams the mapped payloads and
the target records into a ColumnarStore page by page (keyed by the pair's position, so a key
can never collide) and keeps per pair only what the report needs later: whether the mapping
succeeded, its policy flags, and whether the pair is equal. The reconciler then builds
findings, with the same Python code as below the threshold, for the unequal pairs only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from reconcile.columnar.partition import Runner, compare_store
from reconcile.columnar.store import ColumnarStore
from reconcile.compare import FieldRuleView
from sync.connectors.base import Record
from sync.mapping import MappingSpec, apply_mapping
from sync.mapping.apply import ReferenceResolver

PAGE = 1_000
COLUMNAR_THRESHOLD = 50_000  # matched pairs from which the columnar engine is used


@dataclass(frozen=True)
class ColumnarOptions:
    """When and how `compare_snapshots` uses the columnar engine.

    `threshold`: matched pairs from which it is used (0: always; None: never). `buckets` > 1
    with `location="disk"` compares buckets in a local process pool (or with `runner`)."""

    threshold: int | None = COLUMNAR_THRESHOLD
    buckets: int = 1
    location: Literal["memory", "disk"] = "memory"
    workdir: Path | None = None
    memory_limit: str = "2GB"
    runner: Runner | None = None

    def applies(self, pairs: int) -> bool:
        return self.threshold is not None and pairs >= self.threshold


@dataclass(frozen=True)
class PairVerdict:
    """What the reconciler needs of one pair without its mapped payload."""

    ok: bool  # the mapping produced a writable payload
    flags: tuple[str, ...]  # "<code> <target path>" of every policy flag
    same: bool  # ok, and every compared field equal under its rule


def judge_pairs(
    spec: MappingSpec,
    rules: Sequence[FieldRuleView],
    pairs: Sequence[tuple[Record, Record]],
    options: ColumnarOptions,
    *,
    refs: ReferenceResolver | None = None,
) -> list[PairVerdict]:
    """One verdict per pair, in order."""
    mapped: list[tuple[bool, tuple[str, ...]]] = []

    def expected() -> Iterator[list[tuple[str, dict[str, Any]]]]:
        for start in range(0, len(pairs), PAGE):
            page = []
            for index in range(start, min(start + PAGE, len(pairs))):
                result = apply_mapping(spec, pairs[index][0].fields, refs=refs)
                mapped.append((result.ok, tuple(f"{f.code} {f.target}" for f in result.flags)))
                page.append((str(index), result.payload))
            yield page

    def actual() -> Iterator[list[tuple[str, dict[str, Any]]]]:
        for start in range(0, len(pairs), PAGE):
            yield [
                (str(i), pairs[i][1].fields) for i in range(start, min(start + PAGE, len(pairs)))
            ]

    with ColumnarStore(
        rules,
        buckets=options.buckets,
        location=options.location,
        workdir=options.workdir,
        memory_limit=options.memory_limit,
    ) as store:
        store.load_records("source", expected())
        store.load_records("target", actual())
        differing = {int(key) for key in compare_store(store, runner=options.runner).differing_keys}
    return [
        PairVerdict(ok, flags, ok and index not in differing)
        for index, (ok, flags) in enumerate(mapped)
    ]
