"""The shapes the state store reads and writes, and its error.

Every timestamp is a timezone-aware datetime; the store keeps them as UTC ISO strings.
Closed sets are `Literal`s; values arriving as plain strings are checked at the store's door
(`check_choice`) so a typo fails loudly instead of being written.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, TypeVar, cast, get_args

from sync.errors import FatalError

RunMode = Literal["dry-run", "shadow", "live", "rollback"]
RunKind = Literal["full", "incremental", "replay", "rollback"]
# `interrupted`: stopped by Ctrl-C, or its process died (closed by the next run of the flow).
RunStatus = Literal["running", "succeeded", "failed", "partial", "interrupted"]
Action = Literal["create", "update", "delete", "restore"]
# An audit row is an intent until settled: `pending` before the write goes out, then
# `applied` (the target holds the write) or `not_applied` (refused, or it never landed).
AuditOutcome = Literal["pending", "applied", "not_applied"]
QuarantineReason = Literal[
    "validation", "rejected", "unresolved_reference", "conflict", "drift", "rate_limit_exhausted"
]
QuarantineStatus = Literal["open", "replayed", "discarded"]
ReconcileVerdict = Literal["GO", "NO-GO"]

RUN_MODES: tuple[RunMode, ...] = get_args(RunMode)
RUN_KINDS: tuple[RunKind, ...] = get_args(RunKind)
RUN_STATUSES: tuple[RunStatus, ...] = get_args(RunStatus)
ACTIONS: tuple[Action, ...] = get_args(Action)
AUDIT_OUTCOMES: tuple[AuditOutcome, ...] = get_args(AuditOutcome)
QUARANTINE_REASONS: tuple[QuarantineReason, ...] = get_args(QuarantineReason)
QUARANTINE_STATUSES: tuple[QuarantineStatus, ...] = get_args(QuarantineStatus)
RECONCILE_VERDICTS: tuple[ReconcileVerdict, ...] = get_args(ReconcileVerdict)

_T = TypeVar("_T", bound=str)


class StateError(FatalError):
    """The state store cannot do what was asked: a newer schema, a misuse, a failed write.

    A failed write has been rolled back: nothing of the page it belonged to was stored.
    """


def check_choice(value: str, choices: tuple[_T, ...], what: str) -> _T:
    """`value` as one of `choices`, or a StateError naming the valid ones."""
    if value not in choices:
        raise StateError(f"unknown {what} {value!r}; expected one of: {', '.join(choices)}")
    return cast(_T, value)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One run of one flow, from `start_run` to `finish_run`."""

    run_id: str  # "20261127T060102Z-3f9a": sorts by start time
    flow: str
    mode: RunMode
    kind: RunKind
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)  # read, created, updated, ...
    error: str | None = None
    pid: int | None = None  # the process that runs (or ran) it, on `host`
    host: str | None = None


@dataclass(frozen=True, slots=True)
class CrosswalkEntry:
    """The tie between a source record and its target record for one flow."""

    flow: str
    source_id: str
    target_id: str  # "" when the target did not report its id; external_id still ties them
    external_id: str
    content_hash: str  # of the mapped payload last written: unchanged records are skipped
    source_modified_at: datetime | None
    synced_at: datetime
    last_run_id: str
    # Governance memory (`sync.conflicts.LastSync` as JSON): {"mapped": ..., "kept": ...}.
    last_sync: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One write with its before and after images; `rollback` replays these backwards.

    `before` is None for a create, `after` is None only for a delete. Written as an intent
    (`outcome` 'pending', `target_id` '' for a create) before the write goes out, and
    settled after it by the writing run or, when its process died, by the next run.
    """

    run_id: str
    flow: str
    action: Action
    source_id: str
    target_id: str
    external_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime
    flags: list[dict[str, Any]] = field(default_factory=list)  # truncations, conflicts, ...
    seq: int | None = None  # assigned by the store; increases with every write
    outcome: AuditOutcome = "applied"
    settled_at: datetime | None = None
    settled_by: str | None = None  # the run that settled the intent


@dataclass(frozen=True, slots=True)
class IntentSettlement:
    """How an intent ended: the audit row `seq` becomes `outcome`, with what the target
    says now (`target_id`, and the after-image when it is known better than the intent's)."""

    seq: int
    outcome: AuditOutcome
    target_id: str
    after: dict[str, Any] | None = None  # None: keep the intent's after-image
    note: dict[str, Any] | None = None  # a flag appended to the row (who settled it, how)


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """A source record that could not be written, kept with its payload for a person."""

    qid: str
    run_id: str  # the run that last quarantined it
    flow: str
    source_id: str
    reason: QuarantineReason
    code: str
    message: str
    payload: dict[str, Any]  # the source record as read
    mapped: dict[str, Any] | None  # the mapped payload, when mapping got that far
    created_at: datetime  # first quarantined
    status: QuarantineStatus = "open"
    updated_at: datetime | None = None  # last re-quarantined; None until read back
    resolved_at: datetime | None = None
    resolved_by: str | None = None  # a person, or the run whose sync resolved it
    note: str | None = None  # why a person discarded it

    @classmethod
    def new(
        cls,
        *,
        run_id: str,
        flow: str,
        source_id: str,
        reason: str,
        code: str,
        message: str,
        payload: Mapping[str, Any],
        mapped: Mapping[str, Any] | None = None,
        created_at: datetime | None = None,
    ) -> QuarantineEntry:
        """A fresh open entry with a new qid. If the record already has an open entry in
        this flow, storing this one updates that entry and keeps its qid."""
        return cls(
            qid=new_qid(),
            run_id=run_id,
            flow=flow,
            source_id=source_id,
            reason=check_choice(reason, QUARANTINE_REASONS, "quarantine reason"),
            code=code,
            message=message,
            payload=dict(payload),
            mapped=None if mapped is None else dict(mapped),
            created_at=created_at or datetime.now(UTC),
        )


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """A write a dry-run or shadow run would have made."""

    run_id: str
    flow: str
    action: Action
    source_id: str
    target_id: str | None
    external_id: str
    fields: tuple[str, ...]  # target paths whose value changes
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class ReconcileSummary:
    """One flow's scores in one reconcile: what `harness history` and `harness trend` show.

    `verdict` is the whole reconcile's; `passed` says whether this flow's own checks held.
    """

    flow: str
    generated_at: datetime
    verdict: ReconcileVerdict
    passed: bool
    record_accuracy: float
    field_accuracy: float
    counts: dict[str, int] = field(default_factory=dict)  # source_records, missing, ...
    config: str = ""
    reconcile_id: str = ""  # assigned by the store; shared by the flows of one reconcile


class PlannedWriteLike(Protocol):
    """What `commit_page(planned=...)` reads from each item (the engine's own plan fits)."""

    @property
    def action(self) -> str: ...
    @property
    def source_id(self) -> str: ...
    @property
    def target_id(self) -> str | None: ...
    @property
    def external_id(self) -> str: ...
    @property
    def fields(self) -> tuple[str, ...]: ...
    @property
    def before(self) -> Mapping[str, Any] | None: ...
    @property
    def after(self) -> Mapping[str, Any] | None: ...


def new_qid() -> str:
    """A short random quarantine id, easy to type on the command line."""
    return secrets.token_hex(6)
