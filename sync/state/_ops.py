"""What operations read from the store: rollback links and per-flow aggregates for monitoring.

A rollback is a run of its own (mode and kind 'rollback'); the `rollbacks` table ties it to
the run it undoes, so the same run is never undone twice and a refusal can name the rollback
that already did it. The aggregates feed `harness status` and `harness metrics` with one
query each instead of loading every run.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sync.state import _codec as codec
from sync.state._db import Database, this_process
from sync.state.models import RunInfo, StateError

# A rollback that finished 'failed' or 'partial' may be tried again (it skips what it has
# already restored), and one stopped midway ('interrupted', or left 'running' by a dead
# process) is resumed; one that is running or succeeded blocks another.
_BLOCKING = "('running', 'succeeded')"
_RUN_COLUMNS_R = ", ".join(f"r.{c.strip()}" for c in codec.RUN_COLUMNS.split(","))


class OpsLog(Database):
    """Rollback links and the aggregates monitoring reads."""

    # -- rollbacks ---------------------------------------------------------------------------

    def check_rollbackable(self, of_run_id: str, *, process_gone: bool = False) -> RunInfo:
        """The run `of_run_id` if it may be rolled back; otherwise a StateError saying why:
        it is unknown, still running, a dry-run or shadow run, or already rolled back.
        `process_gone`: the caller holds the flow's lock, so a run (or a rollback of it)
        still marked running was left so by a dead process and blocks nothing."""
        target = self._run(of_run_id)
        if target is None:
            raise StateError(
                f"no run {of_run_id!r} in the state file; list runs with `harness history`"
            )
        if target.mode not in ("live", "rollback"):
            raise StateError(
                f"run {of_run_id} is a {target.mode} run: it wrote nothing, so there is nothing "
                "to roll back"
            )
        if target.status == "running" and not process_gone:
            raise StateError(
                f"run {of_run_id} is still running; wait for it to finish (or for its process "
                "to be gone) before rolling it back"
            )
        self._refuse_if_rolled_back(self._db, of_run_id, process_gone=process_gone)
        return target

    def stopped_rollback(self, of_run_id: str) -> RunInfo | None:
        """The newest rollback of `of_run_id` if it did not finish: 'interrupted', or still
        marked 'running' (alive, or left so by a dead process: the caller tells which)."""
        row = self._db.execute(
            f"SELECT {_RUN_COLUMNS_R} FROM rollbacks b JOIN runs r ON r.run_id = b.rollback_run_id "
            "WHERE b.of_run_id = ? ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1",
            (of_run_id,),
        ).fetchone()
        run = codec.run_from_row(row) if row else None
        return run if run is not None and run.status in ("running", "interrupted") else None

    def start_rollback(self, of_run_id: str) -> RunInfo:
        """Start a rollback run of `of_run_id` (same flow), tied to it; refuses what
        `check_rollbackable` refuses (checked again under the write lock)."""
        target = self.check_rollbackable(of_run_id)
        started_iso = codec.iso(self._clock(), "rollback start")
        pid, host = this_process()
        with self._transaction(f"starting a rollback of run {of_run_id}") as conn:
            self._refuse_if_rolled_back(conn, of_run_id)
            run_id = self._new_run_id(conn, started_iso)
            conn.execute(
                "INSERT INTO runs (run_id, flow, mode, kind, started_at, pid, host) "
                "VALUES (?, ?, 'rollback', 'rollback', ?, ?, ?)",
                (run_id, target.flow, started_iso, pid, host),
            )
            conn.execute(
                "INSERT INTO rollbacks (rollback_run_id, of_run_id) VALUES (?, ?)",
                (run_id, of_run_id),
            )
        run = self._run(run_id)
        assert run is not None  # inserted above
        return run

    def _run(self, run_id: str) -> RunInfo | None:
        rows = self._rows(f"SELECT {codec.RUN_COLUMNS} FROM runs WHERE run_id = ?", (run_id,))
        return codec.run_from_row(rows[0]) if rows else None

    def rolled_back_by(self, run_id: str) -> RunInfo | None:
        """The rollback that undid `run_id` (running or succeeded), or None."""
        return self._blocking_rollback(self._db, run_id)

    def rollback_of(self, rollback_run_id: str) -> str | None:
        """The run a rollback run undid, or None when `rollback_run_id` is no rollback."""
        rows = self._rows(
            "SELECT of_run_id FROM rollbacks WHERE rollback_run_id = ?", (rollback_run_id,)
        )
        return str(rows[0][0]) if rows else None

    def _refuse_if_rolled_back(self, conn: Any, run_id: str, *, process_gone: bool = False
                               ) -> None:  # fmt: skip
        done = self._blocking_rollback(conn, run_id, process_gone=process_gone)
        if done is None:
            return
        if done.status == "running":
            raise StateError(
                f"run {run_id} is being rolled back by run {done.run_id} (running, started "
                f"{done.started_at:%Y-%m-%d %H:%M:%S} UTC); wait for it to finish"
            )
        raise StateError(
            f"run {run_id} was already rolled back by run {done.run_id} "
            f"({done.status}, started {done.started_at:%Y-%m-%d %H:%M:%S} UTC); a run is "
            f"rolled back once. To undo that rollback, run `harness rollback {done.run_id}`"
        )

    def _blocking_rollback(self, conn: Any, run_id: str, *, process_gone: bool = False
                           ) -> RunInfo | None:  # fmt: skip
        statuses = "('succeeded')" if process_gone else _BLOCKING
        row = conn.execute(
            f"SELECT {_RUN_COLUMNS_R} FROM rollbacks b JOIN runs r ON r.run_id = b.rollback_run_id "
            f"WHERE b.of_run_id = ? AND r.status IN {statuses} ORDER BY r.started_at DESC LIMIT 1",
            (run_id,),
        ).fetchone()
        return codec.run_from_row(row) if row else None

    @staticmethod
    def _new_run_id(conn: Any, started_iso: str) -> str:
        stamp = codec.parse_time(started_iso)
        for _ in range(8):
            run_id = f"{stamp:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"
            if conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone() is None:
                return run_id
        raise StateError("could not find a free run id; is the clock stuck?")

    # -- aggregates for monitoring -----------------------------------------------------------

    def flows_seen(self) -> list[str]:
        """Every flow with a run or an open quarantine entry, sorted."""
        rows = self._rows(
            "SELECT flow FROM runs UNION SELECT flow FROM quarantine WHERE status = 'open' "
            "ORDER BY flow"
        )
        return [str(r[0]) for r in rows]

    def run_totals(self) -> list[tuple[str, str, str, int]]:
        """(flow, mode, status, runs) for every combination that occurred."""
        rows = self._rows(
            "SELECT flow, mode, status, count(*) FROM runs GROUP BY flow, mode, status "
            "ORDER BY flow, mode, status"
        )
        return [(str(f), str(m), str(s), int(n)) for f, m, s, n in rows]

    def record_totals(self, modes: Sequence[str] = ("live",)) -> list[tuple[str, str, int]]:
        """(flow, outcome, records) summed over finished runs of `modes`: read, created, ..."""
        marks = ", ".join("?" for _ in modes)
        rows = self._rows(
            "SELECT r.flow, j.key, sum(j.value) FROM runs r, json_each(r.counts) j "
            f"WHERE r.mode IN ({marks}) AND r.status != 'running' "
            "AND j.key NOT IN ('source_calls', 'target_calls') "
            "GROUP BY r.flow, j.key ORDER BY r.flow, j.key",
            list(modes),
        )
        return [(str(f), str(k), int(n or 0)) for f, k, n in rows]

    def open_quarantine_counts(self) -> list[tuple[str, str, int]]:
        """(flow, reason, open entries)."""
        rows = self._rows(
            "SELECT flow, reason, count(*) FROM quarantine WHERE status = 'open' "
            "GROUP BY flow, reason ORDER BY flow, reason"
        )
        return [(str(f), str(r), int(n)) for f, r, n in rows]

    def last_successful_run(self, flow: str) -> RunInfo | None:
        """The newest live sync of `flow` that succeeded (or succeeded partly)."""
        rows = self._rows(
            f"SELECT {codec.RUN_COLUMNS} FROM runs WHERE flow = ? AND mode = 'live' "
            "AND kind IN ('full', 'incremental') AND status IN ('succeeded', 'partial') "
            "ORDER BY started_at DESC, rowid DESC LIMIT 1",
            (flow,),
        )
        return codec.run_from_row(rows[0]) if rows else None

    def sync_runs(self, flow: str, limit: int = 10) -> list[RunInfo]:
        """The newest finished live syncs of `flow` (no replays or rollbacks), newest first."""
        rows = self._rows(
            f"SELECT {codec.RUN_COLUMNS} FROM runs WHERE flow = ? AND mode = 'live' "
            "AND kind IN ('full', 'incremental') AND status != 'running' "
            "ORDER BY started_at DESC, rowid DESC LIMIT ?",
            (flow, limit),
        )
        return [codec.run_from_row(row) for row in rows]

    def runs_since(self, since: datetime, flow: str | None = None) -> list[RunInfo]:
        """Runs started at or after `since`, newest first."""
        where, params = "WHERE started_at >= ?", [codec.iso(since, "since")]
        if flow is not None:
            where, params = f"{where} AND flow = ?", [*params, flow]
        rows = self._rows(
            f"SELECT {codec.RUN_COLUMNS} FROM runs {where} ORDER BY started_at DESC, rowid DESC",
            params,
        )
        return [codec.run_from_row(row) for row in rows]
