"""A target whose fastest path is a bulk job gets write rounds of its size, gathered across the
source's pages, with the watermark moving only once a whole round is durable."""

from __future__ import annotations

from math import ceil

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.readahead import gathered

# The Salesforce connector's `bulk_batch` here (records one write round holds: more than the
# flow's default batch size, so the target's wish decides) and the NetSuite page size.
ROUND, PAGE = 2_100, 250


def test_gathered_joins_pages_until_a_round_is_full() -> None:
    pages = iter([[1, 2], [3], [4, 5, 6], [7], [8]])
    assert list(gathered(pages, 3)) == [[1, 2, 3], [4, 5, 6], [7, 8]]
    assert list(gathered(iter([[1, 2, 3, 4, 5, 6, 7]]), 3)) == [[1, 2, 3], [4, 5, 6], [7]]
    assert list(gathered(iter([]), 3)) == []


def test_an_erp_to_crm_flow_writes_in_bulk_rounds_across_erp_pages(sandbox: Sandbox) -> None:
    sandbox.use_flows(sandbox.pair.flows)
    sandbox.reseed(WorldSettings(seed=23, accounts=10, full_business=True, products=2_600))
    sandbox.tune("erp", page_size=PAGE)  # NetSuite pages far smaller than a bulk round
    sandbox.tune("crm", bulk_threshold=20, bulk_batch=ROUND)
    bulk = sandbox.mocks.crm.app.state.salesforce_bulk
    jobs_before = len(bulk.listing("query"))
    result = sandbox.sync("products", full=True)
    assert result.status == "succeeded"
    assert result.counts.read > ROUND
    # One lookup per round, each a query job (a round is above the bulk threshold), where
    # pages of 250 would have cost one REST lookup per page and no job at all.
    assert len(bulk.listing("query")) - jobs_before == ceil(result.counts.read / ROUND) == 2
    sandbox.sync("products")  # the incremental run after it finds nothing left behind
    report, _ = sandbox.reconcile(["products"])
    (score,) = report.flows
    assert score.missing_in_target == 0 and score.different == 0, score.root_causes
