"""The transport-ceiling benchmark on a tiny world: both sides do the same work, never speed."""

from __future__ import annotations

from bench.ceiling_bench import CEILING_LABELS, bench_ceiling


def test_the_ceiling_does_the_sync_s_work_and_every_figure_is_positive() -> None:
    figures = bench_ceiling(accounts=300, seed=7)  # raises when the two runs' writes differ
    assert figures["sync_records"] == figures["ceiling_records"] > 0
    assert figures["target_customers_after"] >= figures["sync_records"]
    # Same lookups and PUTs; the sync also asks for NetSuite's metadata catalog.
    assert 0 <= figures["sync_target_requests"] - figures["ceiling_target_requests"] <= 2
    assert figures["fetch_salesforce_requests"] == figures["fetch_salesforce_bare_requests"]
    # The connector reads NetSuite bodies through SuiteQL pages; the bare loop is the record
    # service road (key pages, then one GET per record), which it must beat on calls.
    assert figures["fetch_netsuite_requests"] * 10 <= figures["fetch_netsuite_bare_requests"]
    assert figures["fetch_netsuite_records"] == figures["target_customers_after"]
    assert all(figures[key] > 0 for key in CEILING_LABELS if "server_cpu" not in key)
