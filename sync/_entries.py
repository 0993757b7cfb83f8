"""Building the state rows of one record's outcome: crosswalk, quarantine, change detection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.connectors.base import Record, WriteResult
from sync.mapping import get_path
from sync.state import CrosswalkEntry, QuarantineEntry


@dataclass
class Candidate:
    """A mapped, valid record that may need writing."""

    record: Record
    source_id: str
    external_id: str
    payload: dict[str, Any]
    digest: str
    flags: list[dict[str, Any]]


def same(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return bool(a == b)


def changed_paths(
    paths: Sequence[str], payload: dict[str, Any], before: dict[str, Any] | None
) -> tuple[str, ...]:
    if before is None:
        return tuple(p for p in paths if get_path(payload, p) is not None)
    return tuple(p for p in paths if not same(get_path(payload, p), get_path(before, p)))


def crosswalk_entry(
    run_id: str, flow: str, cand: Candidate, target_id: str, now: datetime
) -> CrosswalkEntry:
    return CrosswalkEntry(
        flow=flow,
        source_id=cand.source_id,
        target_id=target_id,
        external_id=cand.external_id,
        content_hash=cand.digest,
        source_modified_at=cand.record.modified_at,
        synced_at=now,
        last_run_id=run_id,
    )


def quarantine_entry(
    run_id: str,
    flow: str,
    record: Record,
    source_id: str,
    *,
    reason: str,
    code: str,
    message: str,
    mapped: dict[str, Any] | None,
    now: datetime,
) -> QuarantineEntry:
    return QuarantineEntry.new(
        run_id=run_id,
        flow=flow,
        source_id=source_id,
        reason=reason,
        code=code,
        message=message,
        payload=record.fields,
        mapped=mapped,
        created_at=now,
    )


def rejection(outcome: WriteResult) -> tuple[str, str, str]:
    """(reason, code, message) for a record the target refused."""
    reason = "rate_limit_exhausted" if outcome.retryable else "rejected"
    where = f" (fields: {', '.join(outcome.fields)})" if outcome.fields else ""
    message = f"target refused the record: {outcome.message or 'no message'}{where}"
    return reason, outcome.error_code or "UNKNOWN", message
