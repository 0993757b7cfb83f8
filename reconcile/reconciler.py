"""Reconcile one flow: snapshot both sides, pair, predict, compare, explain, score."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reconcile import findings as unpaired
from reconcile.cascade import Link
from reconcile.compare import FieldRuleView, compare_rules, differing_paths
from reconcile.explain import MISSED_CAUSES, SyncMemory, field_cause, missing_cause, source_change
from reconcile.findings import SourceProbe
from reconcile.match import Pairing, pair_records
from reconcile.model import FieldDiff, FieldScore, Finding, FlowScore
from reconcile.prepared import Prepared
from reconcile.reading import ProgressFn, snapshot_both
from reconcile.verdict import build_report, judge
from sync.connectors.base import Connector, Record
from sync.explode import explode
from sync.hashing import content_hash
from sync.mapping import MappedRecord, MappingSpec, get_path
from sync.state import CrosswalkEntry, QuarantineEntry

if TYPE_CHECKING:
    from reconcile.columnar.pairs import ColumnarOptions, PairVerdict

# Pairs found without an id: the target lacks the external id, so the sync did not create it
# (or lost the link) and its next upsert would create a duplicate.
UNLINKED_CAUSE = {
    "business_key": "linked by business key only: the target lacks the external id",
    "fuzzy": "linked by fuzzy match only: the target lacks the external id",
}
EXPLAIN_SAMPLE = 25  # deepdiff is ~1 ms a pair: explain a sample, never the whole population


def reconcile_flow(
    name: str,
    spec: MappingSpec,
    source: Connector,
    target: Connector,
    *,
    memory: SyncMemory | None = None,
    progress: ProgressFn | None = None,
    columnar: ColumnarOptions | None = None,
) -> FlowScore:
    """Snapshot both sides read-only and score them (`compare_snapshots`). The two
    snapshots are read side by side: two vendors' round trips need not wait on each other."""
    memory = memory or SyncMemory()
    # Imported here, as in `compare_snapshots`: the columnar engine loads DuckDB.
    from reconcile.columnar.pairs import ColumnarOptions

    columnar = columnar or ColumnarOptions()
    prepared = Prepared(spec, compare_rules(spec), memory.refs, limit=columnar.threshold)
    sources, targets = snapshot_both(
        (source, spec.source.object, spec.source_fields), (target, spec.target.object, None),
        progress, prepared,
    )  # fmt: skip
    sources, targets = flow_scope(spec, sources, targets)
    probe = _probe(spec, source, sources)
    return compare_snapshots(name, spec, sources, targets, memory, columnar=columnar,
                             probe=probe, prepared=prepared)  # fmt: skip


def _probe(spec: MappingSpec, source: Connector, sources: dict[str, Record]) -> SourceProbe:
    """Asks the source which of some source keys it still holds: by the records' own ids
    (a direct read, past any lag of the query index) when the flow keys sources by id, so an
    absence means deleted; else by the key field as an external id, through the vendor's
    query, where an absence may only be lag and proves nothing."""
    sample = next(iter(sources.values()), None)
    by_id = sample is None or str(sample.fields.get(spec.source_key) or sample.id) == sample.id
    obj = spec.source.object

    def probe(keys: Sequence[str]) -> dict[str, bool | None]:
        if by_id:
            found = set(source.get_by_ids(obj, keys, fields=[]))
            return {k: k in found for k in keys}
        found = set(source.get_by_external_id(obj, spec.source_key, keys, fields=[]))
        return {k: True if k in found else None for k in keys}

    return probe


def flow_scope(
    spec: MappingSpec, sources: dict[str, Record], targets: dict[str, Record]
) -> tuple[dict[str, Record], dict[str, Record]]:
    """The records the flow answers for: exploded source rows (stock per location), the
    target subset the mapping scopes (`target.scope`), and for an update-only flow only
    linked sources and the targets they name (other targets are not the flow's)."""
    if spec.source.explode is not None:
        sources = {r.id: r for r in explode(spec, list(sources.values()))}
    if spec.segment is not None:
        sources, targets = _segment_scope(spec, sources, targets)
    if spec.target.scope:
        targets = {
            k: t for k, t in targets.items()
            if all(_same_text(get_path(t.fields, p), v) for p, v in spec.target.scope.items())
        }  # fmt: skip
    if spec.target.update_only:
        sources = {
            k: s for k, s in sources.items() if s.fields.get(spec.source_key) not in (None, "")
        }
        keys = {str(s.fields[spec.source_key]) for s in sources.values()}
        targets = {
            k: t for k, t in targets.items()
            if str(get_path(t.fields, spec.external_id_field)) in keys
        }  # fmt: skip
    return sources, targets


def _segment_scope(
    spec: MappingSpec, sources: dict[str, Record], targets: dict[str, Record]
) -> tuple[dict[str, Record], dict[str, Record]]:
    """A rollout phase's share of the flow: its segment's sources, and every target but those
    linked to a source outside the segment (another phase's records)."""
    segment = spec.segment
    assert segment is not None
    kept, others = {}, set()
    for key, record in sources.items():
        source_id = str(record.fields.get(spec.source_key) or key)
        if segment.holds(source_id, record.fields):
            kept[key] = record
        else:
            others.add(source_id)
    targets = {k: t for k, t in targets.items()
               if str(get_path(t.fields, spec.external_id_field)) not in others}  # fmt: skip
    return kept, targets


def _same_text(value: Any, wanted: Any) -> bool:
    return value is not None and str(value) == str(wanted)


def compare_snapshots(
    name: str,
    spec: MappingSpec,
    sources: dict[str, Record],
    targets: dict[str, Record],
    memory: SyncMemory,
    *,
    columnar: ColumnarOptions | None = None,
    probe: SourceProbe | None = None,
    prepared: Prepared | None = None,
) -> FlowScore:
    """Score two snapshots through the mapping; pure, so it is testable without servers.
    `prepared` holds the records' mappings and signatures worked out while they were read.

    From `columnar.threshold` matched pairs (reconcile.columnar.pairs.COLUMNAR_THRESHOLD by
    default) the equal pairs are found by the columnar engine in DuckDB instead of one
    signature per pair in Python; the findings are the same either way."""
    rules = compare_rules(spec)
    prepared = prepared or Prepared(spec, rules, memory.refs)
    # Imported here: the columnar engine loads DuckDB, which only a comparison needs.
    from reconcile.columnar.pairs import ColumnarOptions, PairVerdict, judge_pairs

    columnar = columnar or ColumnarOptions()
    pairing = pair_records(
        sources,
        targets,
        source_key=spec.source_key,
        external_id_path=spec.external_id_field,
        memory=memory,
        match=spec.match,
        # Mapped as the records were read, below the columnar engine's volumes (`Prepared`
        # keeps nothing past them); the cascade predicts only the few unpaired sources (and
        # the paired ones when it finds a candidate).
        predict=lambda record: prepared.mapped(record).payload,
    )
    tally = _Tally(spec, rules, memory, prepared)
    verdicts = None
    if columnar.applies(len(pairing.pairs)):
        verdicts = judge_pairs(spec, rules, pairing.pairs, columnar, refs=memory.refs)
    for index, (src, tgt) in enumerate(pairing.pairs):
        link = pairing.links[src.id]
        if verdicts is None:
            mapped, same = prepared.judged(src, tgt)
            flags = tuple(f"{flag.code} {flag.target}" for flag in mapped.flags)
            tally.pair(src, tgt, link, PairVerdict(mapped.ok, flags, same), mapped)
        else:  # the engine kept no payload: `pair` maps an unequal pair again
            tally.pair(src, tgt, link, verdicts[index])
    tally.findings += unpaired.ambiguous(spec, pairing.ambiguous)
    missing, held_back = unpaired.missing(spec, pairing.missing, prepared, memory)
    tally.findings += missing
    tally.quarantined += held_back
    tally.findings += unpaired.unexpected(spec, pairing.unexpected, memory, probe)
    tally.findings += unpaired.duplicates(pairing)
    return _score(name, spec, sources, targets, pairing, tally)


class _Tally:
    """What a compare's matched pairs add up to, one pair at a time (`pair`), and the
    findings the rest of the pairing adds."""

    def __init__(
        self, spec: MappingSpec, rules: Sequence[FieldRuleView], memory: SyncMemory,
        prepared: Prepared,
    ) -> None:  # fmt: skip
        self.spec, self.rules, self.memory, self.prepared = spec, rules, memory, prepared
        self.findings: list[Finding] = []
        self.field_equal: Counter[str] = Counter()
        self.all_equal = 0  # pairs equal in every field: counted per field by `_score`
        self.equal = 0
        self.quarantined = 0
        self.explanations: list[str] = []
        self.flags: Counter[str] = Counter()
        self.lags: list[float] = []

    def pair(self, src: Record, tgt: Record, link: Link, verdict: PairVerdict,
             mapped: MappedRecord | None = None) -> None:  # fmt: skip
        """Judge one matched pair: equal (with its sync lag) or a finding. `mapped` is the
        source's mapping when it was kept (not by the columnar engine): made again if needed."""
        key = unpaired.source_key(self.spec, src)
        unlinked = link.matched_by in UNLINKED_CAUSE
        self.flags.update(verdict.flags)
        held = self.memory.quarantine.get(key)
        self.quarantined += held is not None or not verdict.ok
        entry = self.memory.crosswalk.get(key)
        if not unlinked and verdict.same:
            self.all_equal += 1
            self._equal(entry)
            return
        mapped = mapped if mapped is not None else self.prepared.mapped(src)
        diffs = differing_paths(mapped.payload, tgt.fields, self.rules)
        different = {rule.path for rule, _, _ in diffs}
        self.field_equal.update(r.path for r in self.rules if r.path not in different)
        if not diffs and mapped.ok and not unlinked:  # tolerant numeric rules: equal after all
            self._equal(entry)
            return
        finding = self._finding(key, src, tgt, link, mapped, diffs, held, entry)
        self.findings.append(finding)
        if len(self.explanations) < EXPLAIN_SAMPLE and finding.diffs:
            self.explanations.append(_explain(key, finding.diffs))

    def _equal(self, entry: CrosswalkEntry | None) -> None:
        self.equal += 1
        self.lags += _sync_lag(entry, self.memory.live_since)

    def _finding(
        self, key: str, src: Record, tgt: Record, link: Link, mapped: MappedRecord,
        diffs: list[tuple[FieldRuleView, Any, Any]], held: QuarantineEntry | None,
        entry: CrosswalkEntry | None,
    ) -> Finding:  # fmt: skip
        """A pair that differs (or is linked without the external id), with each field's
        cause and the pair's."""
        changed = source_change(src, entry, content_hash(mapped.payload), self.memory)
        field_diffs = tuple(
            FieldDiff(rule.path, exp, act,
                      field_cause(exp, act, src, tgt, entry, held, rule.path, changed))
            for rule, exp, act in diffs
        )  # fmt: skip
        if not mapped.ok:
            cause = missing_cause(src, key, self.memory, [i.message for i in mapped.issues])
            detail = "; ".join(i.message for i in mapped.issues)
        else:
            causes = Counter(d.cause for d in field_diffs).most_common(1)
            cause = causes[0][0] if causes else ""  # no diff: an unlinked pair, named below
            detail = ", ".join(d.path for d in field_diffs)
        unlinked = link.matched_by in UNLINKED_CAUSE
        if unlinked:
            cause = UNLINKED_CAUSE[link.matched_by]
            differs = f"; differs: {detail}" if detail else ""
            detail = f"confidence {link.confidence:.2f}{differs}"
        return Finding(
            "unlinked" if unlinked else "different", key, tgt.id,
            unpaired.external_id(self.spec, tgt) if unlinked else key, cause, detail,
            field_diffs, matched_by=link.matched_by, confidence=link.confidence,
        )  # fmt: skip


def _score(
    name: str, spec: MappingSpec, sources: dict[str, Record], targets: dict[str, Record],
    pairing: Pairing, tally: _Tally,
) -> FlowScore:  # fmt: skip
    """The flow's score from its pairing and what its records added up to."""
    found = sorted(tally.findings, key=lambda f: (f.kind, f.source_id or "", f.target_id or ""))
    compared: Counter[str] = Counter()
    equal = Counter(tally.field_equal)
    for rule in tally.rules:
        compared[rule.path] += len(pairing.pairs)
        equal[rule.path] += tally.all_equal
    extra = sum(len(dupes) - 1 for dupes in pairing.duplicates.values())
    lags = tally.lags
    return FlowScore(
        flow=name,
        source_object=spec.source.object,
        target_object=spec.target.object,
        source_records=len(sources),
        target_records=len(targets),
        matched=len(pairing.pairs),
        equal=tally.equal,
        different=sum(1 for f in found if f.kind == "different"),
        missing_in_target=len(pairing.missing),
        unexpected_in_target=len(pairing.unexpected),
        duplicates=len(pairing.duplicates),
        quarantined=tally.quarantined,
        fields_compared=sum(compared.values()),
        fields_equal=sum(equal.values()),
        fields=tuple(FieldScore(r.path, compared[r.path], equal[r.path]) for r in tally.rules),
        root_causes=dict(Counter(f.root_cause for f in found).most_common()),
        findings=tuple(found),
        explanations=tuple(tally.explanations),
        policy_flags=dict(sorted(tally.flags.items())),
        matched_by=dict(Counter(link.matched_by for link in pairing.links.values())),
        unlinked=sum(1 for f in found if f.kind == "unlinked"),
        ambiguous=len(pairing.ambiguous),
        completeness=len(pairing.pairs) / len(sources) if sources else 1.0,
        uniqueness=1 - extra / len(targets) if targets else 1.0,
        missed_changes=sum(1 for f in found if f.root_cause in MISSED_CAUSES),
        lag_changes=len(lags),
        lag_median_seconds=_percentile(lags, 0.5),
        lag_p95_seconds=_percentile(lags, 0.95),
    )


def _sync_lag(entry: CrosswalkEntry | None, live_since: datetime | None) -> list[float]:
    """Sync lag of an equal pair: seconds from the source change the sync last carried to the
    sync writing it, from the sync's own record of that write (the crosswalk row written with
    its audit row). Nothing to time (an empty list) without that record, or for a change made
    before the flow first ran live: an initial load measures a backlog, not a lag."""
    if entry is None or entry.source_modified_at is None or live_since is None:
        return []
    if entry.source_modified_at < live_since:
        return []
    return [max(0.0, (entry.synced_at - entry.source_modified_at).total_seconds())]


def _percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (a value that occurred), None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _explain(key: str, diffs: tuple[FieldDiff, ...]) -> str:
    expected = {d.path: d.expected for d in diffs}
    actual = {d.path: d.actual for d in diffs}
    # Imported here: deepdiff pulls in pandas and polars, a second that only a comparison needs.
    from deepdiff import DeepDiff

    text = DeepDiff(expected, actual, verbose_level=2).pretty()
    return f"{key}: {text}"


__all__ = [
    "build_report",
    "compare_snapshots",
    "judge",
    "reconcile_flow",
]
