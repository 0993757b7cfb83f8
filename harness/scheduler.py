"""`harness run`'s core: when each scheduled flow (or check: a scheduled reconcile) is due,
and running the due ones in order.

A `realtime: N` flow is due when the scheduler starts and then N seconds after its last start;
a `cron:` flow at the first fire time after its last start (or after the scheduler started),
so fire times missed while other flows ran are caught up once, not queued. Flows due together
run one after another, each after the flows it depends on (transitively). The wait between
ticks is `threading.Event.wait`, so `stop()` (a signal, a test) ends it at once; a run in
progress always finishes, since the engine commits page by page and loses nothing.

A failed run is reported and the loop goes on; a flow another process is running
(`FlowBusyError`) is skipped for the tick. Clock and sleep are injectable, so the schedule
logic is tested without real waiting:

    scheduler = Scheduler(config.flows, lambda name: run_sync(config, name))
    summary = scheduler.run(max_seconds=3600)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from harness.config.schedule import Schedule, dependency_order
from sync.errors import ConfigError, SyncError
from sync.flow import RunResult
from sync.flowlock import FlowBusyError

__all__ = [
    "RunOutcome",
    "Scheduler",
    "SchedulerSummary",
    "log_outcome",
    "next_due",
    "utc_now",
]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], object]


class Scheduled(Protocol):
    """What the scheduler runs: a flow (`FlowConfig`) or a check (`CheckConfig`)."""

    @property
    def name(self) -> str: ...
    @property
    def schedule(self) -> Schedule | None: ...
    @property
    def depends_on(self) -> tuple[str, ...]: ...


class _Counts(Protocol):
    @property
    def read(self) -> int: ...
    @property
    def written(self) -> int: ...
    @property
    def quarantined(self) -> int: ...


class Finished(Protocol):
    """What one run hands back: a sync's `RunResult`, or a check's result."""

    @property
    def run_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def counts(self) -> _Counts: ...
    @property
    def error(self) -> str | None: ...


RunFlow = Callable[[str], RunResult | Finished]
Status = Literal["succeeded", "partial", "failed", "busy"]
EndReason = Literal["stopped", "max-runs", "max-seconds", "once"]
MAX_WAIT = 3600.0  # seconds; long waits are re-checked (the wall clock may have jumped)
_STATUSES: dict[str, Status] = {"succeeded": "succeeded", "partial": "partial"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def next_due(schedule: Schedule, last_start: datetime | None, since: datetime) -> datetime:
    """When a flow is next due (UTC). `since` is when the scheduler started; `last_start` is
    when this flow last started under it (None: not yet)."""
    if schedule.realtime is not None:
        if last_start is None:
            return since
        return last_start + timedelta(seconds=schedule.realtime)
    if schedule.cron is None:  # config validation guarantees one of the two
        raise ConfigError("a schedule needs realtime or cron")
    from croniter import croniter  # loaded by a cron schedule, not by every command

    base = (last_start or since).astimezone(ZoneInfo(schedule.timezone))
    fire: datetime = croniter(schedule.cron, base).get_next(datetime)
    return fire.astimezone(UTC)


@dataclass(frozen=True)
class RunOutcome:
    """What one scheduled run of one flow came to (`busy`: skipped, another process has it)."""

    flow: str
    status: Status
    started: datetime
    seconds: float
    run_id: str | None = None
    read: int = 0
    written: int = 0
    quarantined: int = 0
    error: str | None = None

    @property
    def ran(self) -> bool:
        return self.status != "busy"

    def line(self) -> str:
        """The outcome on one line, as `harness run` prints and logs it."""
        stamp = self.started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        head = f"{stamp} {self.flow} {self.status}"
        if self.status == "busy":
            return f"{head}: already running in another process; skipped this tick"
        tail = f": {self.error}" if self.error else ""
        if self.run_id is None:  # it raised: its counts are in the state file, not here
            return f"{head} after {self.seconds:.2f}s{tail}"
        counts = f"read={self.read} written={self.written} quarantined={self.quarantined}"
        return f"{head} {counts} {self.seconds:.2f}s run {self.run_id}{tail}"


@dataclass
class SchedulerSummary:
    """Every outcome of one `Scheduler.run` / `run_once`, and why it ended."""

    outcomes: list[RunOutcome] = field(default_factory=list)
    ended: EndReason = "stopped"

    @property
    def runs(self) -> int:
        return sum(1 for o in self.outcomes if o.ran)

    @property
    def failed(self) -> list[RunOutcome]:
        return [o for o in self.outcomes if o.status in ("failed", "busy")]


def log_outcome(outcome: RunOutcome) -> None:
    """Log an outcome as one line (WARNING when it failed or was skipped, else INFO), with
    flow, status and run id as fields for JSON logs. The default `report` of a Scheduler."""
    level = logging.INFO if outcome.status in ("succeeded", "partial") else logging.WARNING
    fields = {"flow": outcome.flow, "status": outcome.status, "run_id": outcome.run_id}
    log.log(level, outcome.line(), extra=fields)


class Scheduler:
    """Runs the scheduled flows among `flows` (all of a config's flows, so dependencies on
    unscheduled ones still order), optionally only those named in `only`. Each outcome goes
    to `report` (default: `log_outcome`)."""

    def __init__(
        self,
        flows: Sequence[Scheduled],
        run_flow: RunFlow,
        *,
        only: Collection[str] = (),
        clock: Clock = utc_now,
        sleep: Sleep | None = None,
        report: Callable[[RunOutcome], None] | None = None,
    ) -> None:
        by_name = {f.name: f for f in flows}
        order = dependency_order({f.name: f.depends_on for f in flows})
        chosen = _choose(by_name, only)
        self.flows: list[Scheduled] = [by_name[n] for n in order if n in chosen]
        self._run_flow = run_flow
        self._clock = clock
        self._stop = threading.Event()
        self._sleep: Sleep = sleep if sleep is not None else self._stop.wait
        self._report = report
        self._last_start: dict[str, datetime] = {}

    # -- control -----------------------------------------------------------------------------

    def stop(self) -> None:
        """Start no new run; end the current wait at once. Safe from any thread."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # -- schedule ----------------------------------------------------------------------------

    def due_times(self, since: datetime) -> dict[str, datetime]:
        """Every chosen flow's next due time, in dependency order."""
        return {
            f.name: next_due(_schedule(f), self._last_start.get(f.name), since) for f in self.flows
        }

    def run(
        self, *, max_runs: int | None = None, max_seconds: float | None = None
    ) -> SchedulerSummary:
        """Run due flows until `stop()`, `max_runs` runs (busy skips do not count) or
        `max_seconds` (no run starts after it; the one in progress finishes)."""
        since = self._clock()
        deadline = None if max_seconds is None else since + timedelta(seconds=max_seconds)
        summary = SchedulerSummary()
        while not self.stopping:
            now = self._clock()
            if deadline is not None and now >= deadline:
                summary.ended = "max-seconds"
                return summary
            due_at = self.due_times(since)
            due = [name for name, at in due_at.items() if at <= now]
            if not due:
                wake = min(due_at.values())
                if deadline is not None:
                    wake = min(wake, deadline)
                self._sleep(min((wake - now).total_seconds(), MAX_WAIT))
                continue
            for name in due:
                if self.stopping or (deadline is not None and self._clock() >= deadline):
                    break
                summary.outcomes.append(self._run_one(name))
                if max_runs is not None and summary.runs >= max_runs:
                    summary.ended = "max-runs"
                    return summary
        summary.ended = "stopped"
        return summary

    def run_once(self) -> SchedulerSummary:
        """Every chosen flow once, in dependency order (stopping early if asked)."""
        summary = SchedulerSummary(ended="once")
        for flow in self.flows:
            if self.stopping:
                summary.ended = "stopped"
                break
            summary.outcomes.append(self._run_one(flow.name))
        return summary

    # -- one run -----------------------------------------------------------------------------

    def _run_one(self, name: str) -> RunOutcome:
        started = self._clock()
        self._last_start[name] = started
        result: RunResult | Finished | None = None
        status: Status = "failed"
        error: str | None = None
        try:
            result = self._run_flow(name)
        except FlowBusyError:
            status = "busy"
        except SyncError as exc:  # the engine has recorded the run as failed, with the reason
            error = str(exc)
        except Exception as exc:  # a long-running scheduler outlives one run's bug: report it
            log.exception("flow %s: unexpected error", name)
            error = f"{type(exc).__name__}: {exc}"
        seconds = max((self._clock() - started).total_seconds(), 0.0)
        outcome = RunOutcome(name, status, started, seconds, error=error)
        if result is not None:
            outcome = RunOutcome(
                name,
                _STATUSES.get(result.status, "failed"),
                started,
                seconds,
                run_id=result.run_id,
                read=result.counts.read,
                written=result.counts.written,
                quarantined=result.counts.quarantined,
                error=result.error,
            )
        (self._report or log_outcome)(outcome)
        return outcome


def _schedule(flow: Scheduled) -> Schedule:
    if flow.schedule is None:  # `_choose` keeps only scheduled flows
        raise ConfigError(f"flow {flow.name!r} has no schedule")
    return flow.schedule


def _choose(by_name: Mapping[str, Scheduled], only: Collection[str]) -> set[str]:
    """The flows to schedule: the named ones (each must exist and have a schedule), or every
    flow with a schedule."""
    scheduled = [name for name, f in by_name.items() if f.schedule is not None]
    if not only:
        if not scheduled:
            raise ConfigError(
                "no flow has a schedule; add `schedule: {realtime: 60}` or "
                "`schedule: {cron: '*/5 * * * *'}` to a flow in harness.yaml, "
                "or run one now with `harness sync --flow NAME`"
            )
        return set(scheduled)
    for name in only:
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise ConfigError(f"unknown flow {name!r}; known flows: {known}", key="--flow")
        if name not in scheduled:
            have = ", ".join(scheduled) or "none"
            raise ConfigError(
                f"flow {name!r} has no schedule; add one in harness.yaml or run it now with "
                f"`harness sync --flow {name}` (flows with a schedule: {have})",
                key="--flow",
            )
    return set(only)
