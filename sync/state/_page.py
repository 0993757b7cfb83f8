"""One page's writes: checked and serialized first, then applied in the caller's transaction.

Checking everything before the first row is written turns programming mistakes (a wrong
flow, a naive datetime, an unknown action) into clear errors, and keeps the write short.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.connectors.base import Watermark
from sync.state._codec import dumps, dumps_or_none, iso, iso_or_none, parse_time
from sync.state.models import (
    ACTIONS,
    QUARANTINE_REASONS,
    AuditEntry,
    CrosswalkEntry,
    PlannedWriteLike,
    QuarantineEntry,
    RunInfo,
    StateError,
    check_choice,
)

Row = tuple[Any, ...]

_UPSERT_CROSSWALK = """
    INSERT INTO crosswalk (flow, source_id, target_id, external_id, content_hash,
                           source_modified_at, synced_at, last_run_id, last_sync)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (flow, source_id) DO UPDATE SET
        target_id = excluded.target_id, external_id = excluded.external_id,
        content_hash = excluded.content_hash, source_modified_at = excluded.source_modified_at,
        synced_at = excluded.synced_at, last_run_id = excluded.last_run_id,
        last_sync = excluded.last_sync
"""
_FORGET_CROSSWALK = "DELETE FROM crosswalk WHERE flow = ? AND source_id = ?"
_INSERT_AUDIT = """
    INSERT INTO audit (run_id, flow, action, source_id, target_id, external_id, before, after,
                       at, flags)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_RESOLVE_QUARANTINE = """
    UPDATE quarantine SET status = 'replayed', resolved_at = ?, resolved_by = ?
    WHERE flow = ? AND source_id = ? AND status = 'open'
"""
# A record already open in this flow keeps its qid and created_at; the rest is refreshed.
_UPSERT_QUARANTINE = """
    INSERT INTO quarantine (qid, run_id, flow, source_id, reason, code, message, payload, mapped,
                            status, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
    ON CONFLICT (flow, source_id) WHERE status = 'open' DO UPDATE SET
        run_id = excluded.run_id, reason = excluded.reason, code = excluded.code,
        message = excluded.message, payload = excluded.payload, mapped = excluded.mapped,
        updated_at = excluded.updated_at
"""
_INSERT_PLANNED = """
    INSERT INTO planned_changes (run_id, flow, action, source_id, target_id, external_id, fields,
                                 before, after)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_UPSERT_WATERMARK = """
    INSERT INTO watermarks (flow, modified_at, record_id, run_id, updated_at)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (flow) DO UPDATE SET
        modified_at = excluded.modified_at, record_id = excluded.record_id,
        run_id = excluded.run_id, updated_at = excluded.updated_at
"""


@dataclass
class PageRows:
    """A page ready for SQL: parameter tuples per statement."""

    crosswalk: list[Row] = field(default_factory=list)
    forget: list[Row] = field(default_factory=list)
    audit: list[Row] = field(default_factory=list)
    resolved: list[Row] = field(default_factory=list)
    quarantine: list[Row] = field(default_factory=list)
    planned: list[Row] = field(default_factory=list)
    watermark: Watermark | None = None
    target_watermark: Watermark | None = None


def _same(run: RunInfo, flow: str, run_id: str, what: str) -> None:
    if flow != run.flow:
        raise StateError(f"{what} is for flow {flow!r} but run {run.run_id} is for {run.flow!r}")
    if run_id != run.run_id:
        raise StateError(f"{what} names run {run_id!r} but is committed with run {run.run_id}")


def prepare_page(
    run: RunInfo,
    now: str,
    *,
    crosswalk: Sequence[CrosswalkEntry],
    audit: Sequence[AuditEntry],
    quarantine: Sequence[QuarantineEntry],
    resolved_quarantine: Sequence[str],
    planned: Sequence[PlannedWriteLike],
    watermark: Watermark | None,
    forget: Sequence[str],
    target_watermark: Watermark | None = None,
) -> PageRows:
    """Check a page against its run and serialize it; raises StateError, writes nothing."""
    if run.status != "running":
        raise StateError(f"run {run.run_id} is already {run.status}; start a new run to write")
    if run.mode in ("dry-run", "shadow") and (
        crosswalk
        or audit
        or quarantine
        or resolved_quarantine
        or watermark
        or forget
        or target_watermark
    ):
        raise StateError(
            f"run {run.run_id} is a {run.mode} run: it may record planned changes only "
            "(moving its watermark would make the next live run skip records)"
        )
    if run.mode == "rollback" and watermark is not None:
        raise StateError(f"run {run.run_id} is a rollback: it cannot move the watermark")
    rows = PageRows(watermark=watermark, target_watermark=target_watermark)
    for c in crosswalk:
        _same(run, c.flow, c.last_run_id, f"crosswalk entry {c.source_id!r}")
        rows.crosswalk.append((
            c.flow, c.source_id, c.target_id, c.external_id, c.content_hash,
            iso_or_none(c.source_modified_at, "source_modified_at"),
            iso(c.synced_at, "synced_at"), c.last_run_id,
            dumps_or_none(c.last_sync, "crosswalk last_sync"),
        ))  # fmt: skip
    rows.forget = [(run.flow, source_id) for source_id in forget]
    for a in audit:
        _same(run, a.flow, a.run_id, f"audit entry for {a.source_id!r}")
        rows.audit.append((
            a.run_id, a.flow, check_choice(a.action, ACTIONS, "audit action"), a.source_id,
            a.target_id, a.external_id, dumps_or_none(a.before, "audit before-image"),
            dumps_or_none(a.after, "audit after-image"), iso(a.at, "audit time"),
            dumps(a.flags, "audit flags"),
        ))  # fmt: skip
    rows.resolved = [(now, run.run_id, run.flow, source_id) for source_id in resolved_quarantine]
    for q in quarantine:
        _same(run, q.flow, q.run_id, f"quarantine entry for {q.source_id!r}")
        if q.status != "open":
            raise StateError(f"quarantine entry {q.qid} is {q.status}; only open entries are new")
        created = iso(q.created_at, "quarantine created_at")
        rows.quarantine.append((
            q.qid, q.run_id, q.flow, q.source_id,
            check_choice(q.reason, QUARANTINE_REASONS, "quarantine reason"), q.code, q.message,
            dumps(q.payload, "quarantine payload"), dumps_or_none(q.mapped, "mapped payload"),
            created, created,
        ))  # fmt: skip
    for p in planned:
        rows.planned.append((
            run.run_id, run.flow, check_choice(p.action, ACTIONS, "planned action"), p.source_id,
            p.target_id, p.external_id, dumps(list(p.fields), "planned fields"),
            dumps_or_none(p.before, "planned before"), dumps_or_none(p.after, "planned after"),
        ))  # fmt: skip
    if watermark is not None:
        iso(watermark.modified_at, "watermark modified_at")
    return rows


def write_page(conn: sqlite3.Connection, run: RunInfo, rows: PageRows, now: str) -> None:
    """Apply a prepared page; the caller owns the transaction (and rolls back on error)."""
    if rows.crosswalk:
        conn.executemany(_UPSERT_CROSSWALK, rows.crosswalk)
    if rows.forget:
        conn.executemany(_FORGET_CROSSWALK, rows.forget)
    if rows.audit:
        conn.executemany(_INSERT_AUDIT, rows.audit)
    if rows.resolved:
        conn.executemany(_RESOLVE_QUARANTINE, rows.resolved)
    if rows.quarantine:
        conn.executemany(_UPSERT_QUARANTINE, rows.quarantine)
    if rows.planned:
        conn.executemany(_INSERT_PLANNED, rows.planned)
    if rows.watermark is not None:
        _store_watermark(conn, run, run.flow, rows.watermark, now)
    if rows.target_watermark is not None:
        _store_watermark(conn, run, target_watermark_key(run.flow), rows.target_watermark, now)


def target_watermark_key(flow: str) -> str:
    """Where a flow's cursor over the target's own changes is kept (governance's watch)."""
    return f"{flow}@target"


def _store_watermark(
    conn: sqlite3.Connection, run: RunInfo, key: str, proposed: Watermark, now: str
) -> None:
    found = conn.execute(
        "SELECT modified_at, record_id FROM watermarks WHERE flow = ?", (key,)
    ).fetchone()
    current = Watermark(parse_time(found[0]), found[1]) if found else None
    merged = merge_watermark(current, proposed, run.started_at)
    if merged != current:
        conn.execute(
            _UPSERT_WATERMARK,
            (key, iso(merged.modified_at, "watermark"), merged.record_id, run.run_id, now),
        )


def merge_watermark(current: Watermark | None, proposed: Watermark, ceiling: datetime) -> Watermark:
    """The watermark to store: `proposed` clamped to `ceiling` (the run's start: records
    changed while the run was going are read again next time), never behind `current`."""
    if proposed.modified_at > ceiling:
        proposed = Watermark(ceiling, "")
    if current is None:
        return proposed
    if (proposed.modified_at, proposed.record_id) > (current.modified_at, current.record_id):
        return proposed
    return current
