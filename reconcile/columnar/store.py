"""Both sides of a compare as two DuckDB tables, filled page by page.

Memory stays bounded: pages of records are encoded and spilled to a small NDJSON chunk that
DuckDB ingests and the store deletes, so neither side is ever held as Python dicts; the
database itself is a file under a temporary directory (or in memory for small inputs) with a
memory limit, beyond which DuckDB spills to that directory.

Each table holds: the key, its bucket (a stable hash of the key, `bucket_of`), a 64-bit hash
of every compared value (equal hashes: equal rows, no per-field work), and per field a token
and a number (reconcile.columnar.columns).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import duckdb
import orjson

from reconcile.columnar.columns import (
    ColumnarError,
    ColumnSpec,
    column_specs,
    encode,
    sql_canonical,
    table_columns,
)
from reconcile.compare import FieldRuleView
from sync.mapping import get_path

Side = Literal["source", "target"]
TABLES: dict[Side, str] = {"source": "src", "target": "tgt"}
CHUNK_ROWS = 50_000  # rows per spilled NDJSON chunk: ~30 MB on disk, never in memory
RecordPage = Iterable[tuple[str, Mapping[str, Any]]]
_KINDS = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    **{
        t: "number"
        for t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                  "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE")
    },
}  # fmt: skip


def bucket_of(key: str, buckets: int) -> int:
    """The bucket of a key: the low 64 bits of its MD5, modulo `buckets` (DuckDB's
    `md5_number_lower`), so Python, SQL and any other machine agree on it."""
    digest = hashlib.md5(key.encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[8:], "little") % buckets


def bucket_sql(key_sql: str, buckets: int) -> str:
    """SQL for `bucket_of` (a constant for one bucket: no hashing needed)."""
    if buckets == 1:
        return "0"
    return f"CAST(md5_number_lower({key_sql}) % {int(buckets)} AS INTEGER)"


class ColumnarStore:
    """Two DuckDB tables (source, target) of canonical values, ready for `compare_store`.

    `location` is "memory" (fastest; spills only under the memory limit) or "disk" (a file
    under `workdir`, which bucket workers in other processes can open read-only)."""

    def __init__(
        self,
        rules: Iterable[FieldRuleView],
        *,
        buckets: int = 1,
        location: Literal["memory", "disk"] = "memory",
        workdir: Path | None = None,
        memory_limit: str = "2GB",
        threads: int | None = None,
    ) -> None:
        if buckets < 1:
            raise ColumnarError(f"buckets must be at least 1, got {buckets}")
        self.columns: tuple[ColumnSpec, ...] = column_specs(list(rules))
        if not self.columns:
            raise ColumnarError("nothing to compare: the mapping declares no target fields")
        self.buckets = buckets
        self.memory_limit = memory_limit
        self.threads = threads
        self.approximate: set[int] = set()  # columns whose SQL may over-report (frames)
        self.encoding: Literal["records", "frames"] | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="reconcile-columnar-", dir=workdir))
        self.path: Path | None = self._dir / "compare.duckdb" if location == "disk" else None
        self.con: duckdb.DuckDBPyConnection | None = duckdb.connect(
            str(self.path) if self.path else ":memory:"
        )
        self.con.execute(f"SET memory_limit = '{memory_limit.replace(chr(39), '')}'")
        self.con.execute(f"SET temp_directory = '{self._dir / 'spill'}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("SET enable_progress_bar = false")  # it writes to stdout
        columns = ", ".join(f"{name} {kind}" for name, kind in table_columns(self.columns))
        for table in TABLES.values():
            self.con.execute(f"CREATE TABLE {table} (key VARCHAR, b INTEGER, h UBIGINT, {columns})")

    # -- loading -------------------------------------------------------------------------

    def load_records(self, side: Side, pages: Iterable[RecordPage]) -> int:
        """Load pages of (key, record) pairs; each record's compared paths are read with
        `get_path` and canonicalised in Python exactly as the per-record compare does.
        Returns the number of rows loaded."""
        self._claim("records")
        rows = 0
        chunk: list[bytes] = []
        for page in pages:
            for key, record in page:
                row: dict[str, Any] = {"key": str(key)}
                for col in self.columns:
                    row[col.text], row[col.number] = encode(get_path(record, col.path), col.rule)
                chunk.append(orjson.dumps(row))
                if len(chunk) >= CHUNK_ROWS:
                    rows += self._flush(side, chunk)
                    chunk = []
        return rows + self._flush(side, chunk)

    def load_parquet(self, side: Side, path: Path | str, key: str) -> int:
        """Load a Parquet file whose columns are named by the rules' paths; the values are
        canonicalised in SQL (typed columns: text, numbers, booleans)."""
        quoted = str(path).replace("'", "''")
        return self._load_relation(side, f"read_parquet('{quoted}')", key)

    def load_frames(self, side: Side, frames: Iterable[Any], key: str) -> int:
        """Load Arrow-compatible frames (polars, pandas, pyarrow) page by page; each is
        canonicalised in SQL as `load_parquet` does."""
        rows = 0
        con = self.connection()
        for frame in frames:
            con.register("_page", frame)
            try:
                rows += self._load_relation(side, "_page", key)
            finally:
                con.unregister("_page")
        return rows

    def _load_relation(self, side: Side, relation: str, key: str) -> int:
        self._claim("frames")
        con = self.connection()
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        types = {str(row[0]): str(row[1]) for row in described}
        if key not in types:
            raise ColumnarError(f"key column {key!r} is not among {sorted(types)}")
        selects = []
        for col in self.columns:
            kind = _KINDS.get(types.get(col.path, "VARCHAR").split("(")[0])
            if col.path not in types:
                raise ColumnarError(f"column {col.path!r} is missing; columns: {sorted(types)}")
            if kind is None:
                raise ColumnarError(
                    f"column {col.path!r} is {types[col.path]}: cast it to VARCHAR, a number "
                    "or BOOLEAN, or load it with load_records"
                )
            text, number, approximate = sql_canonical(col.path, col.rule, kind)
            if approximate:
                self.approximate.add(col.index)
            selects += [f"{text} AS {col.text}", f"{number} AS {col.number}"]
        quoted_key = '"' + key.replace('"', '""') + '"'
        return self._insert(side, f"SELECT CAST({quoted_key} AS VARCHAR) AS key, "
                                  f"{', '.join(selects)} FROM {relation}")  # fmt: skip

    def _flush(self, side: Side, chunk: list[bytes]) -> int:
        if not chunk:
            return 0
        spill = self._dir / f"{side}.ndjson"
        spill.write_bytes(b"\n".join(chunk))
        names = ", ".join(
            f"'{name}': '{kind}'"
            for name, kind in [("key", "VARCHAR"), *table_columns(self.columns)]
        )
        try:
            return self._insert(
                side,
                f"SELECT * FROM read_json('{spill}', format = 'newline_delimited', "
                f"columns = {{{names}}})",
            )
        finally:
            spill.unlink()

    def _insert(self, side: Side, select: str) -> int:
        values = ", ".join(name for name, _ in table_columns(self.columns))
        inserted = (
            self.connection()
            .execute(
                f"INSERT INTO {TABLES[side]} SELECT key, {bucket_sql('key', self.buckets)}, "
                f"hash({values}), {values} FROM ({select})"
            )
            .fetchone()
        )
        return int(inserted[0]) if inserted else 0

    def _claim(self, encoding: Literal["records", "frames"]) -> None:
        if self.encoding not in (None, encoding):
            raise ColumnarError(
                f"this store already holds {self.encoding}: load both sides the same way"
            )
        self.encoding = encoding

    # -- lifecycle -----------------------------------------------------------------------

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            raise ColumnarError("the store is sealed: open a new one to load more rows")
        return self.con

    def counts(self) -> dict[Side, int]:
        con = self.connection()
        out: dict[Side, int] = {}
        for side, table in TABLES.items():
            row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            out[side] = int(row[0]) if row else 0
        return out

    def seal(self) -> Path:
        """Close the writer so bucket workers in other processes can open the file."""
        if self.path is None:
            raise ColumnarError("an in-memory store cannot be shared: use location='disk'")
        if self.con is not None:
            self.con.execute("CHECKPOINT")
            self.con.close()
            self.con = None
        return self.path

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> ColumnarStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
