"""The frozen data-quality profile of one object in one system; renderers live apart."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

IssueKind = Literal[
    "missing_value", "invalid_format", "inconsistent_format", "overlong_value", "duplicate"
]
FORMAT_KINDS = ("invalid_format", "inconsistent_format")


@dataclass(frozen=True)
class Issue:
    """One finding on one record's field (a duplicate names its cluster's first record)."""

    kind: IssueKind
    record_id: str
    field: str
    detail: str
    value: str | None = None


@dataclass(frozen=True)
class FieldProfile:
    name: str
    type: str
    length: int | None  # the system's own limit (describe)
    required: bool
    semantic: str  # email, phone, country, postal_code, url, date, text, other
    filled: int
    completeness: float
    distinct: int
    expected: bool  # required, or filled on most records: a blank is a finding
    checked: int = 0  # non-blank values a format rule applied to
    invalid: int = 0
    inconsistent: int = 0
    dominant_style: str | None = None
    styles: dict[str, int] = field(default_factory=dict)
    limit: int | None = None  # the target's limit (mapping), else the system's own
    over_limit: int = 0
    max_seen: int = 0
    length_outliers: int = 0  # values far longer than the field's usual (beyond Q3 + 3 IQR)

    @property
    def conformity(self) -> float:
        return 1.0 if not self.checked else 1 - (self.invalid + self.inconsistent) / self.checked


@dataclass(frozen=True)
class DuplicateGroup:
    record_ids: tuple[str, ...]
    names: tuple[str, ...]
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ProfileReport:
    system: str
    vendor: str
    object: str
    records: int
    fields: tuple[FieldProfile, ...]
    issues: tuple[Issue, ...]
    duplicates: tuple[DuplicateGroup, ...]
    dimensions: dict[str, float]  # completeness, validity, uniqueness, length: 0-1
    score: float  # weighted mean of the dimensions, 0-1
    generated_at: str

    @property
    def no_evidence(self) -> bool:
        """Zero records read: the score proves nothing, so it is never a pass."""
        return self.records == 0

    def issue_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for issue in self.issues:
            counts[issue.kind] = counts.get(issue.kind, 0) + 1
        return dict(sorted(counts.items()))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["issue_counts"] = self.issue_counts()
        data["no_evidence"] = self.no_evidence
        for fp, raw in zip(self.fields, data["fields"], strict=True):
            raw["conformity"] = round(fp.conformity, 6)
        return data
