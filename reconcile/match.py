"""Pair source records with target records: crosswalk first, then the target's external id."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from reconcile.explain import SyncMemory
from sync.connectors.base import Record
from sync.mapping import get_path


@dataclass
class Pairing:
    pairs: list[tuple[Record, Record]] = field(default_factory=list)
    missing: list[Record] = field(default_factory=list)  # source records with no target
    unexpected: list[Record] = field(default_factory=list)  # target records no source claims
    # external id -> target records, where several targets claim one source
    duplicates: dict[str, list[Record]] = field(default_factory=dict)


def pair_records(
    sources: dict[str, Record],
    targets: dict[str, Record],
    *,
    source_key: str,
    external_id_path: str,
    memory: SyncMemory,
) -> Pairing:
    """Match every source record to at most one target record.

    Identity is tied twice (DESIGN.md): the state's crosswalk, then the target's external-id
    field holding the source key. Either alone suffices, so a lost state file still pairs.
    """
    by_external: dict[str, list[Record]] = defaultdict(list)
    for record in targets.values():
        ext = get_path(record.fields, external_id_path)
        if ext not in (None, ""):
            by_external[str(ext)].append(record)
    result = Pairing()
    claimed: set[str] = set()
    for source in sources.values():
        key = str(source.fields.get(source_key) or source.id)
        candidates = by_external.get(key, [])
        if len(candidates) > 1:
            result.duplicates[key] = candidates
        entry = memory.crosswalk.get(key)
        target: Record | None = targets.get(entry.target_id) if entry and entry.target_id else None
        if target is None and candidates:
            target = candidates[0]
        if target is None:
            result.missing.append(source)
            continue
        claimed.add(target.id)
        result.pairs.append((source, target))
    for dupes in result.duplicates.values():
        claimed.update(t.id for t in dupes[:1])
    result.unexpected = [
        t
        for t in targets.values()
        if t.id not in claimed and not _is_duplicate(t, result.duplicates)
    ]
    return result


def _is_duplicate(target: Record, duplicates: dict[str, list[Record]]) -> bool:
    return any(target in dupes[1:] for dupes in duplicates.values())
