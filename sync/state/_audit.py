"""The audit log as intents: written before a write goes out, settled after it, read back.

A write's row is stored `pending` (before-image, the payload to write) in one transaction
per batch before the batch is sent; the page commit settles it (`applied` or
`not_applied`, with the target id) together with the crosswalk and the watermark. A process
killed in between leaves the row pending, never a write without a row: the next run of the
flow (or a rollback of it) reads the target and settles it (`sync.intents`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sync.state import _codec as codec
from sync.state._db import Database
from sync.state.models import (
    ACTIONS,
    AUDIT_OUTCOMES,
    AuditEntry,
    IntentSettlement,
    RunInfo,
    StateError,
    check_choice,
)

_INSERT_INTENT = """
    INSERT INTO audit (run_id, flow, action, source_id, target_id, external_id, before, after,
                       at, flags, outcome)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
"""
# Only a pending row is settled: settling twice (a replayed commit) changes nothing.
_SETTLE = """
    UPDATE audit SET
        outcome = ?1,
        target_id = CASE WHEN ?2 != '' THEN ?2 ELSE target_id END,
        after = coalesce(?3, after),
        flags = CASE WHEN ?4 IS NULL THEN flags ELSE json_insert(flags, '$[#]', json(?4)) END,
        settled_at = ?5, settled_by = ?6
    WHERE seq = ?7 AND flow = ?8 AND outcome = 'pending'
"""

SettleRow = tuple[str, str, str | None, str | None, str, str, int, str]


def settle_rows(run: RunInfo, now: str, settlements: Sequence[IntentSettlement]
                ) -> list[SettleRow]:  # fmt: skip
    """Parameter tuples for `_SETTLE`, checked (a pending outcome settles nothing)."""
    rows: list[SettleRow] = []
    for s in settlements:
        outcome = check_choice(s.outcome, AUDIT_OUTCOMES, "intent outcome")
        if outcome == "pending":
            raise StateError(f"audit row {s.seq}: settle it as applied or not_applied")
        rows.append((
            outcome, s.target_id, codec.dumps_or_none(s.after, "settled after-image"),
            codec.dumps_or_none(s.note, "settlement note"), now, run.run_id, s.seq, run.flow,
        ))  # fmt: skip
    return rows


def _inserted(conn: sqlite3.Connection, params: Sequence[tuple[Any, ...]]) -> list[int]:
    """Insert intent rows in one statement run many times; their `seq`s, in order. The
    transaction holds the write lock, so the new rows are exactly those past the largest
    `seq` before it, numbered in insertion order (checked, not assumed)."""
    before = conn.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0]
    conn.executemany(_INSERT_INTENT, params)
    seqs = [seq for (seq,) in conn.execute(
        "SELECT seq FROM audit WHERE seq > ? ORDER BY seq", (before,))]  # fmt: skip
    if len(seqs) != len(params):
        raise StateError(f"recorded {len(params)} intents but found {len(seqs)} new audit rows")
    return seqs


def write_settlements(conn: sqlite3.Connection, rows: Sequence[SettleRow]) -> None:
    if rows:
        conn.executemany(_SETTLE, rows)


class AuditLog(Database):
    """Intents in, settlements in, the log out (`harness audit`)."""

    def record_intents(self, run_id: str, entries: Sequence[AuditEntry]) -> list[AuditEntry]:
        """Store `entries` as pending intents of the running run `run_id`, in ONE transaction,
        before their writes go out; returns them with their `seq` (to settle them by)."""
        if not entries:
            return []
        params = [self._intent_row(run_id, e) for e in entries]
        with self._transaction(f"recording {len(entries)} write intents of run {run_id}") as conn:
            run = self._running(conn, run_id)
            if run.mode not in ("live", "rollback"):
                raise StateError(f"run {run_id} is a {run.mode} run: it writes nothing")
            stray = {e.flow for e in entries} - {run.flow}
            if stray:
                raise StateError(f"intents for flow {sorted(stray)} in run {run_id} ({run.flow})")
            seqs = _inserted(conn, params)
        pairs = zip(entries, seqs, strict=True)
        return [replace(entry, seq=seq, outcome="pending") for entry, seq in pairs]

    def settle_intents(self, run_id: str, settlements: Sequence[IntentSettlement]) -> None:
        """Settle pending rows (of any run of the flow of `run_id`) in one transaction; the
        settling run is named on each row. Rows already settled are left as they are."""
        now = self._now()
        with self._transaction(f"settling {len(settlements)} intents") as conn:
            run = self._running(conn, run_id)
            write_settlements(conn, settle_rows(run, now, settlements))

    def pending_intents(self, flow: str) -> list[AuditEntry]:
        """Intents of `flow` no run has settled yet, oldest first."""
        rows = self._rows(
            f"SELECT {codec.AUDIT_COLUMNS} FROM audit WHERE flow = ? AND outcome = 'pending' "
            "ORDER BY seq",
            (flow,),
        )
        return [codec.audit_from_row(row) for row in rows]

    def audit_log(
        self,
        *,
        run_id: str | None = None,
        flows: Sequence[str] | None = None,
        record: str | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Audit rows, newest first: of one run, of some flows, of one record (its source,
        target or external id), at most `limit`."""
        clauses: list[str] = []
        params: list[Any] = []
        if run_id is not None:
            clauses.append("run_id = ?")
            params.append(run_id)
        if flows is not None:
            clauses.append(f"flow IN ({', '.join('?' for _ in flows)})")
            params.extend(flows)
        if record is not None:
            clauses.append("(source_id = ? OR target_id = ? OR external_id = ?)")
            params.extend([record] * 3)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        tail = "" if limit is None else " LIMIT ?"
        rows = self._rows(
            f"SELECT {codec.AUDIT_COLUMNS} FROM audit {where} ORDER BY seq DESC{tail}",
            [*params, *([] if limit is None else [limit])],
        )
        return [codec.audit_from_row(row) for row in rows]

    @staticmethod
    def _intent_row(run_id: str, e: AuditEntry) -> tuple[Any, ...]:
        if e.run_id != run_id:
            raise StateError(f"intent for {e.source_id!r} names run {e.run_id}, not {run_id}")
        return (
            e.run_id, e.flow, check_choice(e.action, ACTIONS, "audit action"), e.source_id,
            e.target_id, e.external_id, codec.dumps_or_none(e.before, "audit before-image"),
            codec.dumps_or_none(e.after, "audit after-image"), codec.iso(e.at, "audit time"),
            codec.dumps(e.flags, "audit flags"),
        )  # fmt: skip

    @staticmethod
    def _running(conn: sqlite3.Connection, run_id: str) -> RunInfo:
        row = conn.execute(
            f"SELECT {codec.RUN_COLUMNS} FROM runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise StateError(f"no run {run_id!r} in the state file")
        run = codec.run_from_row(row)
        if run.status != "running":
            raise StateError(f"run {run_id} is already {run.status}; start a new run to write")
        return run
