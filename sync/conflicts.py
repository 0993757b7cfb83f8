"""Carrying governance out on one record about to be written (the engine's side of it).

Given what the source says now (`mapped`), what the flow last synced (`last`: the source's
mapped payload then, and the values where the target's edit was accepted), and the target's
current image, `settle` finds the owned fields the target changed behind the flow's back,
asks the policies who wins, and returns the payload to write, the values the target keeps,
audit flags explaining every decision, and whether a steward must decide first.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.connectors.base import Record
from sync.governance import Conflict, Decision, Owner, Sides, decide, filled
from sync.mapping import MappingSpec, get_path, set_path
from sync.mapping.diff import changed_paths, same
from sync.state import CrosswalkEntry


@dataclass(frozen=True)
class LastSync:
    """What the crosswalk remembers of the record's last sync."""

    mapped: Mapping[str, Any]  # the source's mapped payload then
    kept: Mapping[str, Any] = field(default_factory=dict)  # path -> the target's accepted value


@dataclass
class Settlement:
    payload: dict[str, Any]  # what to write (target-kept values folded in)
    kept: dict[str, Any]  # path -> target value the flow no longer claims
    decisions: list[Decision]
    flags: list[dict[str, Any]]
    steward: bool = False  # a `manual` conflict: hold the record for a person

    @property
    def conflicts(self) -> int:
        return len(self.decisions)


def edited_behind(spec: MappingSpec, entry: CrosswalkEntry, target: Record) -> bool:
    """True when the target's image differs, on a field the source owns, from what the flow
    last wrote or accepted there: someone edited it in the target."""
    memory = entry.last_sync or {}
    expected = copy.deepcopy(dict(memory.get("mapped") or {}))
    for path, value in (memory.get("kept") or {}).items():
        set_path(expected, path, value)
    owned = [
        p
        for p in changed_paths(spec, expected, target.fields)
        if spec.governance.owner(p) == "source" and p != spec.external_id_field
    ]
    return bool(owned)


def settle(
    spec: MappingSpec,
    mapped: dict[str, Any],
    target: Mapping[str, Any],
    last: LastSync | None,
    *,
    source_modified: datetime | None,
    target_modified: datetime | None,
    steward: tuple[Owner, str] | None = None,
) -> Settlement:
    rules = spec.governance
    paths = [p for p in spec.target_paths if p != spec.external_id_field]
    # Copied on the first change only: most updates settle nothing, on the sync's hot path.
    holder = {"payload": mapped}

    def keep_target(path: str, value: Any) -> None:
        if holder["payload"] is mapped:
            holder["payload"] = copy.deepcopy(mapped)
        set_path(holder["payload"], path, copy.deepcopy(value))

    kept: dict[str, Any] = {}
    flags: list[dict[str, Any]] = []
    conflicts: list[Conflict] = []
    for path in paths:
        mine, theirs = get_path(mapped, path), get_path(target, path)
        if rules.owner(path) == "target":
            if theirs not in (None, ""):  # the target owns it: the flow only fills a blank
                keep_target(path, theirs)
            continue
        if last is None:
            continue
        before = get_path(last.mapped, path)
        if path in last.kept:
            accepted = last.kept[path]
            if same(mine, before) and same(theirs, accepted):
                kept[path] = accepted  # the source has not changed it since: the edit stands
                keep_target(path, theirs)
                continue
            written = accepted
        else:
            written = before
        if not same(theirs, written) and not same(mine, theirs):
            conflicts.append(Conflict(path, written, mine, theirs))
    if not conflicts:
        return Settlement(holder["payload"], kept, [], flags)
    sides = Sides(
        source_modified,
        target_modified,
        filled(mapped, paths, get_path),
        filled(target, paths, get_path),
    )
    decisions = decide(rules, conflicts, sides, steward=steward)
    held = False
    for conflict, decision in zip(conflicts, decisions, strict=True):
        flags.append(
            {
                "code": "conflict",
                "target": conflict.path,
                "policy": decision.policy,
                "winner": decision.winner,
                "message": f"{conflict.path}: the target changed {conflict.written!r} to "
                f"{conflict.target_value!r} while the source says {conflict.source_value!r}; "
                f"{decision.policy}: {decision.why}",
            }
        )
        if decision.winner == "target":
            kept[conflict.path] = copy.deepcopy(conflict.target_value)
            keep_target(conflict.path, conflict.target_value)
        elif decision.winner == "steward":
            held = True
    return Settlement(holder["payload"], kept, decisions, flags, held)
