"""The sync engine: read -> map -> validate -> write -> record, one page at a time.

Modes: `dry-run` and `shadow` compute the writes a live run would make and record them as a
plan without touching the target (the CLI prints a dry-run's plan; `harness shadow-report`
turns a shadow run's into a report); `live` writes. Every mode reads the target's current
image of each changed record, so a plan lists only fields that really differ, the audit gets
its before-images, and a lost state file heals without duplicates (writes are upserts by
external id).

A page is committed to the state store in one transaction together with the watermark that
covers it, so a crash replays at most one page, and replays are idempotent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sync.connectors.base import Connector, ObjectSchema, Record, Watermark, WriteResult
from sync.hashing import content_hash
from sync.mapping import MappingSpec, apply_mapping, get_path, validate_against_schema
from sync.state import AuditEntry, CrosswalkEntry, QuarantineEntry, StateStore

Mode = Literal["dry-run", "shadow", "live"]
MODES: tuple[Mode, ...] = ("dry-run", "shadow", "live")
Action = Literal["create", "update"]
ProgressFn = Callable[[str, int], None]


@dataclass(frozen=True)
class Flow:
    """One configured flow: a mapping plus how to batch and look back."""

    name: str
    mapping: MappingSpec
    batch_size: int = 200
    # Re-read this far behind the watermark: late-visible records and timestamp ties.
    lookback: timedelta = timedelta(seconds=0)


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
        }


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


@dataclass
class _Candidate:
    record: Record
    source_id: str
    external_id: str
    payload: dict[str, Any]
    digest: str
    flags: list[dict[str, Any]]


class SyncEngine:
    """Runs flows between a source and a target connector, recording into a state store."""

    def __init__(
        self,
        source: Connector,
        target: Connector,
        state: StateStore,
        *,
        progress: ProgressFn | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.source = source
        self.target = target
        self.state = state
        self._progress = progress or (lambda _event, _n: None)
        self._clock = clock

    def run(self, flow: Flow, *, mode: Mode = "live", full: bool = False) -> RunResult:
        """Run `flow` once. Raises only `SyncError`s that abort the run (auth, config, ...);
        the run is then marked failed with the reason, and everything committed stays."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        spec = flow.mapping
        watermark = None if full else self.state.watermark(flow.name)
        kind = "full" if watermark is None else "incremental"
        run = self.state.start_run(flow.name, mode, kind)
        result = RunResult(run.run_id, flow.name, mode, kind, "running", RunCounts())
        started = time.perf_counter()
        source_calls, target_calls = _calls(self.source), _calls(self.target)
        try:
            schema = self.target.describe(spec.target.object)
            crosswalk = self.state.crosswalk_all(flow.name)
            open_quarantine = self.state.quarantine_open_ids(flow.name)
            since = None
            if watermark is not None:
                since = Watermark(watermark.modified_at - flow.lookback, watermark.record_id)
            pages = self.source.read(spec.source.object, fields=spec.source_fields, since=since)
            for page in pages:
                self._run_page(flow, schema, page, crosswalk, open_quarantine, result)
                self._progress("read", len(page))
            result.status = "succeeded" if result.counts.quarantined == 0 else "partial"
        except BaseException as exc:  # the run row must never stay "running"; re-raised below
            result.status = "failed"
            result.error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            result.seconds = time.perf_counter() - started
            result.source_calls = _calls(self.source) - source_calls
            result.target_calls = _calls(self.target) - target_calls
            counts = {
                **result.counts.as_dict(),
                "source_calls": result.source_calls,
                "target_calls": result.target_calls,
            }
            self.state.finish_run(run.run_id, result.status, counts, error=result.error)
        return result

    # -- one page ----------------------------------------------------------------------------

    def _run_page(
        self,
        flow: Flow,
        schema: ObjectSchema,
        page: Sequence[Record],
        crosswalk: dict[str, CrosswalkEntry],
        open_quarantine: set[str],
        result: RunResult,
    ) -> None:
        spec = flow.mapping
        now = self._clock()
        quarantine: list[QuarantineEntry] = []
        candidates: list[_Candidate] = []
        for record in page:
            result.counts.read += 1
            source_id = str(record.fields.get(spec.source_key) or record.id)
            mapped = apply_mapping(spec, record.fields)
            issues = list(mapped.issues)
            if mapped.ok:
                issues = validate_against_schema(mapped.payload, schema)
            if issues:
                quarantine.append(
                    _quarantine(
                        result, flow, source_id, "validation", issues, record, mapped.payload, now
                    )
                )
                continue
            digest = content_hash(mapped.payload)
            known = crosswalk.get(source_id)
            if (
                known is not None
                and known.content_hash == digest
                and source_id not in open_quarantine
            ):
                result.counts.unchanged += 1
                continue
            flags = [
                {"target": f.target, "code": f.code, "message": f.message} for f in mapped.flags
            ]
            external_id = str(get_path(mapped.payload, spec.external_id_field) or source_id)
            candidates.append(
                _Candidate(record, source_id, external_id, mapped.payload, digest, flags)
            )

        entries: list[CrosswalkEntry] = []
        audit: list[AuditEntry] = []
        resolved: list[str] = []
        planned_before = len(result.planned)
        for batch in _chunks(candidates, flow.batch_size):
            self._write_batch(flow, batch, result, entries, audit, quarantine, resolved)
        planned = result.planned[planned_before:]

        result.quarantined.extend(quarantine)
        result.counts.quarantined += len(quarantine)
        if result.mode != "live":
            # A plan is recorded for review; nothing else about the target or the source moves.
            self.state.commit_page(result.run_id, flow.name, planned=planned)
            return
        for entry in entries:
            crosswalk[entry.source_id] = entry
        open_quarantine.difference_update(resolved)
        open_quarantine.update(q.source_id for q in quarantine)
        last = max(page, key=lambda r: (r.modified_at, r.id), default=None)
        mark = Watermark(last.modified_at, last.id) if last else None
        self.state.commit_page(
            result.run_id,
            flow.name,
            crosswalk=entries,
            audit=audit,
            quarantine=quarantine,
            resolved_quarantine=resolved,
            planned=[],
            watermark=mark,
        )

    def _write_batch(
        self,
        flow: Flow,
        batch: list[_Candidate],
        result: RunResult,
        entries: list[CrosswalkEntry],
        audit: list[AuditEntry],
        quarantine: list[QuarantineEntry],
        resolved: list[str],
    ) -> None:
        spec = flow.mapping
        target_obj = spec.target.object
        now = self._clock()
        current = self.target.get_by_external_id(
            target_obj, spec.external_id_field, [c.external_id for c in batch]
        )
        to_write: list[tuple[_Candidate, PlannedWrite]] = []
        for cand in batch:
            before = current.get(cand.external_id)
            before_fields = before.fields if before else None
            changed = _changed_paths(spec.target_paths, cand.payload, before_fields)
            if before is not None and not changed:
                result.counts.in_sync += 1
                if result.mode == "live":
                    entries.append(_crosswalk(result, flow, cand, before.id, now))
                    resolved.append(cand.source_id)
                continue
            action: Action = "create" if before is None else "update"
            plan = PlannedWrite(
                action,
                cand.source_id,
                cand.external_id,
                before.id if before else None,
                changed,
                before_fields,
                cand.payload,
            )
            to_write.append((cand, plan))
        if result.mode != "live":
            result.planned.extend(plan for _, plan in to_write)
            for _, plan in to_write:
                if plan.action == "create":
                    result.counts.created += 1
                else:
                    result.counts.updated += 1
            return
        if not to_write:
            return
        outcomes = self.target.upsert(
            target_obj, spec.external_id_field, [cand.payload for cand, _ in to_write]
        )
        now = self._clock()  # after the write: the target's modified time is not later
        for (cand, plan), outcome in zip(to_write, outcomes, strict=True):
            if not outcome.ok:
                quarantine.append(_rejected(result, flow, cand, outcome, now))
                continue
            target_id = outcome.id or plan.target_id or ""
            if plan.action == "create":
                result.counts.created += 1
            else:
                result.counts.updated += 1
            result.planned.append(plan)
            entries.append(_crosswalk(result, flow, cand, target_id, now))
            resolved.append(cand.source_id)
            audit.append(
                AuditEntry(
                    run_id=result.run_id,
                    flow=flow.name,
                    action=plan.action,
                    source_id=cand.source_id,
                    target_id=target_id,
                    external_id=cand.external_id,
                    before=plan.before,
                    after=cand.payload,
                    at=now,
                    flags=cand.flags,
                )
            )


# -- helpers -------------------------------------------------------------------------------


def _calls(connector: Connector) -> int:
    return connector.call_count()


def _chunks(items: list[_Candidate], size: int) -> Iterable[list[_Candidate]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


def _same(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return bool(a == b)


def _changed_paths(
    paths: Sequence[str], payload: dict[str, Any], before: dict[str, Any] | None
) -> tuple[str, ...]:
    if before is None:
        return tuple(p for p in paths if get_path(payload, p) is not None)
    return tuple(p for p in paths if not _same(get_path(payload, p), get_path(before, p)))


def _crosswalk(
    result: RunResult, flow: Flow, cand: _Candidate, target_id: str, now: datetime
) -> CrosswalkEntry:
    return CrosswalkEntry(
        flow=flow.name,
        source_id=cand.source_id,
        target_id=target_id,
        external_id=cand.external_id,
        content_hash=cand.digest,
        source_modified_at=cand.record.modified_at,
        synced_at=now,
        last_run_id=result.run_id,
    )


def _quarantine(
    result: RunResult,
    flow: Flow,
    source_id: str,
    reason: str,
    issues: Sequence[Any],
    record: Record,
    mapped: dict[str, Any] | None,
    now: datetime,
) -> QuarantineEntry:
    first = issues[0]
    return QuarantineEntry.new(
        run_id=result.run_id,
        flow=flow.name,
        source_id=source_id,
        reason=reason,
        code=first.code,
        message="; ".join(issue.message for issue in issues),
        payload=record.fields,
        mapped=mapped,
        created_at=now,
    )


def _rejected(
    result: RunResult, flow: Flow, cand: _Candidate, outcome: WriteResult, now: datetime
) -> QuarantineEntry:
    reason = "rate_limit_exhausted" if outcome.retryable else "rejected"
    where = f" (fields: {', '.join(outcome.fields)})" if outcome.fields else ""
    return QuarantineEntry.new(
        run_id=result.run_id,
        flow=flow.name,
        source_id=cand.source_id,
        reason=reason,
        code=outcome.error_code or "UNKNOWN",
        message=f"target refused the record: {outcome.message or 'no message'}{where}",
        payload=cand.record.fields,
        mapped=cand.payload,
        created_at=now,
    )
