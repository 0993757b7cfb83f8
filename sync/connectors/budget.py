"""What a vendor publishes about its API's limits, for planning a load before running it.

A connector pack declares its vendor's `ApiLimits` (`ConnectorPack.limits`); `harness plan`
turns them, with the volumes a team states, into API calls, shares of each daily allowance
and wall time per flow, and names the limit that binds. The figures are the vendor's
published defaults for a typical edition; an account's own (a bought allowance, SuiteCloud
Plus licences) go in harness.yaml under the system's `limits:`, which override these by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from sync.errors import ConfigError


@dataclass(frozen=True)
class ApiLimits:
    """One vendor's limits and costs as a planner needs them.

    - `daily_calls`: API calls allowed per rolling 24 hours (None: none published);
    - `burst_calls` per `burst_seconds`: a rolling window's allowance (None: none);
    - `concurrency`: requests the account accepts in flight;
    - `read_page`: records one read call returns (query page, list page);
    - `read_calls_per_page`: calls one page of records costs (NetSuite: keys, bodies, names);
    - `write_batch`: records one write call carries (1: one record a call);
    - `lookup_batch`: external ids one lookup call resolves;
    - `latency_seconds` / `write_latency_seconds`: a typical call's time (a write's, when
      the vendor's writes are slower, e.g. a 200-record composite batch);
    - `bulk_batch`, `bulk_calls`, `bulk_threshold`: a bulk path, when the vendor has one: the
      records one job takes (0: no bulk path), the calls a job costs (create, upload,
      close, polls, results) and the round size above which the connector uses it (0:
      every round, as the connector's `bulk_threshold` option means).
    """

    concurrency: int
    read_page: int
    write_batch: int
    lookup_batch: int
    latency_seconds: float
    daily_calls: int | None = None
    burst_calls: int | None = None
    burst_seconds: float = 10.0
    read_calls_per_page: float = 1.0
    write_latency_seconds: float | None = None
    bulk_batch: int = 0
    bulk_calls: int = 0
    bulk_threshold: int = 0
    source: str = ""  # where the figures come from, for the plan's footnotes

    @property
    def write_seconds(self) -> float:
        return self.write_latency_seconds or self.latency_seconds

    def overridden(self, changes: Mapping[str, Any], *, system: str = "") -> ApiLimits:
        """These limits with harness.yaml's `limits:` applied; an unknown name is refused."""
        known = {f.name: f.type for f in fields(self) if f.name != "source"}
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ConfigError(
                f"unknown limit(s) {', '.join(unknown)} for {system or 'a system'}; known:"
                f" {', '.join(sorted(known))}",
                key=f"systems.{system}.limits" if system else "limits",
            )
        return replace(self, **dict(changes), source=f"{self.source}; harness.yaml overrides")


__all__ = ["ApiLimits"]
