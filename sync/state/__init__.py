"""The sync core's memory: runs, id crosswalk, watermarks, audit log and quarantine (SQLite).

`StateStore.commit_page` is the unit of durability: a page's writes, audit rows and
quarantine entries land in one transaction together with the watermark that covers them.
A write's audit row goes in before the write, as a pending intent (`record_intents`), and
the page commit settles it (`IntentSettlement` in `sync.state.models`).
"""

from __future__ import annotations

from sync.state._retention import PruneCounts
from sync.state.models import (
    AuditEntry,
    CrosswalkEntry,
    PlannedChange,
    QuarantineEntry,
    ReconcileSummary,
    RunInfo,
    StateError,
)
from sync.state.schema import SCHEMA_VERSION
from sync.state.store import StateStore

__all__ = [
    "SCHEMA_VERSION",
    "AuditEntry",
    "CrosswalkEntry",
    "PlannedChange",
    "PruneCounts",
    "QuarantineEntry",
    "ReconcileSummary",
    "RunInfo",
    "StateError",
    "StateStore",
]
