"""The frozen report model; renderers (JSON, Markdown) only read it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from reconcile.decision import describe_group, group_causes, owner_of

FindingKind = Literal[
    "different", "missing_in_target", "unexpected_in_target", "duplicate", "unlinked", "ambiguous"
]
# Version of the JSON document (fixtures/schemas/reconcile-report.schema.json): bump it when a
# key is removed or changes meaning; adding an optional key keeps it.
REPORT_SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class FieldDiff:
    path: str
    expected: Any  # what the mapping predicts from the source
    actual: Any  # what the target holds
    cause: str  # the root cause of this field's difference


@dataclass(frozen=True)
class Finding:
    """One record-level discrepancy with its explanation."""

    kind: FindingKind
    source_id: str | None
    target_id: str | None
    external_id: str | None
    root_cause: str
    detail: str
    diffs: tuple[FieldDiff, ...] = ()
    # How the record was paired (crosswalk, external_id, business_key, fuzzy) and how sure
    # that is (0-1); None where it was not paired (missing, unexpected, ambiguous).
    matched_by: str | None = None
    confidence: float | None = None
    candidates: tuple[str, ...] = ()  # ambiguous: the target ids it could not choose between


@dataclass(frozen=True)
class FieldScore:
    path: str
    compared: int
    equal: int

    @property
    def accuracy(self) -> float:
        return self.equal / self.compared if self.compared else 1.0


@dataclass(frozen=True)
class FlowScore:
    flow: str
    source_object: str
    target_object: str
    source_records: int
    target_records: int
    matched: int
    equal: int
    different: int
    missing_in_target: int
    unexpected_in_target: int
    duplicates: int
    quarantined: int  # source records held in quarantine (a subset of missing or different)
    fields_compared: int
    fields_equal: int
    fields: tuple[FieldScore, ...]
    root_causes: dict[str, int]
    findings: tuple[Finding, ...]  # every finding, sorted by kind then id
    explanations: tuple[str, ...] = ()  # deepdiff summaries of a capped sample of differences
    # Values the mapping's own policy dropped or truncated ("dropped phone": 3): not mismatches,
    # since the target holds what the mapping meant, but a data steward must see them.
    policy_flags: dict[str, int] = field(default_factory=dict)
    # Pairs per matching step (crosswalk, external_id, business_key, fuzzy). Pairs found by
    # business key or fuzzy similarity are `unlinked` findings: the target lacks the external
    # id, so the next upsert would duplicate it; they count as matched but never as equal.
    matched_by: dict[str, int] = field(default_factory=dict)
    unlinked: int = 0
    ambiguous: int = 0  # sources with several equally good candidates: never paired
    # Data-quality scores. completeness: share of source records present in the target, equal
    # or not; uniqueness: 1 - extra target records sharing an external id / target records;
    # lag: seconds from a source change to the sync writing it (the target agreeing), over
    # the equal pairs whose last change came after the flow first ran live; `lag_changes`
    # counts them (0: nothing to time, and the lags are None).
    completeness: float = 1.0
    uniqueness: float = 1.0
    lag_changes: int = 0
    # Source changes the sync should have carried and did not (missed by the incremental
    # read, or made without a stamp bump): a gate of their own, so none drowns in a GO.
    missed_changes: int = 0
    lag_median_seconds: float | None = None
    lag_p95_seconds: float | None = None

    @property
    def record_accuracy(self) -> float:
        return self.equal / self.source_records if self.source_records else 1.0

    @property
    def field_accuracy(self) -> float:
        return self.fields_equal / self.fields_compared if self.fields_compared else 1.0


@dataclass(frozen=True)
class Thresholds:
    """What GO requires; every check must hold (the defaults of a new harness.yaml)."""

    record_accuracy: float = 0.99
    field_accuracy: float = 0.995
    max_missing_in_target: int = 0
    max_unexpected_in_target: int = 0
    max_quarantined: int = 0
    # Optional checks: None means not checked.
    min_completeness: float | None = None
    min_uniqueness: float | None = None
    max_lag_p95_seconds: float | None = None
    # Flows whose source may be empty: no evidence is GO for them only (declared, never assumed).
    expect_empty: tuple[str, ...] = ()
    max_missed_changes: int = 0


@dataclass(frozen=True)
class Check:
    flow: str
    name: str
    value: float
    threshold: float
    ok: bool
    comparison: Literal[">=", "<="]
    unit: Literal["ratio", "count", "seconds"]

    def describe(self, value: float) -> str:
        if self.unit == "seconds":
            return f"{value:,.1f} s"
        return f"{value:.2%}" if self.unit == "ratio" else str(int(value))

    @property
    def reason(self) -> str:
        """Why this check fails, in one line (also said of a passing check, for a CI log)."""
        return (
            f"{self.flow}: {self.name} is {self.describe(self.value)}, needs {self.comparison} "
            f"{self.describe(self.threshold)}"
        )


@dataclass(frozen=True)
class Verdict:
    go: bool
    checks: tuple[Check, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(c.reason for c in self.checks if not c.ok)


@dataclass(frozen=True)
class SystemRef:
    """A system the reconcile read: its name in harness.yaml, vendor and URL (never a secret)."""

    name: str
    vendor: str
    url: str


@dataclass(frozen=True)
class JudgedRun:
    """The sync run whose result a flow's scores judge (the flow's latest run)."""

    flow: str
    run_id: str
    mode: str
    kind: str
    status: str
    finished_at: str | None


@dataclass(frozen=True)
class ReportContext:
    """What makes a scorecard a decision record: what was judged, where, by which harness,
    when and for how long. Filled by the harness; None for a report built from snapshots."""

    harness_version: str
    started_at: str
    seconds: float
    config: str
    systems: tuple[SystemRef, ...] = ()
    runs: tuple[JudgedRun, ...] = ()


@dataclass(frozen=True)
class ReconcileReport:
    generated_at: str
    flows: tuple[FlowScore, ...]
    thresholds: Thresholds
    verdict: Verdict
    meta: dict[str, Any] = field(default_factory=dict)
    context: ReportContext | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["schema_version"] = REPORT_SCHEMA_VERSION
        for flow_data, flow in zip(data["flows"], self.flows, strict=True):
            flow_data["record_accuracy"] = flow.record_accuracy
            flow_data["field_accuracy"] = flow.field_accuracy
            for field_data, fs in zip(flow_data["fields"], flow.fields, strict=True):
                field_data["accuracy"] = fs.accuracy
            flow_data["root_cause_groups"] = [
                {"cause": g.cause, "records": g.records, "summary": describe_group(g),
                 "parameters": dict(g.parameters)}
                for g in group_causes(flow.root_causes)
            ]  # fmt: skip
        data["verdict"]["verdict"] = "GO" if self.verdict.go else "NO-GO"
        data["verdict"]["reasons"] = list(self.verdict.reasons)
        for check_data, check in zip(data["verdict"]["checks"], self.verdict.checks, strict=True):
            ownership = owner_of(check.name)
            check_data["owner"], check_data["action"] = ownership.owner, ownership.action
        # Blank lines for the person who signs the decision (filled in the HTML or Markdown).
        data["sign_off"] = {"name": None, "role": None, "date": None, "decision": None}
        return data
