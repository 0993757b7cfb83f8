"""The state file's schema and its migrations.

`MIGRATIONS[n]` takes a file from schema version n to n + 1; `PRAGMA user_version` records
where a file stands. Steps run one at a time, each in its own transaction, so an interrupted
upgrade leaves the file at a version this code can continue from. Never edit a released step:
append a new one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync.state.models import StateError

BUSY_TIMEOUT_MS = 5_000

_V1: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        run_id      TEXT PRIMARY KEY,
        flow        TEXT NOT NULL,
        mode        TEXT NOT NULL CHECK (mode IN ('dry-run', 'shadow', 'live', 'rollback')),
        kind        TEXT NOT NULL CHECK (kind IN ('full', 'incremental', 'replay', 'rollback')),
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'partial')),
        counts      TEXT NOT NULL DEFAULT '{}',
        error       TEXT
    )
    """,
    "CREATE INDEX runs_by_flow ON runs (flow, started_at)",
    """
    CREATE TABLE crosswalk (
        flow               TEXT NOT NULL,
        source_id          TEXT NOT NULL,
        target_id          TEXT NOT NULL,
        external_id        TEXT NOT NULL,
        content_hash       TEXT NOT NULL,
        source_modified_at TEXT,
        synced_at          TEXT NOT NULL,
        last_run_id        TEXT NOT NULL REFERENCES runs (run_id),
        PRIMARY KEY (flow, source_id)
    )
    """,
    "CREATE INDEX crosswalk_by_target ON crosswalk (flow, target_id)",
    """
    CREATE TABLE watermarks (
        flow        TEXT PRIMARY KEY,
        modified_at TEXT NOT NULL,
        record_id   TEXT NOT NULL DEFAULT '',
        run_id      TEXT NOT NULL REFERENCES runs (run_id),
        updated_at  TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE audit (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id      TEXT NOT NULL REFERENCES runs (run_id),
        flow        TEXT NOT NULL,
        action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
        source_id   TEXT NOT NULL,
        target_id   TEXT NOT NULL,
        external_id TEXT NOT NULL,
        before      TEXT,
        after       TEXT,
        at          TEXT NOT NULL,
        flags       TEXT NOT NULL DEFAULT '[]',
        CHECK (after IS NOT NULL OR action = 'delete')
    )
    """,
    "CREATE INDEX audit_by_run ON audit (run_id, seq)",
    "CREATE INDEX audit_by_source ON audit (flow, source_id, seq)",
    """
    CREATE TABLE quarantine (
        qid         TEXT PRIMARY KEY,
        run_id      TEXT NOT NULL REFERENCES runs (run_id),
        flow        TEXT NOT NULL,
        source_id   TEXT NOT NULL,
        reason      TEXT NOT NULL CHECK (reason IN ('validation', 'rejected',
                    'unresolved_reference', 'conflict', 'drift', 'rate_limit_exhausted')),
        code        TEXT NOT NULL,
        message     TEXT NOT NULL,
        payload     TEXT NOT NULL,
        mapped      TEXT,
        status      TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'replayed', 'discarded')),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        resolved_at TEXT,
        resolved_by TEXT,
        CHECK ((status = 'open') = (resolved_at IS NULL))
    )
    """,
    # At most one open entry per record and flow: re-quarantining updates it (an upsert).
    "CREATE UNIQUE INDEX quarantine_one_open ON quarantine (flow, source_id) WHERE status = 'open'",
    "CREATE INDEX quarantine_by_flow ON quarantine (flow, status, created_at)",
    """
    CREATE TABLE planned_changes (
        seq         INTEGER PRIMARY KEY,
        run_id      TEXT NOT NULL REFERENCES runs (run_id),
        flow        TEXT NOT NULL,
        action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
        source_id   TEXT NOT NULL,
        target_id   TEXT,
        external_id TEXT NOT NULL,
        fields      TEXT NOT NULL DEFAULT '[]',
        before      TEXT,
        after       TEXT
    )
    """,
    "CREATE INDEX planned_by_run ON planned_changes (run_id, seq)",
)

# v2: every reconcile's per-flow summary, for `harness history`, `harness trend` and the
# HTML report's trend chart.
_V2: tuple[str, ...] = (
    """
    CREATE TABLE reconciles (
        reconcile_id    TEXT NOT NULL,
        flow            TEXT NOT NULL,
        generated_at    TEXT NOT NULL,
        config          TEXT NOT NULL DEFAULT '',
        verdict         TEXT NOT NULL CHECK (verdict IN ('GO', 'NO-GO')),
        passed          INTEGER NOT NULL CHECK (passed IN (0, 1)),
        record_accuracy REAL NOT NULL CHECK (record_accuracy BETWEEN 0 AND 1),
        field_accuracy  REAL NOT NULL CHECK (field_accuracy BETWEEN 0 AND 1),
        counts          TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (reconcile_id, flow)
    )
    """,
    "CREATE INDEX reconciles_by_flow ON reconciles (flow, generated_at)",
    "CREATE INDEX reconciles_by_time ON reconciles (generated_at)",
)

# v3: which rollback undid which run (so a run is never rolled back twice, and the refusal can
# name the rollback that did it), a data steward's note on a resolved quarantine entry, and
# time indexes for `harness prune`.
_V3: tuple[str, ...] = (
    """
    CREATE TABLE rollbacks (
        rollback_run_id TEXT PRIMARY KEY REFERENCES runs (run_id),
        of_run_id       TEXT NOT NULL REFERENCES runs (run_id)
    )
    """,
    "CREATE INDEX rollbacks_of_run ON rollbacks (of_run_id)",
    "ALTER TABLE quarantine ADD COLUMN note TEXT",
    "CREATE INDEX audit_by_time ON audit (at)",
    "CREATE INDEX runs_by_time ON runs (started_at)",
)

# v4: what each record's last sync knew, for governance: the source's mapped payload then,
# and the target values whose edits a conflict policy accepted (JSON).
_V4: tuple[str, ...] = ("ALTER TABLE crosswalk ADD COLUMN last_sync TEXT",)

# v5: intent before effect, and interrupted runs.
# - An audit row is written as an intent ('pending', before-image and the payload to write)
#   before the write goes out, and settled after it ('applied' or 'not_applied', with the
#   target id): `settled_at` and `settled_by` say when and by which run (the writing run, or
#   the next one, which settles what a dead process left by reading the target).
# - A run stopped by Ctrl-C, or found 'running' by the next one after its process died, ends
#   'interrupted' (a status of its own); `pid` and `host` say which process runs it, so a
#   stale run can be told from a live one on another host. SQLite cannot change a CHECK
#   constraint, so `runs` is rebuilt (foreign keys are off during migrations, see `migrate`).
_RUN_STATUSES_V5 = "('running', 'succeeded', 'failed', 'partial', 'interrupted')"
_V5: tuple[str, ...] = (
    f"""
    CREATE TABLE runs_v5 (
        run_id      TEXT PRIMARY KEY,
        flow        TEXT NOT NULL,
        mode        TEXT NOT NULL CHECK (mode IN ('dry-run', 'shadow', 'live', 'rollback')),
        kind        TEXT NOT NULL CHECK (kind IN ('full', 'incremental', 'replay', 'rollback')),
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN {_RUN_STATUSES_V5}),
        counts      TEXT NOT NULL DEFAULT '{{}}',
        error       TEXT,
        pid         INTEGER,
        host        TEXT
    )
    """,
    "INSERT INTO runs_v5 (run_id, flow, mode, kind, started_at, finished_at, status, counts, "
    "error) SELECT run_id, flow, mode, kind, started_at, finished_at, status, counts, error "
    "FROM runs ORDER BY rowid",
    "DROP TABLE runs",
    "ALTER TABLE runs_v5 RENAME TO runs",
    "CREATE INDEX runs_by_flow ON runs (flow, started_at)",
    "CREATE INDEX runs_by_time ON runs (started_at)",
    # Rows written before v5 were written after their write succeeded: they are applied.
    "ALTER TABLE audit ADD COLUMN outcome TEXT NOT NULL DEFAULT 'applied' "
    "CHECK (outcome IN ('pending', 'applied', 'not_applied'))",
    "ALTER TABLE audit ADD COLUMN settled_at TEXT",
    "ALTER TABLE audit ADD COLUMN settled_by TEXT",
    "UPDATE audit SET settled_at = at, settled_by = run_id",
    "CREATE INDEX audit_pending ON audit (flow, seq) WHERE outcome = 'pending'",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5)
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the state file at `path`.

    The connection is in autocommit mode (`isolation_level=None`): the store opens its own
    `BEGIN IMMEDIATE` transactions. It may only be used from the thread that opened it.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Owner-only: the state holds record payloads (quarantine, audit images). SQLite gives its
    # -wal and -shm files the database file's mode.
    path.touch(mode=0o600, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StateError(f"cannot open state file {path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        found = user_version(conn)
        if found > SCHEMA_VERSION:
            raise StateError(
                f"state file {path} has schema version {found}, but this harness only knows "
                f"versions up to {SCHEMA_VERSION}: it was written by a newer release. Upgrade "
                "the harness (pip install -U crm-erp-harness) to open it."
            )
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed page survives power loss, so a crash replays at most one page.
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StateError(f"{path} is not a usable state file: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply the missing migration steps, one transaction per step.

    Foreign keys are off while steps run (SQLite's way to rebuild a table others refer
    to: the pragma cannot change inside a transaction), and each step is checked with
    `foreign_key_check` before it commits.
    """
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        while _migrate_one_step(conn, path):
            pass
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _migrate_one_step(conn: sqlite3.Connection, path: Path) -> bool:
    """Apply the next step; False when the file is current."""
    conn.execute("BEGIN IMMEDIATE")  # re-read the version under the write lock
    version = user_version(conn)
    if version >= SCHEMA_VERSION:
        conn.execute("COMMIT")
        return False
    try:
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise sqlite3.IntegrityError(f"foreign keys broken by the step: {broken[:5]}")
        conn.execute(f"PRAGMA user_version = {version + 1}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        raise StateError(
            f"upgrading state file {path} to schema version {version + 1} failed and was "
            f"rolled back (the file stays at version {version}): {exc}"
        ) from exc
    return True
