"""Conversions between the store's shapes and SQLite rows: UTC ISO times and orjson text."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import orjson

from sync.state.models import (
    AuditEntry,
    CrosswalkEntry,
    PlannedChange,
    QuarantineEntry,
    RunInfo,
    StateError,
)

_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def iso(value: datetime, what: str) -> str:
    """`value` as a UTC ISO 8601 string ("2026-11-27T06:01:02.5+00:00" style, always +00:00,
    so text order is time order: "...02+00:00" sorts before "...02.000001+00:00")."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise StateError(f"{what} is a naive datetime; pass a timezone-aware (UTC) datetime")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return orjson.dumps(value)[1:-1].decode()  # several times faster than isoformat()


def iso_or_none(value: datetime | None, what: str) -> str | None:
    return None if value is None else iso(value, what)


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_time_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any, what: str) -> str:
    try:
        return orjson.dumps(value, default=_default, option=_JSON_OPTIONS).decode()
    except TypeError as exc:  # orjson.JSONEncodeError is a TypeError
        raise StateError(f"{what} cannot be stored as JSON: {exc}") from exc


def dumps_or_none(value: Mapping[str, Any] | None, what: str) -> str | None:
    return None if value is None else dumps(value, what)


def loads(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


# -- rows -> shapes (column order matches the SELECTs in store.py) -----------------------------

RUN_COLUMNS = "run_id, flow, mode, kind, status, started_at, finished_at, counts, error, pid, host"
CROSSWALK_COLUMNS = (
    "flow, source_id, target_id, external_id, content_hash, source_modified_at, synced_at, "
    "last_run_id, last_sync"
)
AUDIT_COLUMNS = (
    "run_id, flow, action, source_id, target_id, external_id, before, after, at, flags, seq, "
    "outcome, settled_at, settled_by"
)
QUARANTINE_COLUMNS = (
    "qid, run_id, flow, source_id, reason, code, message, payload, mapped, created_at, status, "
    "updated_at, resolved_at, resolved_by, note"
)
PLANNED_COLUMNS = (
    "run_id, flow, action, source_id, target_id, external_id, fields, before, after, seq"
)


def run_from_row(row: tuple[Any, ...]) -> RunInfo:
    run_id, flow, mode, kind, status, started, finished, counts, error, pid, host = row
    return RunInfo(
        run_id, flow, mode, kind, status, parse_time(started), parse_time_or_none(finished),
        cast(dict[str, int], orjson.loads(counts)), error, pid, host,
    )  # fmt: skip


def crosswalk_from_row(row: tuple[Any, ...]) -> CrosswalkEntry:
    flow, source_id, target_id, external_id, digest, modified, synced, run_id, last_sync = row
    return CrosswalkEntry(
        flow, source_id, target_id, external_id, digest, parse_time_or_none(modified),
        parse_time(synced), run_id, loads(last_sync),
    )  # fmt: skip


def audit_from_row(row: tuple[Any, ...]) -> AuditEntry:
    (run_id, flow, action, source_id, target_id, external_id, before, after, at, flags, seq,
     outcome, settled_at, settled_by) = row  # fmt: skip
    return AuditEntry(
        run_id, flow, action, source_id, target_id, external_id, loads(before), loads(after),
        parse_time(at), orjson.loads(flags), seq, outcome, parse_time_or_none(settled_at),
        settled_by,
    )  # fmt: skip


def quarantine_from_row(row: tuple[Any, ...]) -> QuarantineEntry:
    (qid, run_id, flow, source_id, reason, code, message, payload, mapped, created, status,
     updated, resolved_at, resolved_by, note) = row  # fmt: skip
    return QuarantineEntry(
        qid, run_id, flow, source_id, reason, code, message, orjson.loads(payload),
        loads(mapped), parse_time(created), status, parse_time(updated),
        parse_time_or_none(resolved_at), resolved_by, note,
    )  # fmt: skip


def planned_from_row(row: tuple[Any, ...]) -> PlannedChange:
    run_id, flow, action, source_id, target_id, external_id, fields, before, after, seq = row
    return PlannedChange(
        run_id, flow, action, source_id, target_id, external_id, tuple(orjson.loads(fields)),
        loads(before), loads(after), seq,
    )  # fmt: skip
