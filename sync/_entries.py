"""Building the state rows of one record's outcome: crosswalk, quarantine, change detection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.connectors.base import Record, WriteResult
from sync.mapping import FieldRule, MappingSpec, get_path
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
    spec: MappingSpec, payload: dict[str, Any], before: dict[str, Any] | None
) -> tuple[str, ...]:
    """The mapped target paths whose value in `payload` differs from the target's `before`
    image (every set path when there is none). A child collection differs when its length
    or any mapped child field differs; fields the target adds to its children do not count."""
    paths = spec.target_paths
    if before is None:
        return tuple(p for p in paths if get_path(payload, p) is not None)
    changed = []
    for path in paths:
        rule = spec.rule_for(path)
        mine, theirs = get_path(payload, path), get_path(before, path)
        if rule is not None and rule.kind == "each":
            if not same_children(rule.each, mine, theirs):
                changed.append(path)
        elif not same(mine, theirs):
            changed.append(path)
    return tuple(changed)


def same_children(rules: Sequence[FieldRule], mine: Any, theirs: Any) -> bool:
    if isinstance(theirs, dict) and isinstance(theirs.get("items"), list):
        theirs = theirs["items"]  # a NetSuite sublist read back as {"items": [...]}
    mine, theirs = mine or [], theirs or []
    if not isinstance(mine, list) or not isinstance(theirs, list) or len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs, strict=True):
        for rule in rules:
            if rule.kind == "each":
                if not same_children(rule.each, get_path(a, rule.target), get_path(b, rule.target)):
                    return False
            elif not same(get_path(a, rule.target), get_path(b, rule.target)):
                return False
    return True


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
