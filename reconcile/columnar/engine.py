"""Hash first, then per field: what differs between the two tables of a ColumnarStore.

One full outer join on the key settles every row whose 64-bit hashes agree (the great
majority) and names the keys on one side only; a second pass runs each field's equality rule
(`ColumnSpec.equal_sql`, tolerance included) on the hash-differing rows only, and returns the
differing cells. The few cells SQL cannot settle faithfully (non-ASCII case folding, a number
against a string, nested values) are re-checked with the Python comparator, so the findings
are those of the per-record path (reconcile.compare.values_equal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

from reconcile.columnar.columns import ColumnarError, ColumnSpec, decode, needs_python
from reconcile.compare import canonical_values_equal, values_equal

Encoding = Literal["records", "frames"]


@dataclass(frozen=True)
class FieldDifference:
    """One differing cell: canonical values (what the comparison saw), not raw ones."""

    key: str
    path: str
    source: Any
    target: Any


@dataclass(frozen=True)
class ColumnarResult:
    """Every difference of a compare (or of one bucket of it)."""

    source_rows: int = 0
    target_rows: int = 0
    matched: int = 0  # keys on both sides
    equal: int = 0  # matched keys whose every field is equal under its rule
    hash_different: int = 0  # matched keys sent to the per-field pass
    missing: tuple[str, ...] = ()  # keys in the source only
    unexpected: tuple[str, ...] = ()  # keys in the target only
    differences: tuple[FieldDifference, ...] = ()  # sorted by key, then field order
    buckets: int = 1

    @property
    def differing_keys(self) -> list[str]:
        """Matched keys with at least one differing field, in order."""
        return list(dict.fromkeys(d.key for d in self.differences))

    def by_field(self) -> Counter[str]:
        """Differing cells per field path."""
        return Counter(d.path for d in self.differences)

    @classmethod
    def merge(cls, parts: Iterable[ColumnarResult]) -> ColumnarResult:
        """One result from the results of independent buckets (any order)."""
        parts = list(parts)
        return cls(
            source_rows=sum(p.source_rows for p in parts),
            target_rows=sum(p.target_rows for p in parts),
            matched=sum(p.matched for p in parts),
            equal=sum(p.equal for p in parts),
            hash_different=sum(p.hash_different for p in parts),
            missing=tuple(sorted(k for p in parts for k in p.missing)),
            unexpected=tuple(sorted(k for p in parts for k in p.unexpected)),
            # Stable: a key lives in one bucket, so its cells keep their field order.
            differences=tuple(sorted((d for p in parts for d in p.differences), key=_by_key)),
            buckets=sum(p.buckets for p in parts),
        )


@dataclass(frozen=True)
class CompareSpec:
    """What a bucket compare needs besides the connection: picklable, for worker processes."""

    columns: tuple[ColumnSpec, ...]
    encoding: Encoding
    approximate: frozenset[int] = field(default_factory=frozenset)


def compare_tables(
    con: duckdb.DuckDBPyConnection, spec: CompareSpec, bucket: int | None = None
) -> ColumnarResult:
    """Compare the `src` and `tgt` tables of `con` (only `bucket`'s rows when given)."""
    where = "" if bucket is None else f" WHERE b = {int(bucket)}"
    src, tgt = f"(SELECT * FROM src{where})", f"(SELECT * FROM tgt{where})"
    source_rows, target_rows = (
        _checked_count(con, src, "source"),
        _checked_count(con, tgt, "target"),
    )
    # One narrow join settles every row: key, hash and row id only cross it, so its build
    # side stays small; it returns the one-sided keys and the pairs whose hashes differ.
    narrow = f"(SELECT key, h, rowid AS r FROM {{}}{where})"
    outcome = con.execute(
        f"SELECT s.key, t.key, s.r, t.r FROM {narrow.format('src')} s "
        f"FULL OUTER JOIN {narrow.format('tgt')} t ON s.key = t.key "
        "WHERE s.key IS NULL OR t.key IS NULL OR s.h <> t.h"
    ).fetchall()
    missing = tuple(sorted(str(sk) for sk, tk, _s, _t in outcome if tk is None))
    unexpected = tuple(sorted(str(tk) for sk, tk, _s, _t in outcome if sk is None))
    pairs = [(sr, tr) for sk, tk, sr, tr in outcome if sk is not None and tk is not None]
    matched = source_rows - len(missing)
    cells = _differing_cells(con, spec, pairs)
    differences = tuple(_settle(cells, spec))  # SQL sorted them by key, then field order
    differing = len({d.key for d in differences})
    return ColumnarResult(
        source_rows=source_rows,
        target_rows=target_rows,
        matched=matched,
        equal=matched - differing,
        hash_different=len(pairs),
        missing=missing,
        unexpected=unexpected,
        differences=differences,
    )


def _checked_count(con: duckdb.DuckDBPyConnection, table: str, side: str) -> int:
    """Rows of one side; its keys must be present and unique, or the join would mislead."""
    row = con.execute(f"SELECT count(*), count(key), count(DISTINCT key) FROM {table}").fetchone()
    rows, keyed, distinct = (int(v) for v in row) if row else (0, 0, 0)
    if keyed != rows:
        raise ColumnarError(f"{rows - keyed} {side} rows have no key: every row needs one")
    if distinct != rows:
        dupe = con.execute(
            f"SELECT key FROM {table} GROUP BY key HAVING count(*) > 1 LIMIT 1"
        ).fetchone()
        raise ColumnarError(
            f"{rows - distinct} {side} keys repeat (e.g. {dupe[0] if dupe else '?'!r}): "
            "compare the matched key space, one row per key (pair duplicates first)"
        )
    return rows


def _differing_cells(
    con: duckdb.DuckDBPyConnection, spec: CompareSpec, pairs: list[tuple[int, int]]
) -> list[tuple[Any, ...]]:
    """(key, column index, source token, source number, target token, target number) of
    every cell SQL calls different among the (source row id, target row id) pairs, which are
    fetched whole by row id and compared field by field under each rule."""
    if not pairs:
        return []
    carried = ", ".join(
        f"s.{c} AS s_{c}, t.{c} AS t_{c}" for col in spec.columns for c in (col.text, col.number)
    )
    flags = ", ".join(f"NOT {col.equal_sql('s', 't')} AS d{col.index}" for col in spec.columns)
    parts = " UNION ALL ".join(
        f"SELECT key, {col.index} AS col, s_{col.text}, s_{col.number}, t_{col.text}, "
        f"t_{col.number} FROM d WHERE d{col.index}"
        for col in spec.columns
    )
    return con.execute(
        "WITH k AS MATERIALIZED (SELECT unnest($1) AS sr, unnest($2) AS tr), "
        f"d AS MATERIALIZED (SELECT s.key AS key, {carried}, {flags} "
        "FROM k JOIN src s ON s.rowid = k.sr JOIN tgt t ON t.rowid = k.tr) "
        f"SELECT * FROM ({parts}) ORDER BY key, col",
        [[sr for sr, _ in pairs], [tr for _, tr in pairs]],
    ).fetchall()


def _settle(cells: list[tuple[Any, ...]], spec: CompareSpec) -> Iterable[FieldDifference]:
    """The cells that really differ: SQL's verdict, re-checked in Python where it may err."""
    for key, index, s_text, s_num, t_text, t_num in cells:
        col = spec.columns[index]
        left, right = decode(s_text, s_num), decode(t_text, t_num)
        if index in spec.approximate:
            # Frames hold SQL-canonical text: canonicalise it again the Python way.
            equal = values_equal(left, right, col.rule)
        else:
            python = spec.encoding == "records" and needs_python((s_text, s_num), (t_text, t_num))
            equal = python and canonical_values_equal(left, right, col.rule)
        if not equal:
            yield FieldDifference(str(key), col.path, left, right)


def _by_key(diff: FieldDifference) -> str:
    return diff.key
