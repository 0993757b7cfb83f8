"""The paging benchmark on a small world: it pages everything through both sides; never speed."""

from __future__ import annotations

from bench.paging_bench import PAGING_LABELS, bench_paging


def test_both_vendors_page_every_record_through_the_mock_and_the_bare_endpoint() -> None:
    # 2,500 accounts: two Salesforce pages (nextRecordsUrl) and three SuiteQL pages (offset).
    figures = bench_paging(records=2_500, seed=7, rounds=1)
    assert set(PAGING_LABELS) <= set(figures)
    assert figures["records"] == 2_500
    assert (figures["salesforce_pages"], figures["salesforce_page_size"]) == (2, 2_000)
    assert (figures["netsuite_pages"], figures["netsuite_page_size"]) == (3, 1_000)
    for vendor in ("salesforce", "netsuite"):
        assert figures[f"{vendor}_mock_records_per_s"] > 0
        assert figures[f"{vendor}_bare_records_per_s"] > 0
        assert figures[f"{vendor}_ratio"] > 0
