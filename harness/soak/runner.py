"""`harness soak`: a sandbox lives through N simulated days on one mock clock.

Go-live first: the mocks start on the soak clock, seeded with the canonical world, and every
flow of the pair runs its initial load. Then each simulated day: the incident's fault plan
goes onto the ERP mock (on its day only), the Scheduler runs every flow on its cadence with
the soak clock as its clock and, as its sleep, the business at work (the day's churn made
at its planned times while simulated time passes), then the faults come off, a reconcile
and a profile of each system read the day's end state, retention prunes by the soak clock,
and the day becomes a timeline row. Every loop is bounded by the day count, the day's end
and the planned events.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from harness.config.schedule import Schedule
from harness.monitoring.retention import prune
from harness.sandbox import Sandbox, pair_flows
from harness.sandbox.flows import flow_order
from harness.scheduler import RunOutcome, Scheduler
from harness.soak.churn import Churner, Ledger
from harness.soak.clock import SoakClock
from harness.soak.day import DayProbe, Incident, account_incident, day_row
from harness.soak.meter import CHURN, Meter
from harness.soak.plan import ChurnRates, DayPlan, plan_day
from harness.soak.timeline import DayRow, SoakLimits, Timeline
from mocks.world.generator import WorldSettings, generate_world
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP
from reconcile.model import ReconcileReport
from sync.errors import SyncError
from sync.mapping import load_mapping

__all__ = ["DEFAULT_START", "SoakOutcome", "SoakSettings", "run_soak"]

log = logging.getLogger(__name__)
# A start that puts a month end inside two weeks (31 January), after the world's as-of date.
DEFAULT_START = datetime(2026, 1, 20, tzinfo=UTC)
DAY = timedelta(days=1)
RECONCILE_AT = timedelta(hours=23)  # the day's checks read its end state
GO_LIVE_BEFORE = timedelta(hours=12)
WORLD_BEFORE = timedelta(days=2)


@dataclass(frozen=True)
class SoakSettings:
    workdir: Path
    reports_dir: Path
    days: int = 14
    crm: str = DEFAULT_CRM
    erp: str = DEFAULT_ERP
    accounts: int = 2000
    seed: int = 42
    incident: Incident | None = None
    speed: float = 60.0  # simulated seconds per real second while work runs
    cadence_hours: float = 4.0  # for flows without a schedule of their own
    start: datetime = DEFAULT_START
    limits: SoakLimits | None = None  # None: the defaults, the lag limit two cadences

    @property
    def day_limits(self) -> SoakLimits:
        """What a day must hold: a change may wait one cadence for its run, so a lag p95
        over two cadences (8 hours at the default 4) is a breach."""
        if self.limits is not None:
            return self.limits
        return SoakLimits(max_lag_p95_seconds=max(2 * self.cadence_hours, 8.0) * 3600)

    rates: ChurnRates = field(default_factory=ChurnRates)

    def check(self) -> None:
        if not 1 <= self.days <= 366:
            raise ValueError(f"days must be 1-366, not {self.days}")
        if self.accounts < 1:
            raise ValueError(f"accounts must be at least 1, not {self.accounts}")
        if not 0 < self.cadence_hours <= 24:
            raise ValueError(
                f"cadence must be over 0 and at most 24 hours, not {self.cadence_hours}"
            )
        if self.incident is not None and not 1 <= self.incident.day <= self.days:
            raise ValueError(
                f"the incident's day {self.incident.day} is not one of days 1-{self.days}"
            )


@dataclass(frozen=True)
class SoakOutcome:
    timeline: Timeline
    report: ReconcileReport | None  # the last day's reconcile
    paths: dict[str, Path]
    ledger: Ledger  # every change the churn made, day by day


@dataclass(frozen=True)
class _Cadenced:
    """A configured flow as the Scheduler sees it, with the soak's cadence when it has no
    schedule of its own."""

    name: str
    schedule: Schedule | None
    depends_on: tuple[str, ...]


def run_soak(
    settings: SoakSettings,
    *,
    on_day: Callable[[DayRow], None] | None = None,
    observe: Callable[[Sandbox, DayRow], None] | None = None,
) -> SoakOutcome:
    """Run the soak; `on_day` hears each day's row as it is made, and `observe` (a test, a
    notebook) may look into the running sandbox at the end of each day."""
    from harness.soak.report import write_soak_reports

    settings.check()
    began = time.monotonic()
    # Go-live (the initial load) runs the evening before day 1, so it never eats into it.
    clock = SoakClock(settings.start - GO_LIVE_BEFORE, speed=settings.speed)
    # The world's history ends before go-live: its stamps (an invoice dated on its as-of day,
    # say) must be in the past of the soak clock, or a lag would come out negative.
    world = WorldSettings(seed=settings.seed, accounts=settings.accounts,
                          as_of=settings.start - WORLD_BEFORE, full_business=True)  # fmt: skip
    pair = pair_flows(settings.crm, settings.erp, settings.workdir)
    start = Sandbox.start(settings.workdir, world, pair=pair, flows=pair.flows,
                          reports_dir=settings.reports_dir, clock=clock)  # fmt: skip
    with start as box:
        soak = _Soak(box, clock, settings)
        go_live = soak.go_live()
        rows: list[DayRow] = []
        report = None
        for day in range(1, settings.days + 1):
            row, report = soak.live_day(day)
            rows.append(row)
            if on_day is not None:
                on_day(row)
            if observe is not None:
                observe(box, row)
        accounting = account_incident(box, soak.ledger, settings.incident)
    timeline = Timeline(
        crm=settings.crm,
        erp=settings.erp,
        accounts=settings.accounts,
        seed=settings.seed,
        cadence_hours=settings.cadence_hours,
        limits=settings.day_limits,
        days=tuple(rows),
        incident=settings.incident.describe() if settings.incident else None,
        accounting=accounting,
        wall_seconds=round(time.monotonic() - began, 1),
        go_live_seconds=go_live,
    )
    paths = write_soak_reports(timeline, report, box.config, settings.reports_dir)
    return SoakOutcome(timeline, report, paths, soak.ledger)


class _Soak:
    """The running soak: its sandbox, clock, scheduler, meter, churn and ledger."""

    def __init__(self, box: Sandbox, clock: SoakClock, settings: SoakSettings) -> None:
        self.box, self.clock, self.settings = box, clock, settings
        self.names = flow_order(box.config.flows)
        self.meter = Meter(box.mocks)
        self.ledger = Ledger()
        self.outcomes: list[RunOutcome] = []
        cadence = Schedule(realtime=settings.cadence_hours * 3600)
        flows = [_Cadenced(f.name, f.schedule or cadence, f.depends_on) for f in box.config.flows]
        self.scheduler = Scheduler(
            flows, self._run_flow, clock=clock, sleep=self._pass_time, report=self.outcomes.append
        )
        self.specs = {f.name: load_mapping(f.mapping) for f in box.config.flows}
        roles = {f.name: (f.source, f.target) for f in box.config.flows}
        self.churner = Churner(
            self.specs,
            roles,
            _newcomers(settings),
            self._crosswalk,
            seed=settings.seed,
            ledger=self.ledger,
        )
        self.probe = DayProbe(box, self.names, settings.day_limits)
        self._pending: list[Any] = []
        self._connectors: Mapping[str, Any] = {}
        self._day = 0
        self.phases: dict[str, float] = {}  # the day's real seconds by phase

    def go_live(self) -> float:
        """Every flow's initial load, in dependency order; returns its real seconds."""
        began = time.monotonic()
        for name in self.names:
            with self.meter.charge(name):
                try:
                    self.box.sync(name, full=True)
                except SyncError as exc:
                    log.warning("initial load of %s failed: %s", name, exc)
        self.meter.take()  # the initial load is not a day's budget
        self.probe.start(self.clock())
        return round(time.monotonic() - began, 1)

    def live_day(self, day: int) -> tuple[DayRow, ReconcileReport]:
        """One simulated day: churn and scheduled runs, then the day's checks."""
        began = time.monotonic()
        start = self.settings.start + (day - 1) * DAY
        plan = plan_day(day, start, self.settings.accounts, self.settings.seed, self.settings.rates)
        self.clock.advance_to(start)
        incident = (
            self.settings.incident
            if self.settings.incident and self.settings.incident.day == day
            else None
        )
        self._day, self._pending, self.outcomes[:] = day, list(plan.events), []
        with ExitStack() as stack:
            self._connectors = stack.enter_context(self.box.connectors())
            if incident is not None:
                self.box.set_faults("erp", incident.load())
            try:
                left = (start + RECONCILE_AT - self.clock()).total_seconds()
                if left > 0:
                    self.scheduler.run(max_seconds=left)
                self._churn_until(start + RECONCILE_AT)  # what a late clock left undone
            finally:
                if incident is not None:
                    self.box.clear_faults()
        self.clock.advance_to(start + RECONCILE_AT)
        self.phases = {"runs and churn": round(time.monotonic() - began, 2)}
        report = self._checks()
        prune(self.box.config, self.clock())  # retention on simulated time
        row = day_row(
            self.probe,
            plan,
            report,
            self.outcomes,
            self.meter.take(),
            self.ledger,
            incident,
            time.monotonic() - began,
        )
        return replace(row, phases=self.phases), report

    def _checks(self) -> ReconcileReport:
        """The day's reconcile and profiles, each metered and timed (real seconds)."""
        began = time.monotonic()
        with self.meter.charge("reconcile"):
            report, _paths = self.box.reconcile(self.names)
        middle = time.monotonic()
        with self.meter.charge("profile"):
            self.probe.profile()
        self.phases["reconcile"] = round(middle - began, 2)
        self.phases["profile"] = round(time.monotonic() - middle, 2)
        return report

    # -- what the Scheduler calls ------------------------------------------------------------

    def _run_flow(self, name: str) -> Any:
        with self.meter.charge(name):
            return self.box.sync(name)

    def _pass_time(self, seconds: float) -> None:
        """The Scheduler's sleep: simulated time passes, and the business works in it. The
        wake-up time is fixed before the work, so the churn never pushes a due run later."""
        wake = self.clock() + timedelta(seconds=max(seconds, 0.001))
        self._churn_until(wake)
        self.clock.advance_to(wake)

    def _churn_until(self, until: datetime) -> None:
        while self._pending and self._pending[0].at <= until:
            event = self._pending.pop(0)
            self.clock.advance_to(event.at)
            with self.meter.charge(CHURN):
                try:
                    self.churner.apply(event, self._day, self._connectors)
                except SyncError as exc:  # a vendor refused the user: counted, not fatal
                    log.warning("churn %s on day %s refused: %s", event.kind, self._day, exc)
                    self.ledger.refused[self._day] = (
                        self.ledger.refused.get(self._day, 0) + event.count
                    )

    def _crosswalk(self, flow: str) -> Mapping[str, Any]:
        from sync.state import StateStore

        with StateStore(self.box.config.state_path) as state:
            return state.crosswalk_all(flow)


def _newcomers(settings: SoakSettings) -> list[Any]:
    """The companies the churn brings in over the whole soak, from the canonical world (its
    own seed, so they are not the seeded world's companies again)."""
    plans: list[DayPlan] = [
        plan_day(
            d, settings.start + (d - 1) * DAY, settings.accounts, settings.seed, settings.rates
        )
        for d in range(1, settings.days + 1)
    ]
    wanted = sum(p.total("new_customers") for p in plans)
    world = generate_world(
        replace(WorldSettings(), seed=settings.seed + 7919, accounts=wanted, as_of=settings.start)
    )
    return list(world.companies)
