"""The soak's day-by-day timeline, the breaches it shows and the verdict.

A day passes when every flow passed every limit that day: its scheduled runs succeeded,
its reconcile checks held, its lag p95 stayed under the limit, its open quarantine did not
grow, the share of its calls a vendor refused (429 or 5xx) stayed under the limit, and no
vendor's daily allowance was overspent. The soak is GO only when every day passed and the
incident's records are all accounted for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "Accounting",
    "Breach",
    "DayRow",
    "FlowDay",
    "SoakLimits",
    "Timeline",
    "flow_breaches",
]


@dataclass(frozen=True)
class SoakLimits:
    """What a day must hold to pass (the reconcile's own checks come from harness.yaml)."""

    max_lag_p95_seconds: float = 8 * 3600.0
    max_error_rate: float = 0.02  # share of a flow's calls answered 429 or 5xx
    max_quarantine_growth: int = 0
    max_allowance_share: float = 1.0  # of each vendor's daily allowance


@dataclass(frozen=True)
class FlowDay:
    """One flow on one simulated day."""

    flow: str
    runs: int
    failed_runs: int
    written: int
    record_accuracy: float | None
    field_accuracy: float | None
    lag_p95_seconds: float | None
    lag_changes: int
    open_quarantine: int
    new_quarantine: int
    errors: int  # failed runs + answers refused by a vendor during its runs
    error_rate: float
    api_calls: dict[str, int]  # vendor -> calls its runs made
    failed_checks: tuple[str, ...] = ()
    breaches: tuple[str, ...] = ()


@dataclass(frozen=True)
class DayRow:
    day: int
    date: str
    month_end: bool
    incident: str | None
    churn: dict[str, int]
    flows: tuple[FlowDay, ...]
    api_calls: dict[str, int]  # vendor -> the integration's calls (syncs, reconcile, profile)
    allowance: dict[str, int | None]  # vendor -> daily allowance
    profiles: dict[str, dict[str, Any]]  # system -> records, score, issues
    wall_seconds: float
    day_breaches: tuple[str, ...] = ()
    phases: dict[str, float] = field(default_factory=dict)  # real seconds by phase

    @property
    def passed(self) -> bool:
        return not self.day_breaches and all(not f.breaches for f in self.flows)

    def allowance_share(self, vendor: str) -> float | None:
        allowed = self.allowance.get(vendor)
        return None if not allowed else self.api_calls.get(vendor, 0) / allowed


@dataclass(frozen=True)
class Breach:
    day: int
    date: str
    flow: str
    reason: str

    def line(self) -> str:
        return f"day {self.day} ({self.date}), {self.flow}: {self.reason}"


@dataclass(frozen=True)
class Accounting:
    """Where each record the churn touched on the incident day ended up."""

    day: int
    touched: int
    synced: dict[str, int] = field(default_factory=dict)  # day synced -> records
    quarantined: dict[str, int] = field(default_factory=dict)  # reason -> records
    deleted: int = 0  # changes to records the business then deleted (its delete included)
    unaccounted: tuple[str, ...] = ()  # "flow source_id"

    @property
    def complete(self) -> bool:
        return not self.unaccounted


@dataclass(frozen=True)
class Timeline:
    crm: str
    erp: str
    accounts: int
    seed: int
    cadence_hours: float
    limits: SoakLimits
    days: tuple[DayRow, ...]
    incident: str | None = None
    accounting: Accounting | None = None
    wall_seconds: float = 0.0
    go_live_seconds: float = 0.0

    def breaches(self) -> list[Breach]:
        out = []
        for row in self.days:
            out += [Breach(row.day, row.date, "(all)", r) for r in row.day_breaches]
            for f in row.flows:
                out += [Breach(row.day, row.date, f.flow, r) for r in f.breaches]
        return out

    @property
    def go(self) -> bool:
        accounted = self.accounting is None or self.accounting.complete
        return bool(self.days) and all(d.passed for d in self.days) and accounted

    def reasons(self) -> list[str]:
        out = [b.line() for b in self.breaches()]
        if not self.days:
            out.append("no simulated day ran: no evidence")
        acc = self.accounting
        if acc is not None and not acc.complete:
            shown = ", ".join(acc.unaccounted[:10])
            out.append(
                f"incident day {acc.day}: {len(acc.unaccounted)} record(s) neither "
                f"synced nor quarantined: {shown}"
            )
        return out

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = "GO" if self.go else "NO-GO"
        data["reasons"] = self.reasons()
        for row, raw in zip(self.days, data["days"], strict=True):
            raw["passed"] = row.passed
        return data


def flow_breaches(flow: FlowDay, limits: SoakLimits, quarantine_before: int) -> tuple[str, ...]:
    """Why `flow` failed its day (empty: it passed)."""
    out: list[str] = []
    if flow.failed_runs:
        out.append(f"{flow.failed_runs} of {flow.runs} scheduled run(s) failed")
    if flow.failed_checks:
        out.append("reconcile check(s) failed: " + ", ".join(flow.failed_checks))
    lag = flow.lag_p95_seconds
    if lag is not None and lag > limits.max_lag_p95_seconds:
        out.append(f"lag p95 {lag / 3600:.1f} h over {limits.max_lag_p95_seconds / 3600:.1f} h")
    growth = flow.open_quarantine - quarantine_before
    if growth > limits.max_quarantine_growth:
        out.append(f"open quarantine grew by {growth} (to {flow.open_quarantine})")
    if flow.error_rate > limits.max_error_rate:
        out.append(
            f"{flow.errors} error(s): {flow.error_rate:.1%} of its calls refused by a"
            f" vendor (limit {limits.max_error_rate:.0%})"
        )
    return tuple(out)


def allowance_breaches(
    api_calls: Mapping[str, int], allowance: Mapping[str, int | None], limits: SoakLimits
) -> tuple[str, ...]:
    out = []
    for vendor, calls in sorted(api_calls.items()):
        allowed = allowance.get(vendor)
        if allowed and calls > allowed * limits.max_allowance_share:
            out.append(f"{vendor}: {calls:,} API calls, over its daily allowance of {allowed:,}")
    return tuple(out)


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def p95(values: Sequence[float]) -> float | None:
    """The nearest-rank 95th percentile (a value that occurred), None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
