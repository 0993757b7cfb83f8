"""Score a reconciliation against the mocks' ground truth: every drift the mocks injected
(see `mocks.drift`) must surface as exactly one finding, with the root cause that really
produced it, and nothing else may be reported.

Used by the ground-truth test and the Gherkin step library, and open to a team's own
scenarios: inject drift through `Sandbox.drift`, reconcile, then `score_findings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reconcile.model import Finding, FlowScore
from sync.mapping import MappingSpec

# drift kind -> (the finding kind it must surface as, the root cause that finding must name)
EXPECTED_CAUSES: dict[str, tuple[str, str]] = {
    "edit_value": ("different", "edited in target after the last sync"),
    "blank": ("different", "edited in target after the last sync"),
    "case_change": ("different", "edited in target after the last sync"),
    "truncate": ("different", "silently truncated by the target"),
    "delete": ("missing_in_target", "deleted in target after sync"),
    "orphan": ("unexpected_in_target", "no source record claims it"),
    "duplicate": ("duplicate", "several target records carry one external id"),
    "source_edit": ("different", "edited in source after the last sync read it (in flight)"),
}

Key = tuple[str, str]


@dataclass(frozen=True)
class TruthScore:
    """How a reconciliation's findings compare with the injected ground truth."""

    injected: int
    reported: int
    missed: tuple[Key, ...]  # injected, not reported
    spurious: tuple[Key, ...]  # reported, never injected
    misexplained: tuple[tuple[Key, str, str], ...]  # (where, drift kind, what was wrong)

    @property
    def recall(self) -> float:
        return 1 - len(self.missed) / self.injected if self.injected else 1.0

    @property
    def precision(self) -> float:
        return 1 - len(self.spurious) / self.reported if self.reported else 1.0


def fact_key(fact: Mapping[str, Any]) -> Key:
    """Where a drift fact must surface: (finding kind, record key). A source edit is keyed by
    the source record's id, a target record by its external id, an orphan by its own id."""
    kind = EXPECTED_CAUSES[fact["drift"]][0]
    if fact["drift"] == "source_edit" or kind == "unexpected_in_target":
        return kind, str(fact["id"])
    return kind, str(fact["external_id"])


def finding_key(finding: Finding) -> Key:
    if finding.kind == "unexpected_in_target":
        return finding.kind, str(finding.target_id)
    return finding.kind, str(finding.external_id)


def score_findings(
    flow: FlowScore, facts: Iterable[Mapping[str, Any]], spec: MappingSpec
) -> TruthScore:
    """Compare `flow`'s findings with drift `facts` (other ground truth is ignored)."""
    injected = {fact_key(f): f for f in facts if f.get("kind") == "drift"}
    found = {finding_key(f): f for f in flow.findings}
    misexplained = []
    for key in sorted(set(injected) & set(found)):
        problem = _misexplained(injected[key], found[key], spec)
        if problem:
            misexplained.append((key, str(injected[key]["drift"]), problem))
    return TruthScore(
        injected=len(injected),
        reported=len(flow.findings),
        missed=tuple(sorted(set(injected) - set(found))),
        spurious=tuple(sorted(set(found) - set(injected)))
        + _repeated(finding_key(f) for f in flow.findings),
        misexplained=tuple(misexplained),
    )


def _misexplained(fact: Mapping[str, Any], finding: Finding, spec: MappingSpec) -> str:
    cause = EXPECTED_CAUSES[fact["drift"]][1]
    causes = [finding.root_cause, *(d.cause for d in finding.diffs)]
    wrong = [c for c in causes if not c.startswith(cause)]
    if wrong:
        return f"blamed {wrong[0]!r}, not {cause!r}"
    paths = [d.path for d in finding.diffs]
    field = fact.get("field")
    if fact["drift"] == "source_edit":
        allowed = _targets_reading(spec, str(field))
        if not paths or not set(paths) <= allowed:
            return f"differs on {paths}, expected some of {sorted(allowed)}"
    elif field is not None and paths != [field]:
        return f"differs on {paths}, expected [{field!r}]"
    if fact["drift"] == "duplicate" and finding.target_id != fact["id"]:
        return f"names {finding.target_id} as the duplicate, not {fact['id']}"
    return ""


def _targets_reading(spec: MappingSpec, source_field: str) -> set[str]:
    return {rule.target for rule in spec.fields if source_field in rule.reads}


def _repeated(keys: Iterable[Key]) -> tuple[Key, ...]:
    seen: set[Key] = set()
    twice: list[Key] = []
    for key in keys:
        if key in seen:
            twice.append(key)
        seen.add(key)
    return tuple(twice)
