"""Sync and reconcile fetch throughput against the transport ceiling (issue #7).

Each figure is a ratio: our code against a bare httpx loop doing the same HTTP work against
the same `harness mock-up` process (HTTPS, local CA), so the ratio says how much of what the
transport and the mocks allow our code keeps, whatever else runs on the machine.

1. Sync. Ours: `run_sync(config, "customers", full=True)` on a freshly seeded world, timed
   around the call as in bench.sync_bench; records/s = customers written / seconds. The
   ceiling runs in another fresh `mocks_process` with the same seed and sends the requests
   that sync sends, and nothing else:
   - the Account pages, with the SOQL URL and headers our Salesforce connector sent (captured
     from its own client while it read the accounts before the timer), following
     `nextRecordsUrl`; each page decoded with orjson;
   - per batch of `batch_size` records of a page, the same SuiteQL `externalid IN (...)`
     lookups (chunks of `dialect.EXTERNAL_ID_CHUNK`, same `limit`/`offset`, answers decoded);
   - one `PUT record/v1/customer/eid:{externalId}` per record with the JSON body the sync
     sends: the flow's mapping (`apply_mapping` + `validate_against_schema` against the
     target's own describe; records that fail either are left out, as the sync quarantines
     them) then `dialect.write_body`, encoded with orjson. Bodies, paths and query texts are
     computed before the timer starts.
   Every NetSuite request (lookups and PUTs) goes through one pool of the connector's
   `settings.concurrency` threads, each signed by the connector's own token-based auth (an
   OAuth 1.0a header per request, as the mock requires); Salesforce pages are read on the
   main thread with the connector's bearer token, one at a time, like the connector. The
   ceiling pipelines: it reads the next Account page while the pool writes. That is the best
   a client can do under the same in-flight cap, so it is a ceiling, not a twin of our
   engine's control flow. Both processes serve one full read of the Accounts through the
   connector before their timer (the ceiling needs it to build the bodies; the sync's side
   gets the same warm-up so neither mock starts colder). The two runs must write the same
   number of customers, and NetSuite must afterwards hold the same customers (counted and
   compared by external id through SuiteQL key rows) in both processes.

2. Reconcile fetch, per vendor, in the sync's mocks process after the sync (NetSuite then
   holds the synced customers). Ours: `SalesforceConnector.read("Account", fields=<the
   mapping's source fields>)` and `NetSuiteConnector.read("customer", fields=<the mapping's
   target paths>)`, each through a connector opened and warmed (token, describe) before the
   timer. Bare: the same SOQL pages (same URL and headers, following `nextRecordsUrl`,
   orjson), and the same SuiteQL key pages (`dialect.key_query`, same paging) plus one GET
   `record/v1/customer/{id}?expandSubResources=true` per key, `settings.concurrency` NetSuite
   requests in flight (the next key page is requested while the GETs of this one run; every
   body decoded with orjson). One key query is sent before both timers so the mock's SuiteQL
   result-set cache is equally warm for both.

Request counts of each side are reported next to the rates so a reader sees the work was the
same (the sync's own counts include its token, describe and metadata-catalog calls).
"""

from __future__ import annotations

import tempfile
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.bare_http import (
    Counts,
    captured_query,
    client_for,
    settings_of,
    soql_pages,
    wires,
)
from bench.cputime import Timing, cpu_figures, timed
from bench.fetch_bench import bench_fetch
from bench.sync_bench import mocks_process
from harness.api import FlowPlan, load_flows, open_connectors, run_sync
from harness.config import HarnessConfig
from sync.connectors import create_connector
from sync.connectors.netsuite import dialect as ns_dialect
from sync.mapping import apply_mapping, get_path, validate_against_schema

FLOW = "customers"
_USER_AGENT = "crm-erp-harness-sync/0.1"  # what sync.connectors.http sends
_NS_WRITE_HEADERS = {"X-NetSuite-PropertyNameValidation": "error"}  # as the connector's upsert
_DROP_HEADERS = frozenset({"host", "content-length", "connection", "accept-encoding"})


@dataclass
class _Page:
    """One Account page as the sync handles it: its lookups and writes, bodies pre-encoded."""

    records: int
    lookups: list[bytes] = field(default_factory=list)  # SuiteQL request bodies
    puts: list[tuple[str, bytes]] = field(default_factory=list)  # (path, body)


@dataclass
class _SyncWork:
    soql_url: str
    soql_headers: dict[str, str]
    pages: list[_Page]
    excluded: int  # records the mapping or the target schema refuses (the sync quarantines)

    @property
    def writes(self) -> int:
        return sum(len(p.puts) for p in self.pages)


def _plan(config: HarnessConfig) -> FlowPlan:
    (plan,) = load_flows(config, [FLOW])
    spec = plan.spec
    if spec.source.explode is not None or spec.target.update_only or spec.references:
        raise NotImplementedError("the ceiling replays plain upsert flows only")
    return plan


def _read_accounts(
    config: HarnessConfig, plan: FlowPlan
) -> tuple[list[list[Any]], str, dict[str, str]]:
    """Read every Account through the connector (as the sync does), recording its requests."""
    spec = plan.spec
    sent: list[httpx.Request] = []
    settings = settings_of(config, plan.config.source)
    with client_for(settings, event_hooks={"request": [sent.append]}) as client:
        source = create_connector(settings, client=client)
        try:
            pages = [
                page
                for page in source.read(
                    spec.source.object,
                    fields=spec.source_fields,
                    include_deleted=spec.deletes.policy != "ignore",
                )
            ]
        finally:
            source.close()
    url, headers = captured_query(sent)
    return pages, url, headers


def _prepare_sync(config: HarnessConfig, plan: FlowPlan) -> _SyncWork:
    """What the sync would send, computed before any timer: query, lookups, PUT bodies."""
    spec, flow = plan.spec, plan.config
    pages, url, headers = _read_accounts(config, plan)
    target_obj, key_field = spec.target.object, spec.external_id_field
    with open_connectors(config, read_only=True) as connectors:
        target = connectors[flow.target]
        schema = target.describe(target_obj)
        shape = target.wire_shape(target_obj)  # type: ignore[attr-defined]
    work = _SyncWork(url, headers, [], 0)
    batch_size = max(1, flow.batch_size)
    for records in pages:
        page = _Page(len(records))
        work.pages.append(page)
        candidates: list[tuple[str, dict[str, Any]]] = []
        for record in records:
            if record.deleted:
                continue
            source_id = str(record.fields.get(spec.source_key) or record.id)
            mapped = apply_mapping(spec, record.fields)
            if not mapped.ok or validate_against_schema(mapped.payload, schema):
                work.excluded += 1
                continue
            external_id = str(get_path(mapped.payload, key_field) or source_id)
            candidates.append((external_id, mapped.payload))
        for start in range(0, len(candidates), batch_size):
            batch = candidates[start : start + batch_size]
            wanted = list(dict.fromkeys(eid for eid, _ in batch))
            chunk = ns_dialect.EXTERNAL_ID_CHUNK
            for at in range(0, len(wanted), chunk):
                query = ns_dialect.external_id_query(target_obj, wanted[at : at + chunk])
                page.lookups.append(orjson.dumps({"q": query}))
            for external_id, payload in batch:
                body = ns_dialect.write_body(payload, shape, drop=(key_field,))
                page.puts.append((ns_dialect.eid_path(target_obj, external_id), orjson.dumps(body)))
    return work


def _bare_sync(config: HarnessConfig, plan: FlowPlan, work: _SyncWork) -> tuple[Timing, Counts]:
    """The sync's HTTP work and nothing else."""
    counts = Counts()
    with wires(config, plan) as (source, target), timed() as timing:
        lookups: list[Future[tuple[int, Any]]] = []
        puts: list[Future[int]] = []
        pages = soql_pages(source, work.soql_url, work.soql_headers, counts)
        for index, rows in enumerate(pages):
            page = work.pages[index]
            if len(rows) != page.records:
                raise RuntimeError(f"page {index}: {len(rows)} rows, expected {page.records}")
            lookups += [target.pool.submit(target.suiteql, body, 0) for body in page.lookups]
            puts += [target.pool.submit(target.put, path, body) for path, body in page.puts]
        statuses = [f.result()[0] for f in lookups]
        written = [f.result() for f in puts]
    counts.lookups = len(statuses)
    counts.writes = sum(1 for s in written if 200 <= s < 300)
    counts.failed = [f"lookup {s}" for s in statuses if s != 200]
    counts.failed += [f"PUT {s}" for s in written if not 200 <= s < 300]
    return timing, counts


def _target_census(config: HarnessConfig, plan: FlowPlan) -> tuple[int, frozenset[str]]:
    """How many target records there are, and their external ids (SuiteQL key rows only)."""
    spec = plan.spec
    total = 0
    external: set[str] = set()
    with open_connectors(config, read_only=True) as connectors:
        target = connectors[plan.config.target]
        for page in target.changes(spec.target.object, spec.external_id_field, None):
            total += len(page)
            external.update(c.external_id for c in page if c.external_id)
    return total, frozenset(external)


def bench_ceiling(accounts: int = 10_000, seed: int = 42) -> dict[str, float]:
    """Sync and reconcile fetch against the bare-httpx transport ceiling (see the module)."""
    with tempfile.TemporaryDirectory() as tmp, mocks_process(Path(tmp), accounts, seed) as config:
        plan = _plan(config)
        ours_work = _prepare_sync(config, plan)  # the same warm-up the ceiling's side gets
        with timed() as sync_timing:
            result = run_sync(config, FLOW, full=True)
        written = result.counts.created + result.counts.updated
        sync_census = _target_census(config, plan)
        figures = bench_fetch(
            config,
            plan,
            (ours_work.soql_url, ours_work.soql_headers),
            sum(p.records for p in ours_work.pages),
        )
    with tempfile.TemporaryDirectory() as tmp, mocks_process(Path(tmp), accounts, seed) as config:
        plan = _plan(config)
        work = _prepare_sync(config, plan)
        ceiling_timing, counts = _bare_sync(config, plan, work)
        ceiling_census = _target_census(config, plan)
    if counts.failed:
        raise RuntimeError(f"the bare loop got refusals: {counts.failed[:5]}")
    if not written == counts.writes == work.writes == ours_work.writes:
        raise RuntimeError(
            f"different work: sync wrote {written} ({result.counts}), the ceiling {counts.writes}"
            f" of {work.writes} planned"
        )
    if sync_census != ceiling_census:
        raise RuntimeError(
            f"NetSuite differs after the runs: {sync_census[0]} customers after the sync,"
            f" {ceiling_census[0]} after the ceiling"
        )
    sync_s, ceiling_s = sync_timing.wall, ceiling_timing.wall
    sync_rate, ceiling_rate = written / sync_s, counts.writes / ceiling_s
    return {
        "sync_records": float(written),
        "sync_s": sync_s,
        "sync_records_per_s": sync_rate,
        "sync_source_requests": float(result.source_calls),
        "sync_target_requests": float(result.target_calls),
        "sync_quarantined": float(result.counts.quarantined),
        "ceiling_records": float(counts.writes),
        "ceiling_s": ceiling_s,
        "ceiling_records_per_s": ceiling_rate,
        "ceiling_source_requests": float(counts.get),
        "ceiling_target_requests": float(counts.lookups + counts.writes),
        "ceiling_excluded": float(work.excluded),
        "target_customers_after": float(sync_census[0]),
        "sync_vs_ceiling": sync_rate / ceiling_rate,
        **cpu_figures("sync", sync_timing, written),
        # Where the sync's time went (stages overlap nothing: they are the engine's main thread).
        **{f"sync_stage_{name}_s": float(value) for name, value in result.stages.items()},
        **cpu_figures("ceiling", ceiling_timing, counts.writes),
        **figures,
    }


CEILING_LABELS = {
    "sync_records_per_s": "full sync, records/s",
    "ceiling_records_per_s": "bare httpx, same requests, records/s",
    "sync_vs_ceiling": "sync / transport ceiling (target >= 0.8)",
    "sync_source_requests": "sync, Salesforce requests",
    "ceiling_source_requests": "ceiling, Salesforce requests",
    "sync_target_requests": "sync, NetSuite requests",
    "ceiling_target_requests": "ceiling, NetSuite requests",
    "sync_client_cpu_ms_per_record": "sync, our process CPU ms/record",
    "ceiling_client_cpu_ms_per_record": "ceiling, our process CPU ms/record",
    "sync_server_cpu_ms_per_record": "sync, mocks CPU ms/record",
    "ceiling_server_cpu_ms_per_record": "ceiling, mocks CPU ms/record",
    "fetch_salesforce_records_per_s": "fetch Salesforce via connector, records/s",
    "fetch_salesforce_bare_records_per_s": "fetch Salesforce bare, records/s",
    "fetch_salesforce_ratio": "fetch Salesforce, connector / bare",
    "fetch_salesforce_requests": "fetch Salesforce via connector, requests",
    "fetch_salesforce_bare_requests": "fetch Salesforce bare, requests",
    "fetch_salesforce_client_cpu_ms_per_record": "fetch Salesforce connector, our CPU ms/record",
    "fetch_salesforce_bare_client_cpu_ms_per_record": "fetch Salesforce bare, our CPU ms/record",
    "fetch_netsuite_records_per_s": "fetch NetSuite via connector, records/s",
    "fetch_netsuite_bare_records_per_s": "fetch NetSuite bare (record GETs), records/s",
    "fetch_netsuite_ratio": "fetch NetSuite, connector / bare",
    "fetch_netsuite_requests": "fetch NetSuite via connector, requests",
    "fetch_netsuite_bare_requests": "fetch NetSuite bare (record GETs), requests",
    "fetch_netsuite_client_cpu_ms_per_record": "fetch NetSuite connector, our CPU ms/record",
    "fetch_netsuite_bare_client_cpu_ms_per_record": "fetch NetSuite bare, our CPU ms/record",
}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    measured = bench_ceiling(args.accounts, args.seed)
    for key, value in measured.items():
        print(f"{CEILING_LABELS.get(key, key):<50} {value:>12,.3f}")
