"""One simulated day's evidence: what each flow did, what the reconcile and the profiles
found, and the incident's accounting at the end of the soak."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from harness.api.profiling import run_profile
from harness.sandbox import Sandbox
from harness.sandbox.pairs import SHIPPED
from harness.scheduler import RunOutcome
from harness.soak.churn import Ledger
from harness.soak.meter import Usage
from harness.soak.plan import KINDS, DayPlan
from harness.soak.timeline import (
    Accounting,
    DayRow,
    FlowDay,
    SoakLimits,
    allowance_breaches,
    flow_breaches,
    p95,
    ratio,
)
from mocks.faults import PlanError, load_plan
from reconcile.model import ReconcileReport
from sync.connectors import connector_pack
from sync.errors import ConfigError, SyncError
from sync.state import StateStore

__all__ = ["DayProbe", "Incident", "account_incident", "day_row"]

FAULTS_DIR = SHIPPED.parent / "faults"
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Incident:
    """A fault plan on the ERP mock for one simulated day: `plan` is a name from
    fixtures/faults/ (`rate_limit_storm`) or a YAML file's path."""

    day: int
    plan: str

    @classmethod
    def parse(cls, text: str) -> Incident:
        """`DAY:PLAN`, as `--incident 9:rate_limit_storm` gives it."""
        day, sep, plan = text.partition(":")
        if not sep or not day.strip().isdecimal() or not plan.strip():
            raise ConfigError(
                f"--incident {text!r}: expected DAY:PLAN, e.g. 9:rate_limit_storm", key="--incident"
            )
        incident = cls(int(day), plan.strip())
        # Refuse an unknown or invalid plan before any mock starts, not on the incident's day.
        try:
            load_plan(incident.path())
        except PlanError as exc:
            raise ConfigError(str(exc), key="--incident") from exc
        return incident

    def path(self) -> Path:
        named = FAULTS_DIR / f"{self.plan}.yaml"
        for candidate in (Path(self.plan), named):
            if candidate.is_file():
                return candidate
        known = ", ".join(sorted(p.stem for p in FAULTS_DIR.glob("*.yaml")))
        raise ConfigError(
            f"no fault plan {self.plan!r}: name one of {known}, or give a file", key="--incident"
        )

    def load(self) -> dict[str, Any]:
        plan: dict[str, Any] = yaml.safe_load(self.path().read_text(encoding="utf-8"))
        return plan

    def describe(self) -> str:
        return f"day {self.day}: {self.plan} on the ERP"


class DayProbe:
    """Reads what a day left in the state store and the systems, per flow."""

    def __init__(self, box: Sandbox, names: Sequence[str], limits: SoakLimits) -> None:
        self.box, self.names, self.limits = box, list(names), limits
        self.live_since: datetime | None = None
        self.quarantine: dict[str, int] = {}
        self.profiles: dict[str, dict[str, Any]] = {}

    def start(self, at: datetime) -> None:
        """Go-live is over: lags count changes made from now on; quarantine grows from here."""
        self.live_since = at
        self.quarantine = self.open_quarantine()

    def open_quarantine(self) -> dict[str, int]:
        with StateStore(self.box.config.state_path) as state:
            return {n: len(state.quarantined(n, status="open")) for n in self.names}

    def lags(self, start: datetime) -> dict[str, list[float]]:
        """Per flow, seconds from each source change to the sync that carried it, for the
        changes carried during the day starting at `start` (crosswalk rows)."""
        out: dict[str, list[float]] = {}
        with StateStore(self.box.config.state_path) as state:
            for name in self.names:
                out[name] = [
                    # Never below 0: a source stamped ahead of the clock is not a lag.
                    max(0.0, (e.synced_at - e.source_modified_at).total_seconds())
                    for e in state.crosswalk_all(name).values()
                    if start <= e.synced_at < start + DAY
                    and e.source_modified_at is not None
                    and self.live_since is not None
                    and e.source_modified_at >= self.live_since
                ]
        return out

    def profile(self) -> None:
        """A data-quality profile of each system (the object its first flow reads)."""
        self.profiles = {}
        for system in sorted(self.box.config.systems):
            try:
                report, _ = run_profile(self.box.config, system, write=False)
            except (SyncError, ConfigError) as exc:
                self.profiles[system] = {"error": str(exc)}
                continue
            self.profiles[system] = {
                "object": report.object,
                "records": report.records,
                "score": round(report.score, 4),
                "issues": len(report.issues),
                "duplicates": len(report.duplicates),
            }


def day_row(
    probe: DayProbe,
    plan: DayPlan,
    report: ReconcileReport,
    outcomes: Sequence[RunOutcome],
    usage: Mapping[str, Usage],
    ledger: Ledger,
    incident: Any,
    wall_seconds: float,
) -> DayRow:
    """The day's timeline row, its breaches judged against the probe's limits."""
    lags = probe.lags(plan.start)
    quarantine = probe.open_quarantine()
    scores = {f.flow: f for f in report.flows}
    flows = []
    for name in probe.names:
        runs = [o for o in outcomes if o.flow == name]
        use = usage.get(name, Usage())
        failed = sum(1 for o in runs if o.status == "failed")
        errors = failed + use.total_errors
        score = scores.get(name)
        flow = FlowDay(
            flow=name,
            runs=len(runs),
            failed_runs=failed,
            written=sum(o.written for o in runs),
            record_accuracy=round(score.record_accuracy, 6) if score else None,
            field_accuracy=round(score.field_accuracy, 6) if score else None,
            lag_p95_seconds=p95(lags[name]),
            lag_changes=len(lags[name]),
            open_quarantine=quarantine[name],
            new_quarantine=max(0, quarantine[name] - probe.quarantine.get(name, 0)),
            errors=errors,
            error_rate=round(ratio(errors, use.total_calls), 4),
            api_calls=dict(use.calls),
            failed_checks=tuple(
                c.name for c in report.verdict.checks if c.flow == name and not c.ok
            ),
        )
        flows.append(_judged(flow, probe, score is None))
    probe.quarantine = quarantine
    return _row(probe, plan, tuple(flows), usage, ledger, incident, wall_seconds)


def _judged(flow: FlowDay, probe: DayProbe, unreconciled: bool) -> FlowDay:
    from dataclasses import replace

    reasons = flow_breaches(flow, probe.limits, probe.quarantine.get(flow.flow, 0))
    if unreconciled:
        reasons += ("not reconciled: no evidence",)
    return replace(flow, breaches=reasons)


def _row(
    probe: DayProbe,
    plan: DayPlan,
    flows: tuple[FlowDay, ...],
    usage: Mapping[str, Usage],
    ledger: Ledger,
    incident: Any,
    wall_seconds: float,
) -> DayRow:
    calls: Counter[str] = Counter()
    for consumer, use in usage.items():
        if not consumer.startswith("("):  # the business's users are not the integration
            calls.update(use.calls)
    vendors = [probe.box.mocks.crm.vendor.name, probe.box.mocks.erp.vendor.name]
    allowance = {v: _daily(v) for v in vendors}
    churn: dict[str, int] = {kind: plan.total(kind) for kind in KINDS}
    churn["refused"] = ledger.refused.get(plan.day, 0)
    return DayRow(
        day=plan.day,
        date=plan.date.isoformat(),
        month_end=plan.month_end,
        incident=incident.plan if incident is not None else None,
        churn=churn,
        flows=flows,
        api_calls={v: calls.get(v, 0) for v in vendors},
        allowance=allowance,
        profiles=dict(probe.profiles),
        wall_seconds=round(wall_seconds, 2),
        day_breaches=allowance_breaches(calls, allowance, probe.limits),
    )


def _daily(vendor: str) -> int | None:
    limits = connector_pack(vendor).limits
    return limits.daily_calls if limits is not None else None


def account_incident(box: Sandbox, ledger: Ledger, incident: Incident | None) -> Accounting | None:
    """Where every record the churn touched on the incident's day ended up: carried by its
    flow after the change (on which day), held in quarantine (with which reason), or
    deleted by the business; anything else is unaccounted for."""
    if incident is None:
        return None
    touched = ledger.on_day(incident.day)
    deleted = ledger.deleted()
    synced: Counter[str] = Counter()
    held: Counter[str] = Counter()
    lost: list[str] = []
    with StateStore(box.config.state_path) as state:
        walks = {t.flow: state.crosswalk_all(t.flow) for t in touched}
        quarantine = {(q.flow, q.source_id): q for q in state.quarantined(status="open")}
    gone = 0
    for touch in touched:
        entry = walks[touch.flow].get(touch.source_id)
        if (touch.flow, touch.source_id) in deleted:
            gone += 1  # the business removed it before any sync: nothing to carry
            continue
        if entry is not None and entry.synced_at >= touch.at:
            synced[entry.synced_at.date().isoformat()] += 1
        elif (touch.flow, touch.source_id) in quarantine:
            held[quarantine[(touch.flow, touch.source_id)].reason] += 1
        else:
            lost.append(f"{touch.flow} {touch.source_id}")
    return Accounting(
        incident.day, len(touched), dict(sorted(synced.items())), dict(held), gone, tuple(lost)
    )
