"""The matching cascade after the ids: business keys, then fuzzy name similarity.

Both compare the mapping's prediction for a source (`apply_mapping`) with what a target holds,
after normalization. Only targets without an external id are candidates: one carrying another
id belongs to another source. A source with several equally good candidates, or a candidate
that several sources want equally, is ambiguous and never silently paired.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from rapidfuzz import fuzz

from reconcile.normalize import NORMALIZERS, name_key, text_key
from sync.connectors.base import Record
from sync.mapping import MatchSpec, get_path

MatchedBy = Literal["crosswalk", "external_id", "business_key", "fuzzy"]
MATCH_METHODS: tuple[MatchedBy, ...] = ("crosswalk", "external_id", "business_key", "fuzzy")
_S = TypeVar("_S")
# An id proves identity; an equal business key nearly does; fuzzy confidence is its score.
BUSINESS_KEY_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Link:
    """How one source was paired with its target, and how sure the pairing is (0-1)."""

    matched_by: MatchedBy
    confidence: float


@dataclass(frozen=True)
class Proposal:
    source: Record
    targets: tuple[Record, ...]  # the equally good candidates
    link: Link
    contested: bool = False  # another source wants the same single candidate as much

    @property
    def ambiguous(self) -> bool:
        return len(self.targets) > 1 or self.contested


def propose(
    sources: Sequence[tuple[Record, dict[str, Any]]],
    candidates: Sequence[Record],
    match: MatchSpec,
    paired: Iterable[dict[str, Any]] = (),
) -> list[Proposal]:
    """A proposal per source that business keys or fuzzy similarity tie to candidates.
    `sources` holds (record, predicted target payload); `paired` the predictions of the
    sources the ids already paired: a candidate one of them matches as well is a stray copy
    of that record (a bulk load, a hand-made twin), not evidence for an unpaired source, so
    it stays unexpected."""
    out = [Proposal(s, found, link) for s, found, link in _found(sources, candidates, match)]
    if out:
        proposed = list({t.id: t for p in out for t in p.targets}.values())
        predictions = ((None, payload) for payload in paired)
        # target id -> the strongest evidence a paired source has for it (2: a business key)
        copies: dict[str, float] = {}
        for _, found, link in _found(predictions, proposed, match):
            strength = 2.0 if link.matched_by == "business_key" else link.confidence
            for t in found:
                copies[t.id] = max(copies.get(t.id, 0.0), strength)
        out = [
            Proposal(p.source, kept, p.link)
            for p in out
            if (kept := tuple(t for t in p.targets if not _copy(p.link, copies.get(t.id))))
        ]
    contested = Counter(t.id for p in out if len(p.targets) == 1 for t in p.targets)
    return [
        Proposal(p.source, p.targets, p.link, contested=True)
        if len(p.targets) == 1 and contested[p.targets[0].id] > 1
        else p
        for p in out
    ]


def _copy(link: Link, evidence: float | None) -> bool:
    """Whether a paired source's evidence for a target is at least as strong as this link's."""
    if evidence is None:
        return False
    return evidence >= (2.0 if link.matched_by == "business_key" else link.confidence)


def _found(
    sources: Iterable[tuple[_S, dict[str, Any]]], candidates: Sequence[Record], match: MatchSpec
) -> list[tuple[_S, tuple[Record, ...], Link]]:
    """(source, its equally good candidates, how) for each source that finds any."""
    out: list[tuple[_S, tuple[Record, ...], Link]] = []
    key_index = [_key_index(key, candidates) for key in match.keys]
    blocks = _block_index(match, candidates)
    for source, predicted in sources:
        found = _by_keys(predicted, match, key_index)
        if found:
            out.append((source, found, Link("business_key", BUSINESS_KEY_CONFIDENCE)))
            continue
        fuzzy = _by_fuzzy(predicted, match, blocks)
        if fuzzy is not None:
            targets, score = fuzzy
            out.append((source, targets, Link("fuzzy", round(score / 100, 3))))
    return out


def _key_values(record: Mapping[str, Any], key: Mapping[str, str]) -> tuple[str, ...] | None:
    values = []
    for path, normalizer in key.items():
        value = NORMALIZERS[normalizer](get_path(dict(record), path))
        if value is None:
            return None
        values.append(value)
    return tuple(values)


def _key_index(
    key: Mapping[str, str], candidates: Sequence[Record]
) -> dict[tuple[str, ...], list[Record]]:
    index: dict[tuple[str, ...], list[Record]] = defaultdict(list)
    for target in candidates:
        values = _key_values(target.fields, key)
        if values is not None:
            index[values].append(target)
    return index


def _by_keys(
    predicted: dict[str, Any],
    match: MatchSpec,
    indexes: list[dict[tuple[str, ...], list[Record]]],
) -> tuple[Record, ...]:
    """The candidates of the first business key that finds any (in the spec's order)."""
    for key, index in zip(match.keys, indexes, strict=True):
        values = _key_values(predicted, key)
        if values is not None and index.get(values):
            return tuple(index[values])
    return ()


def _block_index(
    match: MatchSpec, candidates: Sequence[Record]
) -> dict[tuple[str, str], list[Record]]:
    index: dict[tuple[str, str], list[Record]] = defaultdict(list)
    if match.fuzzy is None:
        return index
    for target in candidates:
        for path in match.fuzzy.block:
            value = text_key(get_path(target.fields, path))
            if value is not None:
                index[(path, value)].append(target)
    return index


def _by_fuzzy(
    predicted: dict[str, Any],
    match: MatchSpec,
    blocks: dict[tuple[str, str], list[Record]],
) -> tuple[tuple[Record, ...], float] | None:
    """The best-scoring candidates sharing a block value, if they reach the threshold. The
    score is the name's token similarity, with a fifth of it for agreeing block fields."""
    fuzzy = match.fuzzy
    name = name_key(get_path(predicted, fuzzy.name)) if fuzzy else None
    if fuzzy is None or name is None:
        return None
    mine = {path: text_key(get_path(predicted, path)) for path in fuzzy.block}
    pool = {t.id: t for path, v in mine.items() if v for t in blocks.get((path, v), ())}
    scored: list[tuple[float, Record]] = []
    for target in pool.values():
        theirs = name_key(get_path(target.fields, fuzzy.name))
        if theirs is None:
            continue
        similarity = fuzz.token_sort_ratio(name, theirs)
        agree = sum(1 for p, v in mine.items() if v and v == text_key(get_path(target.fields, p)))
        score = round(0.8 * similarity + 20 * agree / len(fuzzy.block), 1)
        if similarity >= fuzzy.threshold:
            scored.append((score, target))
    if not scored:
        return None
    best = max(score for score, _ in scored)
    return tuple(t for score, t in scored if score == best), best
