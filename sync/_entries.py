"""Building the state rows of one record's outcome: crosswalk, quarantine, change detection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.connectors.base import Record, WriteResult
from sync.state import CrosswalkEntry, QuarantineEntry


@dataclass
class Candidate:
    """A mapped, valid record that may need writing."""

    record: Record
    source_id: str
    external_id: str
    payload: dict[str, Any]  # what to write (after governance settled any conflict)
    digest: str  # of the source's mapped payload: an unchanged source is skipped next time
    flags: list[dict[str, Any]]
    mapped: dict[str, Any] | None = None  # the source's mapped payload, when it differs
    kept: dict[str, Any] = field(default_factory=dict)  # target values a policy accepted

    def last_sync(self) -> dict[str, Any]:
        """What the crosswalk keeps for governance (`sync.conflicts.LastSync`)."""
        return {"mapped": self.mapped if self.mapped is not None else self.payload,
                "kept": self.kept}  # fmt: skip


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
        last_sync=cand.last_sync(),
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


# A write the target refused because the record changed there after the flow read it: held
# as a conflict and tried again at the next run's start, where governance settles it.
STALE_TARGET = "STALE_TARGET"


def rejection(outcome: WriteResult) -> tuple[str, str, str]:
    """(reason, code, message) for a record the target refused."""
    if outcome.stale:
        return (
            "conflict",
            STALE_TARGET,
            (
                f"the target changed the record after the flow read it ({outcome.error_code}:"
                f" {outcome.message or 'no message'}); nothing was overwritten: the next run reads"
                " it again and settles it by the flow's conflict policy"
            ),
        )
    reason = "rate_limit_exhausted" if outcome.retryable else "rejected"
    where = f" (fields: {', '.join(outcome.fields)})" if outcome.fields else ""
    message = f"target refused the record: {outcome.message or 'no message'}{where}"
    return reason, outcome.error_code or "UNKNOWN", message
