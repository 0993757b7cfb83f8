"""What a flow is and what one run of it produced: the engine's plain shapes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # annotations only: the config imports this module for its constants
    from sync.mapping import MappingSpec
    from sync.state import QuarantineEntry

Mode = Literal["dry-run", "shadow", "live"]
MODES: tuple[Mode, ...] = ("dry-run", "shadow", "live")
Action = Literal["create", "update", "delete"]
# Where a run spends its time, in pipeline order (`RunResult.stages`).
STAGES: tuple[str, ...] = ("read", "transform", "validate", "lookup", "write", "commit")

DEFAULT_SCHEMA_RECHECK = timedelta(seconds=60)
# Records one write round takes (a lookup of which exist, then the writes). Connectors split a
# round into the vendor's own batch limit (Salesforce: 200 a call) and keep up to their
# `concurrency` calls in flight, so a large round mostly matters for targets that write one
# record a call (NetSuite): every round ends waiting on its slowest call, with slots idle.
DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True)
class Flow:
    """One configured flow: a mapping plus how to batch, look back and watch for drift."""

    name: str
    mapping: MappingSpec
    batch_size: int = DEFAULT_BATCH_SIZE
    # Re-read this far behind the watermark: late-visible records and timestamp ties.
    lookback: timedelta = timedelta(seconds=0)
    # How often both sides' describe/metadata is re-read mid-run to catch schema drift
    # (zero: before every page). A write refused for an unknown field re-reads it at once.
    schema_recheck: timedelta = DEFAULT_SCHEMA_RECHECK


def sized_for(flow: Flow, target: object) -> Flow:
    """`flow` with write rounds as large as `target`'s fastest path takes, when that is more
    than the flow's `batch_size`: a connector may say so in `preferred_write_batch` (the
    Salesforce connector: a Bulk API 2.0 job's worth), and the engine then gathers source pages
    until a round is that large. `batch_size` stays the floor."""
    preferred = getattr(target, "preferred_write_batch", None)
    if not isinstance(preferred, int) or preferred <= flow.batch_size:
        return flow
    return replace(flow, batch_size=preferred)


@dataclass(frozen=True)
class PlannedWrite:
    action: Action
    source_id: str
    external_id: str
    target_id: str | None
    fields: tuple[str, ...]  # target paths whose value changes
    before: dict[str, Any] | None
    after: dict[str, Any]


@dataclass
class RunCounts:
    read: int = 0
    unchanged: int = 0  # same content as last synced: not even looked up in the target
    in_sync: int = 0  # the target already held exactly this content
    created: int = 0
    updated: int = 0
    quarantined: int = 0
    conflicts: int = 0  # owned fields the target changed behind the flow (see governance)
    deleted: int = 0  # target records deleted or flagged because their source was deleted
    skipped: int = 0  # an update-only flow's records that are linked to no target record

    @property
    def written(self) -> int:
        return self.created + self.updated

    def as_dict(self) -> dict[str, int]:
        return {
            "read": self.read,
            "unchanged": self.unchanged,
            "in_sync": self.in_sync,
            "created": self.created,
            "updated": self.updated,
            "quarantined": self.quarantined,
            "conflicts": self.conflicts,
            "deleted": self.deleted,
            "skipped": self.skipped,
        }


class StageClock:
    """Seconds spent per pipeline stage, so a slow run names its bottleneck."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - started)


@dataclass
class RunResult:
    run_id: str
    flow: str
    mode: Mode
    kind: str
    status: str
    counts: RunCounts
    planned: list[PlannedWrite] = field(default_factory=list)
    quarantined: list[QuarantineEntry] = field(default_factory=list)
    seconds: float = 0.0
    source_calls: int = 0
    target_calls: int = 0
    error: str | None = None
    stages: dict[str, float] = field(default_factory=dict)
    # Schema changes seen mid-run (`sync.schema_watch.Drift` rendered as text).
    drift: list[str] = field(default_factory=list)
    # Writes the target applied with a warning: (source id, the vendor's words).
    warnings: list[tuple[str, str]] = field(default_factory=list)
