"""Reconcile fetch throughput: records/s read through our connectors against a bare loop
fetching from the same mock (see bench.ceiling_bench, which runs it). For Salesforce the bare
loop fetches the same SOQL pages. For NetSuite it walks the record service (SuiteQL key
pages, then one GET per record), the road the connector left for SuiteQL body pages: the
ratio says how much that choice gains; `bench.suiteql_bench` measures the connector against
the ceiling of its own road."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import httpx
import orjson

from bench.bare_http import Counts, NetSuiteWire, soql_pages, wires
from bench.cputime import Timing, cpu_figures, timed
from harness.api import FlowPlan, open_connectors
from harness.config import HarnessConfig
from sync.connectors.base import Connector
from sync.connectors.netsuite import dialect as ns_dialect


def _timed_read(connector: Connector, obj: str, fields: tuple[str, ...]) -> tuple[Timing, int, int]:
    """(timing, records, requests) of one full `read` through a warmed connector."""
    calls = connector.call_count()
    with timed() as timing:
        records = sum(len(page) for page in connector.read(obj, fields=fields))
    return timing, records, connector.call_count() - calls


def bench_fetch(
    config: HarnessConfig, plan: FlowPlan, soql: tuple[str, dict[str, str]], accounts: int
) -> dict[str, float]:
    """Reads through the connectors vs bare pages; `soql` is the SOQL request (URL, headers)
    the Salesforce connector sent, `accounts` how many Accounts it returned."""
    spec, flow = plan.spec, plan.config
    figures: dict[str, float] = {}
    url, headers = soql
    with open_connectors(config, read_only=True) as connectors:
        source, target = connectors[flow.source], connectors[flow.target]
        source.describe(spec.source.object)  # token and describe before the timer
        target.describe(spec.target.object)
        ours_sf = _timed_read(source, spec.source.object, spec.source_fields)
        with wires(config, plan) as (client, wire):
            key_query = orjson.dumps({"q": ns_dialect.key_query(spec.target.object, None)})
            wire.suiteql(key_query, 0)  # the mock's result-set cache: warm for both sides
            ours_ns = _timed_read(target, spec.target.object, spec.target_paths)
            bare_sf = _bare_salesforce_fetch(client, url, headers)
            bare_ns = _bare_netsuite_fetch(wire, spec.target.object, key_query)
    if ours_sf[1] != bare_sf[1] or ours_sf[1] != accounts:
        raise RuntimeError(f"Salesforce fetch: connector {ours_sf[1]}, bare {bare_sf[1]}")
    if ours_ns[1] != bare_ns[1]:
        raise RuntimeError(f"NetSuite fetch: connector {ours_ns[1]}, bare {bare_ns[1]}")
    for vendor, ours, bare in (("salesforce", ours_sf, bare_sf), ("netsuite", ours_ns, bare_ns)):
        rate, bare_rate = ours[1] / ours[0].wall, bare[1] / bare[0].wall
        figures |= {
            f"fetch_{vendor}_records": float(ours[1]),
            f"fetch_{vendor}_records_per_s": rate,
            f"fetch_{vendor}_bare_records_per_s": bare_rate,
            f"fetch_{vendor}_ratio": rate / bare_rate,
            f"fetch_{vendor}_requests": float(ours[2]),
            f"fetch_{vendor}_bare_requests": float(bare[2]),
            **cpu_figures(f"fetch_{vendor}", ours[0], ours[1]),
            **cpu_figures(f"fetch_{vendor}_bare", bare[0], bare[1]),
        }
    return figures


def _bare_salesforce_fetch(
    client: httpx.Client, url: str, headers: dict[str, str]
) -> tuple[Timing, int, int]:
    counts = Counts()
    with timed() as timing:
        records = sum(len(rows) for rows in soql_pages(client, url, headers, counts))
    return timing, records, counts.get


def _bare_netsuite_fetch(wire: NetSuiteWire, obj: str, key_query: bytes) -> tuple[Timing, int, int]:
    """SuiteQL key pages, then one GET per key; the next key page is asked for first."""
    gets: list[Future[tuple[int, Any]]] = []
    requests = 0
    offset = 0
    with timed() as timing:
        pending: Future[tuple[int, Any]] | None = wire.pool.submit(wire.suiteql, key_query, 0)
        while pending is not None:
            status, body = pending.result()
            requests += 1
            if status != 200:
                raise RuntimeError(f"SuiteQL key page -> {status}")
            pending = None
            if body.get("hasMore"):
                offset += wire.page
                pending = wire.pool.submit(wire.suiteql, key_query, offset)
            for row in body.get("items", []):
                path = ns_dialect.record_path(obj, str(row["id"]))
                gets.append(wire.pool.submit(wire.get_record, path))
        records = sum(1 for f in gets if f.result()[0] == 200)
    return timing, records, requests + len(gets)
