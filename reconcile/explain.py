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

    @property
    def target_ids(self) -> dict[str, str]:
        return {e.target_id: e.source_id for e in self.crosswalk.values() if e.target_id}


def missing_cause(source_id: str, memory: SyncMemory, mapping_issues: list[str]) -> str:
    held = memory.quarantine.get(source_id)
    if held is not None:
        return f"quarantined ({held.reason}: {held.code})"
    if mapping_issues:
        return "fails validation: never writable as it is"
    if source_id in memory.crosswalk:
        return "deleted in target after sync"
    return "never synced"


def field_cause(
    expected: Any,
    actual: Any,
    source: Record,
    target: Record,
    entry: CrosswalkEntry | None,
    held: QuarantineEntry | None,
    path: str | None = None,
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
    if entry is not None and _edited_in_source(source, entry):
        return "edited in source after the last sync (in flight)"
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


def _edited_in_source(source: Record, entry: CrosswalkEntry) -> bool:
    return entry.source_modified_at is not None and source.modified_at > entry.source_modified_at
