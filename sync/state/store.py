"""The state store: runs, id crosswalk, watermarks, audit log, quarantine and planned changes.

Threading: a `StateStore` holds one SQLite connection and must be used from the thread that
created it (sqlite3 enforces this). Several processes may share a file: WAL mode lets readers
run beside one writer, and a writer waits up to `schema.BUSY_TIMEOUT_MS` for the lock.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import Any

from sync.connectors.base import Watermark
from sync.state import _codec as codec
from sync.state._audit import AuditLog, settle_rows, write_settlements
from sync.state._db import this_process
from sync.state._history import ReconcileLog
from sync.state._ops import OpsLog
from sync.state._page import prepare_page, target_watermark_key, write_page
from sync.state._retention import Retention
from sync.state._steward import Steward
from sync.state.models import (
    QUARANTINE_STATUSES,
    RUN_KINDS,
    RUN_MODES,
    RUN_STATUSES,
    AuditEntry,
    CrosswalkEntry,
    IntentSettlement,
    PlannedChange,
    PlannedWriteLike,
    QuarantineEntry,
    RunInfo,
    StateError,
    check_choice,
)


class StateStore(AuditLog, OpsLog, Steward, Retention, ReconcileLog):
    """Everything a sync remembers between runs, in one SQLite file.

    The unit of durability is `commit_page`: a page's crosswalk, audit, quarantine and
    planned rows land together with the watermark that covers them, or none of it does.
    `StateStore(path, *, clock=None)`: open it as a context manager or call `close()`, and
    use it from one thread only (one connection per store; open one store per thread).
    Past reconciles are logged too (`record_reconcile`, `reconcile_history`); rollbacks are
    tied to the run they undo (`start_rollback`, `rolled_back_by`); writes are audited as
    intents before they go out (`record_intents`, settled by `commit_page(settle=...)`);
    `prune` applies a
    retention window; the aggregates behind `harness status` and `harness metrics` are in
    `sync.state._ops`.
    """

    # -- runs --------------------------------------------------------------------------------

    def start_run(self, flow: str, mode: str, kind: str) -> RunInfo:
        """Record a new run of `flow` as running, stamped with the store's clock."""
        run_mode = check_choice(mode, RUN_MODES, "run mode")
        run_kind = check_choice(kind, RUN_KINDS, "run kind")
        started = self._clock()
        started_iso = codec.iso(started, "run start")
        for _ in range(8):  # the random suffix only collides within one second
            run_id = f"{started.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"
            with self._transaction(f"starting a run of {flow!r}") as conn:
                taken = conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone()
                if taken is None:
                    pid, host = this_process()
                    conn.execute(
                        "INSERT INTO runs (run_id, flow, mode, kind, started_at, pid, host) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (run_id, flow, run_mode, run_kind, started_iso, pid, host),
                    )
                    return RunInfo(run_id, flow, run_mode, run_kind, "running",
                                   codec.parse_time(started_iso), pid=pid,
                                   host=host)  # fmt: skip
        raise StateError("could not find a free run id; is the clock stuck?")

    def finish_run(self, run_id: str, status: str, counts: Mapping[str, int],
                   error: str | None = None) -> RunInfo:  # fmt: skip
        """Close a running run with its outcome; returns the stored run."""
        final = check_choice(status, RUN_STATUSES, "run status")
        if final == "running":
            raise StateError(f"finish_run({run_id!r}) needs a final status, not 'running'")
        counts_json = codec.dumps(dict(counts), "run counts")
        with self._transaction(f"finishing run {run_id}") as conn:
            run = self._get_run(conn, run_id)
            if run.status != "running":
                raise StateError(f"run {run_id} already finished as {run.status}")
            conn.execute(
                "UPDATE runs SET status = ?, finished_at = ?, counts = ?, error = ? "
                "WHERE run_id = ?",
                (final, self._now(), counts_json, error, run_id),
            )
            return self._get_run(conn, run_id)

    def resume_run(self, run_id: str) -> RunInfo:
        """Take over a run whose process is gone (left 'running', or 'interrupted'): it is
        running again, in this process."""
        pid, host = this_process()
        with self._transaction(f"resuming run {run_id}") as conn:
            run = self._get_run(conn, run_id)
            if run.status not in ("running", "interrupted"):
                raise StateError(f"run {run_id} finished as {run.status}; it cannot be resumed")
            conn.execute(
                "UPDATE runs SET status = 'running', finished_at = NULL, error = NULL, pid = ?, "
                "host = ? WHERE run_id = ?",
                (pid, host, run_id),
            )
            return self._get_run(conn, run_id)

    def get_run(self, run_id: str) -> RunInfo | None:
        rows = self._rows(f"SELECT {codec.RUN_COLUMNS} FROM runs WHERE run_id = ?", (run_id,))
        return codec.run_from_row(rows[0]) if rows else None

    def runs(self, flow: str | None = None, limit: int = 50) -> list[RunInfo]:
        """The most recent runs, newest first, optionally of one flow."""
        where, params = ("WHERE flow = ?", [flow]) if flow is not None else ("", [])
        rows = self._rows(
            f"SELECT {codec.RUN_COLUMNS} FROM runs {where} "
            "ORDER BY started_at DESC, rowid DESC LIMIT ?",
            [*params, limit],
        )
        return [codec.run_from_row(row) for row in rows]

    @staticmethod
    def _get_run(conn: sqlite3.Connection, run_id: str) -> RunInfo:
        row = conn.execute(
            f"SELECT {codec.RUN_COLUMNS} FROM runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise StateError(f"no run {run_id!r} in the state file; list runs with `harness runs`")
        return codec.run_from_row(row)

    # -- the page: the transactional unit -----------------------------------------------------

    def commit_page(
        self,
        run_id: str,
        flow: str,
        *,
        crosswalk: Sequence[CrosswalkEntry] = (),
        audit: Sequence[AuditEntry] = (),
        quarantine: Sequence[QuarantineEntry] = (),
        resolved_quarantine: Sequence[str] = (),
        planned: Sequence[PlannedWriteLike] = (),
        watermark: Watermark | None = None,
        forget: Sequence[str] = (),
        target_watermark: Watermark | None = None,
        settle: Sequence[IntentSettlement] = (),
    ) -> None:
        """Store one page's outcome in ONE transaction: all of it, or (on any error) none.

        - `crosswalk`: upserted by (flow, source_id); `forget`: source ids whose crosswalk
          entry is removed (a rollback undoing a create).
        - `audit`: appended. `planned`: appended (dry-run / shadow).
        - `quarantine`: a record with an open entry in this flow has it updated, not doubled.
        - `resolved_quarantine`: source ids now synced; their open entry becomes 'replayed'.
        - `watermark`: kept at the maximum of the stored and the given one, and clamped to
          the run's start time, so it moves only with the writes it covers.
        - `target_watermark`: the same for the flow's cursor over the target's own changes.
        - `settle`: the page's write intents (`record_intents`), now applied or not.

        Entries must carry this run's id and flow. Dry-run and shadow runs may record planned
        changes only. Raises StateError; then nothing of the page was stored.
        """
        now = self._now()
        with self._transaction(f"committing a page of run {run_id}") as conn:
            run = self._get_run(conn, run_id)
            if run.flow != flow:
                raise StateError(f"run {run_id} belongs to flow {run.flow!r}, not {flow!r}")
            rows = prepare_page(
                run,
                now,
                crosswalk=crosswalk,
                audit=audit,
                quarantine=quarantine,
                resolved_quarantine=resolved_quarantine,
                planned=planned,
                watermark=watermark,
                forget=forget,
                target_watermark=target_watermark,
            )
            write_settlements(conn, settle_rows(run, now, settle))
            write_page(conn, run, rows, now)

    def record_quarantine(
        self,
        run_id: str,
        flow: str,
        *,
        source_id: str,
        reason: str,
        code: str,
        message: str,
        payload: Mapping[str, Any],
        mapped: Mapping[str, Any] | None = None,
    ) -> QuarantineEntry:
        """Quarantine one record (through `commit_page`); returns the stored entry, whose qid
        is the existing one if the record was already open in this flow."""
        entry = QuarantineEntry.new(
            run_id=run_id, flow=flow, source_id=source_id, reason=reason, code=code,
            message=message, payload=payload, mapped=mapped, created_at=self._clock(),
        )  # fmt: skip
        self.commit_page(run_id, flow, quarantine=[entry])
        rows = self._rows(
            f"SELECT {codec.QUARANTINE_COLUMNS} FROM quarantine "
            "WHERE flow = ? AND source_id = ? AND status = 'open'",
            (flow, source_id),
        )
        return codec.quarantine_from_row(rows[0])

    # -- crosswalk and watermark --------------------------------------------------------------

    def crosswalk_get(self, flow: str, source_id: str) -> CrosswalkEntry | None:
        rows = self._rows(
            f"SELECT {codec.CROSSWALK_COLUMNS} FROM crosswalk WHERE flow = ? AND source_id = ?",
            (flow, source_id),
        )
        return codec.crosswalk_from_row(rows[0]) if rows else None

    def crosswalk_by_target(self, flow: str, target_id: str) -> CrosswalkEntry | None:
        rows = self._rows(
            f"SELECT {codec.CROSSWALK_COLUMNS} FROM crosswalk WHERE flow = ? AND target_id = ? "
            "ORDER BY synced_at DESC LIMIT 1",
            (flow, target_id),
        )
        return codec.crosswalk_from_row(rows[0]) if rows else None

    def crosswalk_all(self, flow: str) -> dict[str, CrosswalkEntry]:
        """Every crosswalk entry of `flow`, keyed by source id."""
        rows = self._rows(
            f"SELECT {codec.CROSSWALK_COLUMNS} FROM crosswalk WHERE flow = ?", (flow,)
        )
        return {row[1]: codec.crosswalk_from_row(row) for row in rows}

    def crosswalk_count(self, flow: str) -> int:
        return int(self._rows("SELECT count(*) FROM crosswalk WHERE flow = ?", (flow,))[0][0])

    def watermark(self, flow: str) -> Watermark | None:
        """Where the next incremental read of `flow` starts, or None before the first page."""
        rows = self._rows("SELECT modified_at, record_id FROM watermarks WHERE flow = ?", (flow,))
        return Watermark(codec.parse_time(rows[0][0]), rows[0][1]) if rows else None

    def target_watermark(self, flow: str) -> Watermark | None:
        """Where the flow's next look at the target's own changes starts (governance)."""
        return self.watermark(target_watermark_key(flow))

    # -- quarantine ---------------------------------------------------------------------------

    def quarantined(self, flow: str | None = None, status: str | None = "open"
                    ) -> list[QuarantineEntry]:  # fmt: skip
        """Quarantine entries, oldest first; `status=None` lists every status."""
        clauses: list[str] = []
        params: list[str] = []
        if flow is not None:
            clauses.append("flow = ?")
            params.append(flow)
        if status is not None:
            clauses.append("status = ?")
            params.append(check_choice(status, QUARANTINE_STATUSES, "quarantine status"))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(
            f"SELECT {codec.QUARANTINE_COLUMNS} FROM quarantine {where} ORDER BY created_at, rowid",
            params,
        )
        return [codec.quarantine_from_row(row) for row in rows]

    def quarantine_get(self, qid: str) -> QuarantineEntry | None:
        rows = self._rows(
            f"SELECT {codec.QUARANTINE_COLUMNS} FROM quarantine WHERE qid = ?", (qid,)
        )
        return codec.quarantine_from_row(rows[0]) if rows else None

    def quarantine_open_ids(self, flow: str) -> set[str]:
        rows = self._rows(
            "SELECT source_id FROM quarantine WHERE flow = ? AND status = 'open'", (flow,)
        )
        return {row[0] for row in rows}

    def quarantine_resolve(self, qid: str, status: str, by: str) -> QuarantineEntry:
        """Close an open entry as 'replayed' or 'discarded' by a person (or a run)."""
        final = check_choice(status, QUARANTINE_STATUSES, "quarantine status")
        if final == "open":
            raise StateError("resolve a quarantine entry as 'replayed' or 'discarded', not 'open'")
        with self._transaction(f"resolving quarantine entry {qid}") as conn:
            found = conn.execute("SELECT status FROM quarantine WHERE qid = ?", (qid,)).fetchone()
            if found is None:
                raise StateError(
                    f"no quarantine entry {qid!r}; list them with `harness quarantine list`"
                )
            if found[0] != "open":
                raise StateError(f"quarantine entry {qid} is already {found[0]}")
            conn.execute(
                "UPDATE quarantine SET status = ?, resolved_at = ?, resolved_by = ? WHERE qid = ?",
                (final, self._now(), by, qid),
            )
        rows = self._rows(
            f"SELECT {codec.QUARANTINE_COLUMNS} FROM quarantine WHERE qid = ?", (qid,)
        )
        return codec.quarantine_from_row(rows[0])

    # -- audit and plans ----------------------------------------------------------------------

    def audit_for_run(self, run_id: str) -> list[AuditEntry]:
        """The writes of one run in the order they were made."""
        rows = self._rows(
            f"SELECT {codec.AUDIT_COLUMNS} FROM audit WHERE run_id = ? ORDER BY seq", (run_id,)
        )
        return [codec.audit_from_row(row) for row in rows]

    def audit_for_source(self, flow: str, source_id: str) -> list[AuditEntry]:
        """Every write ever made for one source record of `flow`, oldest first."""
        rows = self._rows(
            f"SELECT {codec.AUDIT_COLUMNS} FROM audit WHERE flow = ? AND source_id = ? "
            "ORDER BY seq",
            (flow, source_id),
        )
        return [codec.audit_from_row(row) for row in rows]

    def planned_for_run(self, run_id: str) -> list[PlannedChange]:
        rows = self._rows(
            f"SELECT {codec.PLANNED_COLUMNS} FROM planned_changes WHERE run_id = ? ORDER BY seq",
            (run_id,),
        )
        return [codec.planned_from_row(row) for row in rows]
