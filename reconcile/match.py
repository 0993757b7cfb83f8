"""Pair source records with target records: the matching cascade.

crosswalk -> the target's external id -> business keys -> fuzzy similarity. The ids prove
identity (DESIGN.md ties every synced record twice, so a lost state file still pairs); the last
two steps (reconcile.cascade) find targets the sync did not create, which lack the external id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reconcile.cascade import MATCH_METHODS, Link, MatchedBy, Proposal, propose
from reconcile.explain import SyncMemory
from sync.connectors.base import Record
from sync.mapping import MatchSpec, get_path

__all__ = ["MATCH_METHODS", "Link", "MatchedBy", "Pairing", "pair_records"]


@dataclass
class Pairing:
    pairs: list[tuple[Record, Record]] = field(default_factory=list)
    missing: list[Record] = field(default_factory=list)  # source records with no target
    unexpected: list[Record] = field(default_factory=list)  # target records no source claims
    # external id -> target records, where several targets claim one source
    duplicates: dict[str, list[Record]] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)  # source record id -> how it paired
    # sources with several equally good candidates (or sharing one with another source)
    ambiguous: list[Proposal] = field(default_factory=list)


def pair_records(
    sources: dict[str, Record],
    targets: dict[str, Record],
    *,
    source_key: str,
    external_id_path: str,
    memory: SyncMemory,
    match: MatchSpec | None = None,
    predict: Callable[[Record], dict[str, Any]] | None = None,
) -> Pairing:
    """Match every source record to at most one target record.

    The ids first; then, for sources still unpaired and when `match` declares business keys
    or fuzzy fields, the cascade compares `predict(source)` (the mapped payload) with targets
    that carry no external id. Candidates named in an ambiguous proposal are not unexpected.
    """
    by_external: dict[str, list[Record]] = defaultdict(list)
    for record in targets.values():
        ext = get_path(record.fields, external_id_path)
        if ext not in (None, ""):
            by_external[str(ext)].append(record)
    result = Pairing()
    claimed: set[str] = set()
    unpaired: list[Record] = []
    for source in sources.values():
        key = str(source.fields.get(source_key) or source.id)
        candidates = by_external.get(key, [])
        if len(candidates) > 1:
            result.duplicates[key] = candidates
        entry = memory.crosswalk.get(key)
        target: Record | None = targets.get(entry.target_id) if entry and entry.target_id else None
        how: MatchedBy = "crosswalk"
        if target is None and candidates:
            target, how = candidates[0], "external_id"
        if target is None:
            unpaired.append(source)
            continue
        claimed.add(target.id)
        result.pairs.append((source, target))
        result.links[source.id] = Link(how, 1.0)
    for dupes in result.duplicates.values():
        claimed.update(t.id for t in dupes[:1])
    if match is not None and predict is not None and (match.keys or match.fuzzy) and unpaired:
        free = [
            t
            for t in targets.values()
            if t.id not in claimed and get_path(t.fields, external_id_path) in (None, "")
        ]
        wanted = [(s, predict(s)) for s in unpaired]
        paired = (predict(s) for s, _t in result.pairs)
        proposals = {p.source.id: p for p in propose(wanted, free, match, paired)}
        for source in unpaired:
            proposal = proposals.get(source.id)
            if proposal is None:
                continue
            claimed.update(t.id for t in proposal.targets)
            if proposal.ambiguous:
                result.ambiguous.append(proposal)
            else:
                result.pairs.append((source, proposal.targets[0]))
                result.links[source.id] = proposal.link
        unpaired = [s for s in unpaired if s.id not in proposals]
    result.missing = unpaired
    result.unexpected = [
        t
        for t in targets.values()
        if t.id not in claimed and not _is_duplicate(t, result.duplicates)
    ]
    return result


def _is_duplicate(target: Record, duplicates: dict[str, list[Record]]) -> bool:
    return any(target in dupes[1:] for dupes in duplicates.values())
