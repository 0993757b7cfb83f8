"""The store's connection: opening, closing, transactions, and sqlite3 errors as StateError.

Past opening (`schema.open_database`), sqlite3 exceptions are translated here and only here.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sync.state import _codec as codec
from sync.state.models import StateError
from sync.state.schema import open_database


def this_process() -> tuple[int, str]:
    """(pid, host name) of this process, as runs record it."""
    return os.getpid(), socket.gethostname()


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:  # SQLite may already have rolled back (a failed COMMIT, I/O error)
        conn.execute("ROLLBACK")


class Database:
    """One SQLite connection with the store's transaction and error handling.

    `clock` (default: now in UTC) stamps runs, resolutions and watermark updates.
    """

    def __init__(self, path: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path)
        self._clock = clock or _utcnow
        self._conn: sqlite3.Connection | None = open_database(self.path)

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StateError(f"state store {self.path} is closed")
        return self._conn

    @contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        conn = self._db
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StateError(f"{what}: cannot lock state file {self.path}: {exc}") from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise StateError(
                f"{what} failed and was rolled back, nothing was stored: {exc}"
            ) from exc
        except BaseException:
            _rollback(conn)
            raise

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StateError(f"reading state file {self.path} failed: {exc}") from exc

    def _now(self) -> str:
        return codec.iso(self._clock(), "the store's clock")
