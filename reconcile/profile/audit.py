"""Score a profile against a ground-truth manifest (the defects a mock says it injected).

Findings and facts are compared as sets: (record id, field) for field defects, unordered
record-id pairs for duplicates, so a cluster of three is three pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from reconcile.profile.model import FORMAT_KINDS, ProfileReport

# Ground-truth kind -> the category a profile finding of it falls in.
TRUTH_CATEGORIES = {
    "missing_value": "missing",
    # A record without its parent (a contact without its account): a blank reference field.
    "orphan": "missing",
    "inconsistent_format": "format",
    "invalid_email": "format",
    "overlong_value": "overlong",
    "duplicate": "duplicates",
}
_FINDING_CATEGORIES = {"missing_value": "missing", "overlong_value": "overlong"} | {
    k: "format" for k in FORMAT_KINDS
}


@dataclass(frozen=True)
class CategoryScore:
    expected: int
    found: int
    true_positives: int

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "found": self.found,
            "true_positives": self.true_positives,
            "recall": round(self.recall, 6),
            "precision": round(self.precision, 6),
        }


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, ...]]:
    return {tuple(sorted(p)) for g in groups for p in combinations(sorted(set(g)), 2)}


def score_audit(
    report: ProfileReport, facts: Iterable[Mapping[str, Any]]
) -> dict[str, CategoryScore]:
    """Recall and precision of the profile per category: missing, format, overlong, duplicates."""
    truth: dict[str, set[tuple[str, ...]]] = {c: set() for c in set(TRUTH_CATEGORIES.values())}
    clusters = []
    for fact in facts:
        category = TRUTH_CATEGORIES.get(str(fact.get("kind")))
        if category is None or "record_id" not in fact:
            continue
        if category == "duplicates":
            clusters.append(fact.get("cluster_record_ids") or [])
        else:
            truth[category].add((str(fact["record_id"]), str(fact["vendor_field"])))
    truth["duplicates"] = _pairs(clusters)
    found: dict[str, set[tuple[str, ...]]] = {c: set() for c in truth}
    for issue in report.issues:
        category = _FINDING_CATEGORIES.get(issue.kind)
        if category:
            found[category].add((issue.record_id, issue.field))
    found["duplicates"] = _pairs(g.record_ids for g in report.duplicates)
    return {
        c: CategoryScore(len(truth[c]), len(found[c]), len(truth[c] & found[c]))
        for c in sorted(truth)
    }
