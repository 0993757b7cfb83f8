"""A plan for the configured flows: what a full load and the steady state will cost.

For each flow with a stated volume (records in its source), the full load's calls and wall
time with the limit that binds, and the steady state: the daily changes the team expects,
spread over the runs its schedule makes, with each run's calls and time against its interval.
Per system, the calls a day of steady state spends against the vendor's daily allowance.
A schedule that cannot finish inside its interval, or a day that spends more than the
allowance, is a warning, and the plan does not fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.config import HarnessConfig
from harness.config.model import FlowConfig
from harness.config.schedule import Schedule
from harness.plan.estimate import DAY, RUN_OVERHEAD_CALLS, Load, Side, load
from sync.connectors import connector_pack
from sync.connectors.budget import ApiLimits
from sync.errors import ConfigError

DEFAULT_CHURN = 0.02  # records changed a day, as a share of the volume, unless stated


@dataclass(frozen=True)
class FlowPlan:
    flow: str
    source: str
    target: str
    volume: int
    full: Load
    changes_per_day: int
    runs_per_day: float
    interval_seconds: float | None  # None: run on demand (planned as once a day)
    run: Load  # one steady-state run
    # The full load with every side using the requests in flight its account allows, when
    # that is much faster than harness.yaml's `concurrency` lets it be: (hint, seconds).
    faster: tuple[str, float] | None = None

    @property
    def calls_per_day(self) -> dict[str, float]:
        return {
            self.source: self.run.source_calls * self.runs_per_day,
            self.target: self.run.target_calls * self.runs_per_day,
        }

    @property
    def fits_interval(self) -> bool:
        return self.interval_seconds is None or self.run.seconds <= self.interval_seconds


@dataclass
class Plan:
    flows: list[FlowPlan] = field(default_factory=list)
    unplanned: dict[str, str] = field(default_factory=dict)  # flow -> why not
    allowances: dict[str, int | None] = field(default_factory=dict)  # system -> daily calls

    def daily_calls(self) -> dict[str, float]:
        total: dict[str, float] = {}
        for flow in self.flows:
            for system, calls in flow.calls_per_day.items():
                total[system] = total.get(system, 0.0) + calls
        return total

    def warnings(self) -> list[str]:
        found = [
            f"{f.flow}: a steady-state run takes {f.run.seconds:,.0f} s, longer than its"
            f" {f.interval_seconds:,.0f} s interval (bound by {f.run.binding})"
            for f in self.flows
            if not f.fits_interval and f.interval_seconds is not None
        ]
        for f in self.flows:
            for system, calls in ((f.source, f.full.source_calls), (f.target, f.full.target_calls)):
                allowance = self.allowances.get(system)
                if allowance and calls > allowance:
                    found.append(f"{f.flow}: the full load needs {calls:,} {system} calls, more"
                                 f" than its daily allowance of {allowance:,}: it spans"
                                 f" {calls / allowance:.1f} days")  # fmt: skip
        for system, per_day in self.daily_calls().items():
            allowance = self.allowances.get(system)
            if allowance and per_day > allowance:
                found.append(f"{system}: the steady state spends {per_day:,.0f} calls a day,"
                             f" more than its daily allowance of {allowance:,}")  # fmt: skip
        return found


def build_plan(
    config: HarnessConfig,
    volumes: Mapping[str, int],
    changes: Mapping[str, int] | None = None,
    *,
    flows: list[str] | None = None,
) -> Plan:
    """The plan of `config`'s flows (or the named ones) for the stated `volumes` (by flow
    name or by the entity a flow moves); `changes` per day likewise (default 2% of volume)."""
    plan = Plan()
    sides = {name: _side(config, name) for name in config.systems}
    plan.allowances = {name: side.limits.daily_calls for name, side in sides.items()}
    chosen = [config.flow(n) for n in flows] if flows else list(config.flows)
    for flow in chosen:
        entity = _entity(flow)
        volume = _stated(volumes, flow.name, entity)
        if volume is None:
            plan.unplanned[flow.name] = "no volume stated (--volume NAME=COUNT)"
            continue
        daily = _stated(changes or {}, flow.name, entity)
        daily = math.ceil(volume * DEFAULT_CHURN) if daily is None else daily
        plan.flows.append(_flow_plan(flow, sides, volume, daily))
    _check_names(list(config.flows), volumes, changes or {})
    if not plan.flows:  # "fits" over nothing would be a verdict without evidence
        raise ConfigError("no flow was planned: state its records with --volume NAME=COUNT"
                          " (a flow's name or the entity it moves)", key="--volume")  # fmt: skip
    return plan


def _check_names(chosen: list[FlowConfig], *stated: Mapping[str, int]) -> None:
    """Every stated name is a flow's or the entity one moves: a misspelt one is refused,
    never quietly left out of the plan."""
    known = {f.name for f in chosen}
    for flow in chosen:
        entity = _entity(flow)
        known |= {entity, f"{entity}s"} if entity else set()
    unknown = sorted({name for values in stated for name in values} - known)
    if unknown:
        raise ConfigError(f"unknown name(s) {', '.join(unknown)}; stated volumes name a flow or"
                          f" an entity: {', '.join(sorted(known))}", key="--volume")  # fmt: skip


def _flow_plan(flow: FlowConfig, sides: Mapping[str, Side], volume: int, daily: int) -> FlowPlan:
    source, target = sides[flow.source], sides[flow.target]
    round_size = max(flow.batch_size, target.limits.bulk_batch or 0)
    interval = interval_seconds(flow.schedule)
    runs = DAY / interval if interval else 1.0
    per_run = math.ceil(daily / runs) if daily else 0
    run = load(per_run, source, target, min(round_size, max(per_run, 1)))
    run = Load(run.records, run.source_calls, run.target_calls + RUN_OVERHEAD_CALLS, run.times)
    full = load(volume, source, target, round_size)
    return FlowPlan(flow.name, flow.source, flow.target, volume, full, daily, runs, interval,
                    run, _faster(flow, full, source, target, round_size))  # fmt: skip


def _faster(flow: FlowConfig, full: Load, source: Side, target: Side, round_size: int
            ) -> tuple[str, float] | None:  # fmt: skip
    """What the account's full concurrency would make of the load, when that helps by 20%+;
    names only the sides whose connection holds it back."""
    sides = {flow.source: source, flow.target: target}
    held = [
        n
        for n, s in sides.items()
        if s.in_flight < s.limits.concurrency
        and load(full.records, *_widened(sides, flow, {n}), round_size).seconds
        < 0.95 * full.seconds
    ]
    if not held:
        return None
    seconds = load(full.records, *_widened(sides, flow, set(held)), round_size).seconds
    if seconds >= 0.8 * full.seconds:
        return None
    raised = " and ".join(f"systems.{n}.concurrency to {sides[n].limits.concurrency}" for n in held)
    return f"raise {raised} (the account allows it)", seconds


def _widened(sides: Mapping[str, Side], flow: FlowConfig, names: set[str]) -> tuple[Side, Side]:
    """(source, target) with the named sides at their account's full concurrency."""
    wide = {n: replace(s, in_flight=s.limits.concurrency) if n in names else s
            for n, s in sides.items()}  # fmt: skip
    return wide[flow.source], wide[flow.target]


def _side(config: HarnessConfig, name: str) -> Side:
    system = config.systems[name]
    pack = connector_pack(system.vendor)
    if pack.limits is None:
        raise ConfigError(f"the {pack.label} pack publishes no API limits; state them under"
                          f" systems.{name}.limits", key=f"systems.{name}.limits")  # fmt: skip
    limits = pack.limits.overridden(system.limits, system=name) if system.limits else pack.limits
    limits = _bulk_options(limits, system.options, name)
    in_flight = max(1, min(system.concurrency, limits.concurrency))
    return Side(f"{pack.label} ({name})", limits, in_flight)


def _bulk_options(limits: ApiLimits, options: Mapping[str, Any], name: str) -> ApiLimits:
    """The connector's own `bulk_threshold` / `bulk_batch` options, when the pack has a
    bulk path: the plan then estimates the path the connector will take."""
    if limits.bulk_batch <= 0:
        return limits

    def option(key: str, default: int) -> int:
        try:
            return int(options.get(key, default))
        except (TypeError, ValueError):
            raise ConfigError(f"systems.{name}.options.{key} must be a whole number, got"
                              f" {options[key]!r}", key=f"systems.{name}.options.{key}"
                              ) from None  # fmt: skip

    return replace(limits, bulk_threshold=option("bulk_threshold", limits.bulk_threshold),
                   bulk_batch=option("bulk_batch", limits.bulk_batch))  # fmt: skip


def _entity(flow: FlowConfig) -> str | None:
    from sync.mapping import load_mapping

    return load_mapping(flow.mapping).entity


def _stated(values: Mapping[str, int], flow: str, entity: str | None) -> int | None:
    for key in (flow, entity, f"{entity}s" if entity else None):
        if key is not None and key in values:
            return values[key]
    return None


def interval_seconds(schedule: Schedule | None) -> float | None:
    """Seconds between runs of a schedule (a cron's mean over a day); None: on demand."""
    if schedule is None:
        return None
    if schedule.realtime is not None:
        return schedule.realtime
    from croniter import croniter

    start = datetime(2030, 1, 7, tzinfo=UTC)  # a Monday: weekday crons count as they fire
    fires = croniter(str(schedule.cron), start - timedelta(seconds=1))  # count `start` too
    end, count = start + timedelta(days=7), 0
    while fires.get_next(datetime) < end and count < 7 * 24 * 60:
        count += 1
    return 7 * DAY / count if count else None


__all__ = ["DEFAULT_CHURN", "FlowPlan", "Plan", "build_plan", "interval_seconds"]
