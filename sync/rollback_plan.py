"""Deciding what a rollback does to each record: pure functions over the audit and the
target's current images (no I/O); `sync.rollback` reads, writes and records.

A record's net change in a run is its first before-image and last after-image. A created
record is deleted unless it was edited since; an updated one gets back the `before` values of
the fields the run changed unless they were edited since (a conflict, unless forced); one
already back to its before-image is left alone.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from sync.connectors.base import Record
from sync.images import changed_paths, drifted, leaf_paths, restore_body, same
from sync.mapping import get_path, set_path
from sync.state import AuditEntry

Outcome = Literal["planned", "restored", "deleted", "conflict", "unchanged", "gone", "failed",
                  "unsupported"]  # fmt: skip
UndoAction = Literal["delete", "restore"]


@dataclass(frozen=True)
class RollbackItem:
    """What the rollback did (or, in a dry run, would do) to one record."""

    action: UndoAction
    source_id: str
    target_id: str
    external_id: str
    paths: tuple[str, ...]  # restored fields; for a delete, the fields the run wrote
    outcome: Outcome
    detail: str = ""
    conflicts: tuple[str, ...] = ()  # fields edited since the run


@dataclass(frozen=True)
class Change:
    """One record's net change in the run: first before-image, last after-image."""

    source_id: str
    target_id: str
    external_id: str
    first_action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    shape: dict[str, Any]  # what was written: the mapped payload, or a restore's body


def net_changes(entries: Sequence[AuditEntry]) -> list[Change]:
    """One change per record, newest write first (undone in reverse order)."""
    grouped: dict[str, list[AuditEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.source_id, []).append(entry)
    ordered = sorted(grouped.values(), key=lambda group: group[-1].seq or 0, reverse=True)
    changes = []
    for group in ordered:
        first, last = group[0], group[-1]
        changes.append(
            Change(
                source_id=first.source_id,
                target_id=last.target_id or first.target_id,
                external_id=last.external_id,
                first_action=first.action,
                before=first.before,
                after=last.after,
                shape=_written_shape(last),
            )
        )
    return changes


def _written_shape(entry: AuditEntry) -> dict[str, Any]:
    if entry.action == "restore":
        for flag in entry.flags:
            if flag.get("code") == "rollback" and isinstance(flag.get("written"), dict):
                return dict(flag["written"])
    return dict(entry.after or {})


def decide(
    change: Change, current: Record | None, force: bool
) -> tuple[RollbackItem, dict[str, Any] | None]:
    """What to do with one change: the item (outcome 'planned' when there is work) and,
    for a restore, the update body."""
    target_id = (current.id if current else "") or change.target_id
    base = RollbackItem("restore", change.source_id, target_id, change.external_id, (), "planned")
    after = change.after or {}
    if change.first_action == "delete" or change.after is None:
        detail = "re-creating a deleted record is not supported; `harness sync --full` does it"
        return replace(base, action="delete", outcome="unsupported", detail=detail), None
    if change.first_action == "create":
        paths = tuple(leaf_paths(change.shape))
        item = replace(base, action="delete", paths=paths)
        if current is None:
            return replace(item, outcome="gone", detail="no longer in the target"), None
        edited = drifted(paths, after, current.fields)
        if edited and not force:
            return replace(item, outcome="conflict", conflicts=edited,
                           detail="edited since the run created it"), None  # fmt: skip
        return replace(item, conflicts=edited), None
    if current is None:
        detail = "deleted from the target since the run; nothing to restore"
        return replace(base, outcome="conflict", detail=detail), None
    paths = changed_paths(change.shape, change.before, after, current.fields)
    item = replace(base, paths=paths)
    before = change.before or {}
    if not paths or all(same(get_path(current.fields, p), get_path(before, p)) for p in paths):
        return replace(item, outcome="unchanged", detail="already as before the run"), None
    edited = drifted(paths, after, current.fields)
    if edited and not force:
        return replace(item, outcome="conflict", conflicts=edited,
                       detail="edited since the run"), None  # fmt: skip
    body = restore_body(paths, change.shape, before, current.fields)
    return replace(item, conflicts=edited), body


def restored_memory(
    memory: Mapping[str, Any] | None, paths: Sequence[str], before: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The crosswalk's memory of the last sync with the restored fields as the target now
    holds them, so governance does not take the rollback for an edit behind its back."""
    if not memory:
        return None
    restored = copy.deepcopy(dict(memory))
    mapped = dict(restored.get("mapped") or {})
    kept = dict(restored.get("kept") or {})
    for path in paths:
        kept.pop(path, None)
        try:
            set_path(mapped, path, copy.deepcopy(get_path(before, path)))
        except (TypeError, ValueError):
            continue
    restored.update(mapped=mapped, kept=kept)
    return restored


def audit_flag(item: RollbackItem, body: dict[str, Any] | None) -> dict[str, Any]:
    flag: dict[str, Any] = {"code": "rollback", "paths": list(item.paths)}
    if item.conflicts:
        flag["forced_over"] = list(item.conflicts)
    if body is not None:
        flag["written"] = body
    return flag
