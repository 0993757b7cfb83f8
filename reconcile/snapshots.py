"""One system against an earlier snapshot of itself: did a rollback restore it exactly?

The reconciler proper compares two different systems through a mapping. After a rollback the
question is narrower: does the target hold, on every mapped path, what it held before the bad
run? `take_snapshot` keeps each record's mapped paths by external id; `compare_to_snapshot`
scores the system now against it with the same equality the sync uses (blank = blank,
numbers by value, child collections by their mapped fields).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.connectors.base import Record
from sync.mapping import MappingSpec, changed_paths, get_path, set_path

Snapshot = dict[str, dict[str, Any]]  # external id -> mapped paths as the target held them


@dataclass(frozen=True)
class SnapshotDiff:
    records: int  # in the snapshot
    equal: int
    missing: tuple[str, ...] = ()  # in the snapshot, gone now
    unexpected: tuple[str, ...] = ()  # new since the snapshot
    changed: tuple[tuple[str, str, Any, Any], ...] = field(default_factory=tuple)
    # (external id, path, then, now)

    @property
    def accuracy(self) -> float:
        """Records identical to the snapshot, over records in it or added since."""
        total = self.records + len(self.unexpected)
        return self.equal / total if total else 1.0


def take_snapshot(spec: MappingSpec, records: Iterable[Record]) -> Snapshot:
    """The mapped paths of every live target record, keyed by its external id."""
    snapshot: Snapshot = {}
    for record in records:
        key = get_path(record.fields, spec.external_id_field)
        if record.deleted or key in (None, ""):
            continue
        image: dict[str, Any] = {}
        for path in spec.target_paths:
            value = get_path(record.fields, path)
            if value is not None:
                set_path(image, path, copy.deepcopy(value))
        snapshot[str(key)] = image
    return snapshot


def compare_to_snapshot(spec: MappingSpec, then: Snapshot, now: Snapshot) -> SnapshotDiff:
    missing = tuple(sorted(k for k in then if k not in now))
    unexpected = tuple(sorted(k for k in now if k not in then))
    changed: list[tuple[str, str, Any, Any]] = []
    equal = 0
    for key, before in then.items():
        if key not in now:
            continue
        paths: Sequence[str] = changed_paths(spec, before, now[key])
        paths = [*paths, *changed_paths(spec, now[key], before)]
        differing = list(dict.fromkeys(paths))
        if not differing:
            equal += 1
        changed += [(key, p, get_path(before, p), get_path(now[key], p)) for p in differing]
    return SnapshotDiff(len(then), equal, missing, unexpected, tuple(changed))


def describe_diff(diff: SnapshotDiff, limit: int = 10) -> str:
    """A short account of what differs, for assertion messages and the CLI."""
    lines = [f"{diff.equal}/{diff.records} records as in the snapshot ({diff.accuracy:.2%})"]
    lines += [f"missing: {k}" for k in diff.missing[:limit]]
    lines += [f"unexpected: {k}" for k in diff.unexpected[:limit]]
    lines += [f"{k}.{p}: {a!r} -> {b!r}" for k, p, a, b in diff.changed[:limit]]
    return "\n".join(lines)
