"""Reconcile one flow: snapshot both sides, pair, predict, compare, explain, score."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reconcile.compare import compare_rules, differing_paths
from reconcile.explain import (
    MISSED_CAUSES,
    SyncMemory,
    field_cause,
    missing_cause,
    source_change,
    unexpected_cause,
)
from reconcile.match import pair_records
from reconcile.model import FieldDiff, FieldScore, Finding, FlowScore
from reconcile.prepared import Prepared
from reconcile.reading import ProgressFn, snapshot_both
from reconcile.verdict import build_report, judge
from sync.connectors.base import Connector, Record
from sync.explode import explode
from sync.hashing import content_hash
from sync.mapping import MappingSpec, get_path
from sync.state import CrosswalkEntry

if TYPE_CHECKING:
    from reconcile.columnar.pairs import ColumnarOptions

# Which of these source ids the source still holds, read by id (not through its queries).
# For each source key asked: True when the source holds the record, False when it surely
# does not, None when its absence proves nothing (asked through a query index that may lag).
SourceProbe = Callable[[Sequence[str]], dict[str, bool | None]]
PROBE_CAP = 2_000  # source records asked by id per flow: a reconcile stays a few calls
# Pairs found without an id: the target lacks the external id, so the sync did not create it
# (or lost the link) and its next upsert would create a duplicate.
UNLINKED_CAUSE = {
    "business_key": "linked by business key only: the target lacks the external id",
    "fuzzy": "linked by fuzzy match only: the target lacks the external id",
}
AMBIGUOUS_CAUSE = "several equally good candidates: not paired"
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
    findings: list[Finding] = []
    field_equal: Counter[str] = Counter()
    field_compared: Counter[str] = Counter()
    all_equal = 0
    equal = 0
    quarantined = 0
    explanations: list[str] = []
    flags: Counter[str] = Counter()
    lags: list[float] = []

    verdicts: list[PairVerdict] | None = None
    if columnar.applies(len(pairing.pairs)):
        verdicts = judge_pairs(spec, rules, pairing.pairs, columnar, refs=memory.refs)
    for index, (src, tgt) in enumerate(pairing.pairs):
        key = _key(spec, src)
        link = pairing.links[src.id]
        unlinked = link.matched_by in ("business_key", "fuzzy")
        if verdicts is None:
            mapped, same = prepared.judged(src, tgt)
            verdict = PairVerdict(
                mapped.ok, tuple(f"{flag.code} {flag.target}" for flag in mapped.flags), same
            )
        else:
            verdict = verdicts[index]
        flags.update(verdict.flags)
        held = memory.quarantine.get(key)
        quarantined += held is not None or not verdict.ok
        if not unlinked and verdict.same:
            equal += 1
            all_equal += 1  # every field equal: counted per field after the loop
            lags += _sync_lag(memory.crosswalk.get(key), memory.live_since)
            continue
        if verdicts is not None:  # the engine kept no payload: map the few unequal pairs again
            mapped = prepared.mapped(src)
        expected = mapped.payload
        diffs = differing_paths(expected, tgt.fields, rules)
        different = {rule.path for rule, _, _ in diffs}
        for rule in rules:
            if rule.path not in different:
                field_equal[rule.path] += 1
        if not diffs and mapped.ok and not unlinked:  # tolerant numeric rules: equal after all
            equal += 1
            lags += _sync_lag(memory.crosswalk.get(key), memory.live_since)
            continue
        entry = memory.crosswalk.get(key)
        changed = source_change(src, entry, content_hash(expected), memory)
        field_diffs = tuple(
            FieldDiff(rule.path, exp, act,
                      field_cause(exp, act, src, tgt, entry, held, rule.path, changed))
            for rule, exp, act in diffs
        )  # fmt: skip
        if not mapped.ok:
            cause = missing_cause(src, key, memory, [i.message for i in mapped.issues])
            detail = "; ".join(i.message for i in mapped.issues)
        else:
            cause = Counter(d.cause for d in field_diffs).most_common(1)[0][0]
            detail = ", ".join(d.path for d in field_diffs)
        if unlinked:
            cause = UNLINKED_CAUSE[link.matched_by]
            detail = f"confidence {link.confidence:.2f}" + (
                f"; differs: {detail}" if detail else ""
            )
        findings.append(
            Finding(
                "unlinked" if unlinked else "different",
                key,
                tgt.id,
                _ext(spec, tgt) if unlinked else key,
                cause,
                detail,
                field_diffs,
                matched_by=link.matched_by,
                confidence=link.confidence,
            )
        )
        if len(explanations) < EXPLAIN_SAMPLE and field_diffs:
            explanations.append(_explain(key, field_diffs))

    for rule in rules:
        field_compared[rule.path] += len(pairing.pairs)
        field_equal[rule.path] += all_equal
    for proposal in pairing.ambiguous:
        key = _key(spec, proposal.source)
        ids = tuple(t.id for t in proposal.targets)
        findings.append(
            Finding(
                "ambiguous",
                key,
                None,
                key,
                AMBIGUOUS_CAUSE,
                f"{proposal.link.matched_by} candidates: {', '.join(ids)}"
                + (" (also wanted by another source)" if proposal.contested else ""),
                candidates=ids,
            )
        )
    for src in pairing.missing:
        key = _key(spec, src)
        mapped = prepared.mapped(src)
        issues = [i.message for i in mapped.issues]
        held = memory.quarantine.get(key)
        quarantined += held is not None or bool(issues)
        detail = held.message if held is not None else "; ".join(issues) or "no target record"
        cause = missing_cause(src, key, memory, issues)
        findings.append(Finding("missing_in_target", key, None, key, cause, detail))
    findings += _unexpected(spec, pairing.unexpected, memory, probe)
    paired = {tgt.id for _src, tgt in pairing.pairs}
    for ext, dupes in pairing.duplicates.items():
        # Name the extra record, not the one the source is paired (and compared) with.
        extras = [t.id for t in dupes if t.id not in paired] or [t.id for t in dupes[1:]]
        kept = next((t.id for t in dupes if t.id in paired), dupes[0].id)
        findings.append(
            Finding(
                "duplicate",
                ext,
                extras[0],
                ext,
                "several target records carry one external id",
                f"{', '.join(extras)} besides {kept}, which is paired with the source",
            )
        )

    extra = sum(len(dupes) - 1 for dupes in pairing.duplicates.values())
    findings.sort(key=lambda f: (f.kind, f.source_id or "", f.target_id or ""))
    return FlowScore(
        flow=name,
        source_object=spec.source.object,
        target_object=spec.target.object,
        source_records=len(sources),
        target_records=len(targets),
        matched=len(pairing.pairs),
        equal=equal,
        different=sum(1 for f in findings if f.kind == "different"),
        missing_in_target=len(pairing.missing),
        unexpected_in_target=len(pairing.unexpected),
        duplicates=len(pairing.duplicates),
        quarantined=quarantined,
        fields_compared=sum(field_compared.values()),
        fields_equal=sum(field_equal.values()),
        fields=tuple(
            FieldScore(r.path, field_compared[r.path], field_equal[r.path]) for r in rules
        ),
        root_causes=dict(Counter(f.root_cause for f in findings).most_common()),
        findings=tuple(findings),
        explanations=tuple(explanations),
        policy_flags=dict(sorted(flags.items())),
        matched_by=dict(Counter(link.matched_by for link in pairing.links.values())),
        unlinked=sum(1 for f in findings if f.kind == "unlinked"),
        ambiguous=len(pairing.ambiguous),
        completeness=len(pairing.pairs) / len(sources) if sources else 1.0,
        uniqueness=1 - extra / len(targets) if targets else 1.0,
        missed_changes=sum(1 for f in findings if f.root_cause in MISSED_CAUSES),
        lag_changes=len(lags),
        lag_median_seconds=_percentile(lags, 0.5),
        lag_p95_seconds=_percentile(lags, 0.95),
    )


def _unexpected(
    spec: MappingSpec, unpaired: Sequence[Record], memory: SyncMemory, probe: SourceProbe | None
) -> list[Finding]:
    """Target records no source of the snapshot pairs with. One whose crosswalked source is
    missing from the snapshot is asked of the source by id (capped): deleted there, or only
    not yet visible to its queries."""
    by_target = memory.target_ids  # built over the whole crosswalk: once
    claims = {t.id: by_target.get(t.id) for t in unpaired}
    asked = set(sorted({s for s in claims.values() if s is not None})[:PROBE_CAP])
    answers = probe(sorted(asked)) if probe is not None and asked else {}
    findings = []
    for tgt in unpaired:
        source_id = claims[tgt.id]
        still = answers.get(source_id) if source_id is not None else None
        cause = unexpected_cause(source_id, still)
        detail = ("created outside this flow, or by another integration" if source_id is None
                  else f"crosswalked from source record {source_id}")  # fmt: skip
        findings.append(
            Finding("unexpected_in_target", source_id, tgt.id, _ext(spec, tgt), cause, detail)
        )
    return findings


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


def _key(spec: MappingSpec, record: Record) -> str:
    return str(record.fields.get(spec.source_key) or record.id)


def _ext(spec: MappingSpec, record: Record) -> str | None:
    value = get_path(record.fields, spec.external_id_field)
    return None if value is None else str(value)


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
