"""The arithmetic of a plan: API calls and wall time of one flow from the two vendors' limits.

Pure functions of stated volumes and `ApiLimits`, modelled on how the engine runs a flow:
the source is read page after page (one page read ahead), each round of records is looked up
in the target (lookup calls one after another) and then written with the connection's calls
in flight. So a run takes about the longer of its reading and its rounds, and each side is
also held to its rolling-window and daily allowances. The limit with the largest time is the
one that binds; an allowance the load would exceed makes the load span days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sync.connectors.budget import ApiLimits

DAY = 86_400.0
RUN_OVERHEAD_CALLS = 3  # a run's fixed calls: both sides' describe and the source's first query


@dataclass(frozen=True)
class Side:
    """One system of a flow: its vendor's limits, and the requests in flight the connection
    may keep (the smaller of harness.yaml's `concurrency` and the account's)."""

    label: str
    limits: ApiLimits
    in_flight: int


@dataclass(frozen=True)
class Load:
    """What one load costs: calls per side and the time each limit imposes (seconds)."""

    records: int
    source_calls: int
    target_calls: int
    times: dict[str, float]  # limit description -> seconds it needs

    @property
    def seconds(self) -> float:
        return max(self.times.values(), default=0.0)

    @property
    def binding(self) -> str:
        return max(self.times, key=lambda k: self.times[k]) if self.times else "nothing"


def read_calls(records: int, limits: ApiLimits) -> int:
    pages = math.ceil(records / limits.read_page)
    return math.ceil(pages * limits.read_calls_per_page)


def write_calls(records: int, limits: ApiLimits, round_size: int) -> tuple[int, int, bool]:
    """(lookup calls, write calls, bulk?) for `records` written in rounds of `round_size`."""
    bulk = limits.bulk_batch > 0 and limits.bulk_threshold < round_size
    if bulk:
        jobs = math.ceil(records / limits.bulk_batch)
        return jobs * max(1, limits.bulk_calls - 2), jobs * limits.bulk_calls, True
    lookups = math.ceil(records / limits.lookup_batch)
    return lookups, math.ceil(records / limits.write_batch), False


def load(records: int, source: Side, target: Side, round_size: int) -> Load:
    """The calls and times of moving `records` from `source` to `target` in one run."""
    reads = read_calls(records, source.limits)
    lookups, writes, _bulk = write_calls(records, target.limits, round_size)
    t = target.limits
    times = {
        f"{source.label} reads: {reads:,} calls in sequence at"
        f" {source.limits.latency_seconds * 1000:.0f} ms": reads * source.limits.latency_seconds,
        f"{target.label} writes: {writes:,} calls, {target.in_flight} in flight at"
        f" {t.write_seconds * 1000:.0f} ms, after {lookups:,} lookups": (
            lookups * t.latency_seconds + math.ceil(writes / target.in_flight) * t.write_seconds
        ),
    }
    for side, calls in ((source, reads + RUN_OVERHEAD_CALLS), (target, lookups + writes)):
        times.update(allowance_times(side, calls))
    return Load(records, reads + RUN_OVERHEAD_CALLS, lookups + writes, times)


def allowance_times(side: Side, calls: int) -> dict[str, float]:
    """The least time a side's rolling-window and daily allowances let `calls` take."""
    limits, out = side.limits, {}
    if limits.burst_calls:
        every = f"{limits.burst_calls} per {limits.burst_seconds:g} s"
        seconds = calls * limits.burst_seconds / limits.burst_calls
        out[f"{side.label} burst allowance ({every})"] = seconds
    if limits.daily_calls and calls > limits.daily_calls:
        out[f"{side.label} daily allowance ({limits.daily_calls:,} calls)"] = (
            calls / limits.daily_calls * DAY
        )
    return out


__all__ = ["DAY", "Load", "Side", "allowance_times", "load", "read_calls"]
