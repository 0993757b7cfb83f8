"""What the integration did to the vendors, read from the mocks' request journals, and the
checks the go/no-go gate draws from it.

- API calls against the vendor minimum: per flow, the source read in the vendor's largest
  page and the target written in its largest batch, plus one login per system that has one;
- 429s drawn, and whether each retry waited the `Retry-After` the vendor asked;
- retries (a request repeated right after it failed with 429 or 5xx);
- failed logins and refused tokens;
- writes outside the scope of the mappings: objects no flow writes, and fields of a flow's
  target object its mapping does not write, changed on records that existed (a create also
  holds what the vendor fills in itself, which no journal can tell from the client's own
  values; overwriting data another system owns is the harm this check is for), fields the
  vendor's metadata says no client can write excepted.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconcile.model import Check

READ_PAGE_FALLBACK = 200  # records a query page holds for a vendor whose pack says nothing
JUDGE = "integration"  # the `flow` of the judge's own checks in the report


@dataclass(frozen=True)
class Limits:
    """What the judge's checks allow; None leaves a figure reported but ungated."""

    call_factor: float = 3.0  # API calls may be this many times the vendor minimum...
    # ...plus this many, for what any client does once (metadata, a token refresh): at a
    # small volume these fixed calls would otherwise outweigh the records.
    call_allowance: int = 10
    max_unhonoured_429: int = 0
    max_auth_failures: int = 0
    max_out_of_scope: int = 0
    max_rate_limited: int | None = None
    max_retries: int | None = None


@dataclass(frozen=True)
class FlowScope:
    """One flow as the judge weighs it: systems, objects and the target fields it writes."""

    name: str
    source_role: str
    target_role: str
    source_object: str
    target_object: str
    target_fields: frozenset[str]
    source_records: int = 0


@dataclass(frozen=True)
class SystemUsage:
    """One system's side of the story, from its journal."""

    role: str
    vendor: str
    calls: int
    calls_by_kind: dict[str, int]
    minimum_calls: int
    rate_limited: int
    retry_after: dict[str, int]
    retries: int
    auth_failures: int
    records_written: dict[str, int]
    out_of_scope: dict[str, int] = field(default_factory=dict)  # "object" or "object.field"
    synced_records: int = 0  # records the flows wrote to their targets (either system)

    @property
    def calls_per_record(self) -> float | None:
        """This system's API calls per synced record (None: nothing synced)."""
        return round(self.calls / self.synced_records, 4) if self.synced_records else None

    @property
    def minimum_per_record(self) -> float | None:
        """The vendor minimum, per synced record."""
        if not self.synced_records:
            return None
        return round(self.minimum_calls / self.synced_records, 4)

    def to_json(self) -> dict[str, Any]:
        shape = {k: getattr(self, k) for k in self.__dataclass_fields__}
        shape["calls_per_record"] = self.calls_per_record
        shape["minimum_per_record"] = self.minimum_per_record
        return shape


def vendor_batches(vendor: str) -> tuple[int, int]:
    """(records per read page, records per write call) at most, from the vendor's connector
    dialect (`MAX_PAGE`, `BATCH_LIMIT`); a pack that declares neither reads 200 records a
    page and writes one record a call."""
    try:
        dialect = importlib.import_module(f"sync.connectors.{vendor}.dialect")
    except ImportError:
        return READ_PAGE_FALLBACK, 1
    page = int(getattr(dialect, "MAX_PAGE", 0) or getattr(dialect, "QUERY_PAGE", 0) or 2000)
    return page, int(getattr(dialect, "BATCH_LIMIT", 1) or 1)


def system_usage(
    role: str,
    vendor: str,
    journal: Mapping[str, Any],
    flows: Sequence[FlowScope],
    stamped: Mapping[str, frozenset[str]],
    vendors: Mapping[str, str],
    synced: int = 0,
) -> SystemUsage:
    """`journal` is `GET /__harness/journal`'s answer; `stamped` names, per object, the
    fields the vendor writes itself (never the integration's doing); `vendors` maps each
    role to its vendor; `synced` counts the records the flows wrote to their targets."""
    summary = journal["summary"]
    written: dict[str, int] = summary["records_written"]
    return SystemUsage(
        role=role,
        vendor=vendor,
        calls=int(summary["calls"]),
        calls_by_kind=dict(summary["calls_by_kind"]),
        minimum_calls=_minimum(role, summary, flows, vendors),
        rate_limited=int(summary["rate_limited"]),
        retry_after=dict(summary["retry_after"]),
        retries=int(summary["retries"]),
        auth_failures=int(summary["auth_failures"]),
        records_written=dict(written),
        out_of_scope=_out_of_scope(role, summary, flows, stamped),
        synced_records=synced,
    )


def _minimum(
    role: str, summary: Mapping[str, Any], flows: Sequence[FlowScope], vendors: Mapping[str, str]
) -> int:
    """The fewest calls the vendor allows for what the flows did on this system."""
    page, batch = vendor_batches(vendors[role])
    written: Mapping[str, int] = summary["records_written"]
    total = 1 if summary["calls_by_kind"].get("auth") else 0
    for flow in flows:
        if flow.source_role == role:
            total += max(1, math.ceil(flow.source_records / page))
        if flow.target_role == role:
            total += math.ceil(written.get(flow.target_object, 0) / batch)
    return total


def _out_of_scope(
    role: str,
    summary: Mapping[str, Any],
    flows: Sequence[FlowScope],
    stamped: Mapping[str, frozenset[str]],
) -> dict[str, int]:
    """Writes no flow asked for: `object` for an object no flow targets on this system,
    `object.field` for a field its flows' mappings do not write, with the writes counted."""
    allowed: dict[str, set[str]] = {}
    for flow in flows:
        if flow.target_role == role:
            allowed.setdefault(flow.target_object, set()).update(flow.target_fields)
    found: dict[str, int] = {}
    for obj, count in summary["records_written_by_writes"].items():
        if obj not in allowed:
            found[obj] = int(count)
            continue
        vendor_own = stamped.get(obj, frozenset())
        for name, times in summary["fields_updated"].get(obj, {}).items():
            if name not in allowed[obj] and name not in vendor_own:
                found[f"{obj}.{name}"] = int(times)
    return found


def usage_checks(usage: Sequence[SystemUsage], limits: Limits) -> list[Check]:
    """One named check per figure the gate weighs, per system."""
    checks: list[Check] = []
    for u in usage:
        gated: list[tuple[str, int, float | None]] = [
            (
                "API calls (vendor minimum x factor + allowance)",
                u.calls,
                math.ceil(u.minimum_calls * limits.call_factor) + limits.call_allowance,
            ),
            (
                "429s not honoured (Retry-After ignored)",
                u.retry_after.get("ignored", 0),
                limits.max_unhonoured_429,
            ),
            ("failed auths", u.auth_failures, limits.max_auth_failures),
            (
                "writes outside the mapping's scope",
                sum(u.out_of_scope.values()),
                limits.max_out_of_scope,
            ),
            ("429s drawn", u.rate_limited, limits.max_rate_limited),
            ("retries", u.retries, limits.max_retries),
        ]
        checks += [
            Check(JUDGE, f"{u.role} {name}", value, limit, value <= limit, "<=", "count")
            for name, value, limit in gated
            if limit is not None
        ]
    return checks


__all__ = [
    "JUDGE",
    "FlowScope",
    "Limits",
    "SystemUsage",
    "system_usage",
    "usage_checks",
    "vendor_batches",
]
