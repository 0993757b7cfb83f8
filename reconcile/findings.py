"""What the records a pairing left unpaired say: sources with several equally good targets
(ambiguous), sources without a target (missing), targets no source claims (unexpected) and
external ids carried by several targets (duplicates). Pure, except for the probe a caller
may pass to ask the source about records it no longer shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reconcile.cascade import Proposal
from reconcile.explain import SyncMemory, missing_cause, unexpected_cause
from reconcile.match import Pairing
from reconcile.model import Finding
from reconcile.prepared import Prepared
from sync.connectors.base import Record
from sync.mapping import MappingSpec, get_path

# Which of these source ids the source still holds, read by id (not through its queries).
# For each source key asked: True when the source holds the record, False when it surely
# does not, None when its absence proves nothing (asked through a query index that may lag).
SourceProbe = Callable[[Sequence[str]], dict[str, bool | None]]
PROBE_CAP = 2_000  # source records asked by id per flow: a reconcile stays a few calls
AMBIGUOUS_CAUSE = "several equally good candidates: not paired"


def source_key(spec: MappingSpec, record: Record) -> str:
    """The key a source record is reported under (its key field, else its id)."""
    return str(record.fields.get(spec.source_key) or record.id)


def external_id(spec: MappingSpec, record: Record) -> str | None:
    """The external id a target record carries, if any."""
    value = get_path(record.fields, spec.external_id_field)
    return None if value is None else str(value)


def ambiguous(spec: MappingSpec, proposals: Sequence[Proposal]) -> list[Finding]:
    """Sources left unpaired because several targets fit them equally well."""
    findings = []
    for proposal in proposals:
        key = source_key(spec, proposal.source)
        ids = tuple(t.id for t in proposal.targets)
        detail = f"{proposal.link.matched_by} candidates: {', '.join(ids)}" + (
            " (also wanted by another source)" if proposal.contested else ""
        )
        findings.append(
            Finding("ambiguous", key, None, key, AMBIGUOUS_CAUSE, detail, candidates=ids)
        )
    return findings


def missing(
    spec: MappingSpec, sources: Sequence[Record], prepared: Prepared, memory: SyncMemory
) -> tuple[list[Finding], int]:
    """Sources without a target, and how many of them are held back (in quarantine, or with
    a mapping issue that would put them there)."""
    findings, held_back = [], 0
    for src in sources:
        key = source_key(spec, src)
        issues = [i.message for i in prepared.mapped(src).issues]
        held = memory.quarantine.get(key)
        held_back += held is not None or bool(issues)
        detail = held.message if held is not None else "; ".join(issues) or "no target record"
        cause = missing_cause(src, key, memory, issues)
        findings.append(Finding("missing_in_target", key, None, key, cause, detail))
    return findings, held_back


def unexpected(
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
        ext = external_id(spec, tgt)
        findings.append(Finding("unexpected_in_target", source_id, tgt.id, ext, cause, detail))
    return findings


def duplicates(pairing: Pairing) -> list[Finding]:
    """One finding per external id several targets carry, naming an extra record (not the
    one the source is paired, and compared, with)."""
    paired = {tgt.id for _src, tgt in pairing.pairs}
    findings = []
    for ext, dupes in pairing.duplicates.items():
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
    return findings


__all__ = [
    "AMBIGUOUS_CAUSE",
    "PROBE_CAP",
    "SourceProbe",
    "ambiguous",
    "duplicates",
    "external_id",
    "missing",
    "source_key",
    "unexpected",
]
