"""Root causes: why a record or a field differs, from the sync's own memory of what it did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sync.connectors.base import Record
from sync.mapping.apply import ReferenceResolver
from sync.state import CrosswalkEntry, QuarantineEntry

# Vendor clocks and ours disagree a little; a target edit must be later than this to count.
CLOCK_GRACE = timedelta(seconds=2)


@dataclass
class SyncMemory:
    """What the state store knows about a flow; empty when reconciling without state."""

    crosswalk: dict[str, CrosswalkEntry] = field(default_factory=dict)
    quarantine: dict[str, QuarantineEntry] = field(default_factory=dict)
    # When the flow first ran live: only source edits after it measure sync lag (an initial
    # load of records last edited years ago says nothing about how late the sync is).
    live_since: datetime | None = None
    # Resolves references to other flows' records (their crosswalks), so the mapping predicts
    # the ids the target holds; None: references pass through unresolved.
    refs: ReferenceResolver | None = None
    # The oldest source stamp the next incremental read still reads (the watermark less the
    # flow's look-back): a change stamped before it that the target lacks was missed by the
    # incremental read, and only a full run carries it. None: no watermark yet.
    read_through: datetime | None = None

    @property
    def target_ids(self) -> dict[str, str]:
        return {e.target_id: e.source_id for e in self.crosswalk.values() if e.target_id}


IN_FLIGHT = "edited in source after the last sync read it (in flight)"
MISSED_BY_INCREMENTAL = (
    "missed by the incremental read: changed in source behind the watermark and past the "
    "look-back (committed late); only a full run carries it"
)
CREATED_BEHIND_WATERMARK = (
    "missed by the incremental read: created in source behind the watermark and past the "
    "look-back (committed late); only a full run carries it"
)
NO_STAMP_BUMP = "changed in source without a stamp bump: only a full run sees it"
# Causes of a change the sync should have carried and did not: each counts as a missed
# change, which the gate never lets a GO drown (`Thresholds.max_missed_changes`).
MISSED_CAUSES = frozenset({MISSED_BY_INCREMENTAL, CREATED_BEHIND_WATERMARK, NO_STAMP_BUMP})
DELETED_IN_SOURCE = "deleted in source after sync: the target still holds its copy"
NOT_YET_VISIBLE = (
    "not yet visible to the source's queries: the source holds the record (read by id), its "
    "query results do not yet"
)
GONE_FROM_SOURCE = (
    "its source record is gone from the source's query results (deleted, or not yet visible)"
)
UNCLAIMED = "no source record claims it"


def missing_cause(
    source: Record, source_id: str, memory: SyncMemory, mapping_issues: list[str]
) -> str:
    held = memory.quarantine.get(source_id)
    if held is not None:
        return f"quarantined ({held.reason}: {held.code})"
    if mapping_issues:
        return "fails validation: never writable as it is"
    if source_id in memory.crosswalk:
        return "deleted in target after sync"
    if memory.read_through is not None and source.modified_at < memory.read_through:
        return CREATED_BEHIND_WATERMARK
    return "never synced"


def unexpected_cause(claimed_by: str | None, still_in_source: bool | None) -> str:
    """Why a target record no source record of the snapshot pairs with: unclaimed (not
    written by this flow), or its crosswalked source gone from the query results, which a
    read by id tells apart (`still_in_source`; None when it could not be asked)."""
    if claimed_by is None:
        return UNCLAIMED
    if still_in_source is None:
        return GONE_FROM_SOURCE
    return NOT_YET_VISIBLE if still_in_source else DELETED_IN_SOURCE


def source_change(
    source: Record, entry: CrosswalkEntry | None, mapped_hash: str, memory: SyncMemory
) -> str | None:
    """How the source changed since the sync last carried it, if it did: a stamped change
    after the last read (in flight), one stamped behind what the incremental read still
    reads (missed), or content that differs under an unchanged stamp (no stamp bump)."""
    if entry is None:
        return None
    if entry.source_modified_at is not None and source.modified_at > entry.source_modified_at:
        if memory.read_through is not None and source.modified_at < memory.read_through:
            return MISSED_BY_INCREMENTAL
        return IN_FLIGHT
    if entry.content_hash and mapped_hash != entry.content_hash:  # "": unknown (a rollback)
        return NO_STAMP_BUMP
    return None


def field_cause(
    expected: Any,
    actual: Any,
    source: Record,
    target: Record,
    entry: CrosswalkEntry | None,
    held: QuarantineEntry | None,
    path: str | None = None,
    changed: str | None = None,
) -> str:
    """Why one field differs. The order matters: a source edited since the last sync explains
    the difference whatever the target holds (a name a user completed in the CRM otherwise
    looks exactly like a truncation in the ERP), so it is asked before the shapes of values."""
    if held is not None:
        return f"quarantined ({held.reason}: {held.code})"
    kept = (entry.last_sync or {}).get("kept") or {} if entry is not None else {}
    if path is not None and path in kept:
        return (
            "conflict settled for the target: its edit was kept by the flow's policy, so the "
            "source's value is not claimed there (see the audit flags)"
        )
    if changed is not None:  # how the source changed since the sync carried it
        return changed
    if (
        isinstance(expected, str)
        and isinstance(actual, str)
        and actual
        and len(actual) < len(expected)
        and expected.startswith(actual)
    ):
        return f"silently truncated by the target ({len(actual)} of {len(expected)} characters)"
    if entry is None:
        return "never synced: the target record was not written by this flow"
    if target.modified_at > entry.synced_at + CLOCK_GRACE:
        return "edited in target after the last sync"
    return "transform bug or target-side rewrite: the mapping predicts another value"
