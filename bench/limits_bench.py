"""Sync under vendor-realistic limits: what bounds a real integration, and how close we get.

The mocks run the fault plans `fixtures/faults/netsuite_realistic.yaml` (about 300 ms a call,
lognormal, and the base tier's 15 concurrent requests, excess rejected with 429) and
`fixtures/faults/salesforce_realistic.yaml` (100-200 ms a query, about 500 ms a composite
batch); the NetSuite connection is allowed the account's 15 requests in flight.

The theoretical maximum follows from those limits alone. NetSuite's REST record service
writes one record a call (no batch endpoint), so a customers run can at best keep all 15
slots busy with writes: `15 / mean latency` records a second, the mean of the lognormal
being `median * exp(sigma^2 / 2)`. Reading Salesforce (2,000 records a query) runs beside
the writes and is two orders of magnitude cheaper, so it does not bound the run. The figure
is our synced records a second over the whole run (auth, describes and commits included) as
a fraction of that maximum.

Calls are counted from the wire (`HttpSession.observe`): per synced record against the
vendor minimum (1 write + 1/2,000 of a query), and, on the incremental run after editing a
sample of accounts, every call that names a record the edit did not touch (a record GET,
write or an external id in a lookup) - the target for those is zero.
"""

from __future__ import annotations

import math
import random
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from bench.sync_bench import mocks_process
from harness.api import load_flows, open_connectors
from harness.config import HarnessConfig
from mocks.faults import load_plan
from mocks.faults.effects import latency_seconds
from mocks.faults.plan import Latency
from sync.engine import RunResult, SyncEngine
from sync.state import StateStore

FAULTS = Path(__file__).resolve().parent.parent / "fixtures" / "faults"
NETSUITE_PLAN = FAULTS / "netsuite_realistic.yaml"
SALESFORCE_PLAN = FAULTS / "salesforce_realistic.yaml"
SOQL_PAGE = 2000  # records a Salesforce query returns a call
UPDATE_BATCH = 200  # Salesforce sObject collections take 200 records a call

_RECORD_PATH = re.compile(r"/record/v1/[A-Za-z]+/(eid:)?([^/?]+)$")
_SOBJECT_PATH = re.compile(r"/sobjects/[A-Za-z_]+/([A-Za-z0-9]{15,18})$")
_QUOTED = re.compile(r"'((?:[^']|'')*)'")


@dataclass
class CallLog:
    """Every request the sync's connectors sent, by system."""

    calls: list[tuple[str, str, str, bytes | None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def listener(self, system: str) -> Any:
        def record(method: str, url: str, body: bytes | None) -> None:
            with self._lock:
                self.calls.append((system, method, url, body))

        return record

    def total(self) -> int:
        return len(self.calls)


@dataclass(frozen=True)
class Attribution:
    """Which records each call named: record calls name one, lookups name several."""

    record_calls: int
    record_calls_unchanged: int
    lookup_calls: int
    lookup_values_unchanged: int
    other_calls: int
    by_kind: dict[str, int]


def attribute(log: CallLog, changed: set[str], internal_to_external: dict[str, str]) -> Attribution:
    """Split an incremental run's calls by the records they name; `changed` holds the source
    ids (the targets' external ids) the edit touched."""
    kinds: Counter[str] = Counter()
    record_calls = unchanged_calls = lookups = unchanged_values = other = 0
    for system, method, url, body in log.calls:
        path = unquote(url.split("?", 1)[0])
        named: str | None = None
        if match := _RECORD_PATH.search(path):
            named = match.group(2) if match.group(1) else internal_to_external.get(match.group(2))
            named = named or match.group(2)
        elif match := _SOBJECT_PATH.search(path):
            named = match.group(1)
        if named is not None:
            record_calls += 1
            unchanged_calls += named not in changed
            kinds[f"{system} {method} record"] += 1
            continue
        text = (body or b"").decode("utf-8", "replace")
        if "externalid IN" in text:
            lookups += 1
            values = {v.replace("''", "'") for v in _QUOTED.findall(text.split("IN", 1)[1])}
            unchanged_values += len(values - changed)
            kinds[f"{system} lookup"] += 1
            continue
        other += 1
        kinds[f"{system} {method} {_route(path)}"] += 1
    return Attribution(
        record_calls, unchanged_calls, lookups, unchanged_values, other, dict(sorted(kinds.items()))
    )


def _route(path: str) -> str:
    for marker in ("suiteql", "query", "describe", "metadata-catalog", "token", "composite"):
        if marker in path:
            return marker
    return path.rsplit("/", 1)[-1] or path


def latency_effect(plan: Path, vendor: str, kind: str | None = None) -> Latency:
    """The latency rule a fault plan applies to one call of `vendor` (of `kind`)."""
    for rule in load_plan(plan).rules_for(vendor):
        effect, kinds = rule.effect, rule.match.kinds
        if not isinstance(effect, Latency) or rule.match.vendor != vendor:
            continue
        if kind is not None and kinds and kind not in kinds and "any" not in kinds:
            continue
        return effect
    raise ValueError(f"{plan.name} has no latency rule for {vendor} {kind or ''}")


def mean_latency_s(plan: Path, vendor: str, kind: str | None = None) -> float:
    """The mean delay a fault plan's latency rule adds to one call of `vendor` (of `kind`)."""
    effect = latency_effect(plan, vendor, kind)
    if effect.ms is not None:
        return effect.ms / 1000
    if effect.min_ms is not None and effect.max_ms is not None:
        return (effect.min_ms + effect.max_ms) / 2000
    sigma = effect.sigma or 0.0
    return (effect.median_ms or 0.0) * math.exp(sigma * sigma / 2) / 1000


def latency_draw(
    plan: Path, vendor: str, kind: str | None = None
) -> Callable[[random.Random], float]:
    """One call's delay under the plan's latency rule, drawn as the mock draws it (s)."""
    effect = latency_effect(plan, vendor, kind)
    return lambda rng: latency_seconds(effect, rng)


def concurrency_limit(plan: Path) -> int:
    return int(load_plan(plan).settings_for("netsuite")["max_concurrent"])


def observed_run(config: HarnessConfig, log: CallLog, *, full: bool, flow: str = "customers"
                 ) -> tuple[RunResult, float]:  # fmt: skip
    """`flow` once, as `harness sync` runs it, with every request logged."""
    (plan,) = load_flows(config, [flow])
    with open_connectors(config) as connectors, StateStore(config.state_path) as state:
        for name, connector in connectors.items():
            connector.http.observe(log.listener(name))  # type: ignore[attr-defined]
        engine = SyncEngine(connectors[plan.config.source], connectors[plan.config.target], state)
        started = time.perf_counter()
        result = engine.run(plan.engine_flow(), mode="live", full=full)
        return result, time.perf_counter() - started


def _edit_accounts(config: HarnessConfig, count: int) -> set[str]:
    """Change `count` accounts' descriptions through the Salesforce API; their ids."""
    with open_connectors(config) as connectors:
        crm = connectors["crm"]
        ids = [r.id for page in crm.read("Account", fields=["Id"]) for r in page][:count]
        for start in range(0, len(ids), UPDATE_BATCH):
            batch = [
                (i, {"Description": f"limits edit {i}"}) for i in ids[start : start + UPDATE_BATCH]
            ]
            failed = [o for o in crm.update("Account", batch) if not o.ok]
            if failed:
                raise RuntimeError(f"editing accounts failed: {failed[:3]}")
    return set(ids)


def _realistic_plan(folder: Path) -> Path:
    """Both vendors' realistic plans as one (`harness mock-up --faults` takes one file)."""
    plans = [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in (NETSUITE_PLAN, SALESFORCE_PLAN)
    ]
    merged = {
        "version": 1,
        "description": "realistic NetSuite and Salesforce",
        "seed": plans[0]["seed"],
        "settings": {k: v for plan in plans for k, v in (plan.get("settings") or {}).items()},
        "rules": [rule for plan in plans for rule in plan["rules"]],
    }
    path = folder / "realistic.yaml"
    path.write_text(yaml.safe_dump(merged, sort_keys=False), encoding="utf-8")
    return path


def planned_seconds(config: HarnessConfig, accounts: int) -> float:
    """What `harness plan` predicts for the customers full load the bench then measures."""
    from harness.plan import build_plan

    (flow,) = build_plan(config, {"customers": accounts}, flows=["customers"]).flows
    return flow.full.seconds


def bench_limits(
    accounts: int = 2_000, changes: int = 200, seed: int = 42, batch_size: int | None = None
) -> dict[str, float]:
    """Full sync and an incremental run of `changes` edits under realistic vendor limits; the
    mocks run in their own process (`harness mock-up`), as a vendor does."""
    slots = concurrency_limit(NETSUITE_PLAN)
    write_latency = mean_latency_s(NETSUITE_PLAN, "netsuite")
    query_latency = mean_latency_s(SALESFORCE_PLAN, "salesforce", "query")
    max_per_s = slots / write_latency
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        plan = _realistic_plan(workdir)
        with mocks_process(
            workdir, accounts, seed, faults=plan, systems={"erp": {"concurrency": slots}}
        ) as config:
            if batch_size is not None:
                config = replace(
                    config, flows=tuple(replace(f, batch_size=batch_size) for f in config.flows)
                )
            full_log = CallLog()
            full, full_s = observed_run(config, full_log, full=True)
            if full.status != "succeeded" or full.counts.written == 0:
                raise RuntimeError(f"the full run did not sync: {full.status} {full.error}")
            synced = full.counts.written
            planned = planned_seconds(config, full.counts.read)
            changed = _edit_accounts(config, changes)
            with StateStore(config.state_path) as state:
                crosswalk = state.crosswalk_all("customers")
            internal_to_external = {e.target_id: e.source_id for e in crosswalk.values()}
            incremental_log = CallLog()
            incremental, incremental_s = observed_run(config, incremental_log, full=False)
            calls = attribute(incremental_log, changed, internal_to_external)
            quiet_log = CallLog()
            quiet, _ = observed_run(config, quiet_log, full=False)
            quiet_calls = attribute(quiet_log, set(), internal_to_external)
    erp_calls = sum(1 for system, *_ in full_log.calls if system == "erp")
    minimum_per_record = 1 + 1 / SOQL_PAGE
    calls_per_record = full_log.total() / synced
    rate = synced / full_s
    return {
        "accounts": float(accounts),
        "synced": float(synced),
        "concurrency_limit": float(slots),
        "netsuite_mean_latency_ms": write_latency * 1000,
        "salesforce_query_latency_ms": query_latency * 1000,
        "theoretical_max_per_s": max_per_s,
        "full_s": full_s,
        "plan_full_s": planned,
        "plan_vs_measured": planned / full_s,
        "full_records_per_s": rate,
        "fraction_of_max": rate / max_per_s,
        "full_calls": float(full_log.total()),
        "full_erp_calls": float(erp_calls),
        "calls_per_record": calls_per_record,
        "vendor_minimum_per_record": minimum_per_record,
        "calls_vs_minimum": calls_per_record / minimum_per_record,
        "incremental_changed": float(len(changed)),
        "incremental_written": float(incremental.counts.written),
        "incremental_s": incremental_s,
        "incremental_calls": float(incremental_log.total()),
        "incremental_record_calls": float(calls.record_calls),
        "incremental_lookup_calls": float(calls.lookup_calls),
        "incremental_calls_unchanged_records": float(calls.record_calls_unchanged),
        "incremental_lookup_ids_unchanged": float(calls.lookup_values_unchanged),
        "quiet_run_calls": float(quiet_log.total()),
        "quiet_run_record_calls": float(quiet_calls.record_calls),
        "quiet_run_written": float(quiet.counts.written),
        "_incremental_by_kind": calls.by_kind,  # type: ignore[dict-item]
        "_full_stages": dict(full.stages),  # type: ignore[dict-item]
    }


LIMITS_LABELS = {
    "theoretical_max_per_s": "realistic limits: theoretical max, records/s",
    "full_records_per_s": "realistic limits: full sync, records/s",
    "fraction_of_max": "realistic limits: fraction of max (target >= 0.9)",
    "calls_per_record": "realistic limits: API calls per synced record",
    "calls_vs_minimum": "realistic limits: calls vs vendor minimum (target <= 1.05x)",
    "incremental_calls_unchanged_records": "incremental: calls naming unchanged records (target 0)",
    "incremental_lookup_ids_unchanged": "incremental: unchanged ids in lookups (target 0)",
    "quiet_run_calls": "incremental with nothing changed: calls",
    "plan_vs_measured": "harness plan's full-load time / measured (target 0.8-1.2)",
}
