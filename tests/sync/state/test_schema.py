"""Opening, migrating and refusing state files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import sync.state
from sync.state import SCHEMA_VERSION, StateError, StateStore, schema

TABLES = {
    "runs", "crosswalk", "watermarks", "audit", "quarantine", "planned_changes", "reconciles",
    "rollbacks",
}  # fmt: skip


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def test_public_api_is_pinned() -> None:
    assert set(sync.state.__all__) == {
        "StateStore",
        "RunInfo",
        "CrosswalkEntry",
        "AuditEntry",
        "QuarantineEntry",
        "PlannedChange",
        "PruneCounts",
        "ReconcileSummary",
        "StateError",
        "SCHEMA_VERSION",
    }


def test_empty_file_is_migrated_to_the_current_version(state_path: Path) -> None:
    with StateStore(state_path) as store:
        assert store.crosswalk_count("customers") == 0
    assert _user_version(state_path) == SCHEMA_VERSION == len(schema.MIGRATIONS)
    assert _tables(state_path) >= TABLES


def test_file_uses_wal_foreign_keys_and_busy_timeout(state_path: Path) -> None:
    with StateStore(state_path) as store:
        conn = store._db
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == schema.BUSY_TIMEOUT_MS


def test_reopening_keeps_data_and_version(state_path: Path) -> None:
    with StateStore(state_path) as store:
        run = store.start_run("customers", "live", "full")
    with StateStore(state_path) as store:
        assert store.get_run(run.run_id) == run
    assert _user_version(state_path) == SCHEMA_VERSION


def test_missing_steps_apply_one_at_a_time(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    StateStore(state_path).close()
    step = ("ALTER TABLE runs ADD COLUMN note TEXT", "CREATE INDEX runs_by_note ON runs (note)")
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, step))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with StateStore(state_path) as store:
        columns = {row[1] for row in store._db.execute("PRAGMA table_info(runs)")}
    assert "note" in columns
    assert _user_version(state_path) == SCHEMA_VERSION + 1


def test_failed_step_rolls_back_and_keeps_the_old_version(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    StateStore(state_path).close()
    broken = ("ALTER TABLE runs ADD COLUMN note TEXT", "SELECT * FROM no_such_table")
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StateError, match=rf"stays at version {SCHEMA_VERSION}"):
        StateStore(state_path)
    assert _user_version(state_path) == SCHEMA_VERSION
    with sqlite3.connect(state_path) as conn:
        assert "note" not in {row[1] for row in conn.execute("PRAGMA table_info(runs)")}


def test_newer_file_is_refused_with_an_upgrade_hint(state_path: Path) -> None:
    StateStore(state_path).close()
    with sqlite3.connect(state_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StateError, match=r"newer release\. Upgrade the harness"):
        StateStore(state_path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_text("this is not a database, just some text that is long enough" * 20)
    with pytest.raises(StateError, match="not a usable state file"):
        StateStore(path)


def test_a_closed_store_says_so(state_path: Path) -> None:
    store = StateStore(state_path)
    store.close()
    store.close()  # idempotent
    with pytest.raises(StateError, match="closed"):
        store.runs()
