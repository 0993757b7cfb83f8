"""What is still due on an SAP billing document, read from FI's open items (the Operational
Accounting Document Item cube) against the SAP mock in process: the amounts agree with the
ledger, a page of billing documents costs at most two cube queries, partial and full
payments show, and an incremental read finds a payment FI posted although the billing
document's own stamp did not move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from mocks.sap import amount_due, post_payment
from mocks.store import RecordStore
from sync.connectors import Watermark
from sync.connectors.base import Record
from sync.connectors.sap.connector import SapConnector
from sync.connectors.sap.openitems import (
    amounts_due,
    clearing_statuses,
    documents_touched,
    rv_items,
)

from .conftest import ADMIN_TOKEN, Kit, build_kit
from .sap_support import sap_connector

BILLING = "A_BillingDocument"
CUBE_PATH = "/API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube"


@pytest.fixture
def sap() -> Iterator[Kit]:
    kit = next(build_kit("sap"))
    answer = kit.client.post(
        "/__harness/seed",
        json={"accounts": 8, "erp": "sap", "full_business": True, "products": 5},
        headers={"X-Harness-Token": ADMIN_TOKEN},
    )
    assert answer.status_code == 200, answer.text
    yield kit


connector = sap_connector


def store(kit: Kit) -> RecordStore:
    found: RecordStore = kit.app.state.mock.store
    return found


def server_pages(kit: Kit, size: int) -> None:
    answer = kit.client.patch("/__harness/settings", json={"page_size": size},
                              headers={"X-Harness-Token": ADMIN_TOKEN})  # fmt: skip
    assert answer.status_code == 200, answer.text


def cube_queries(conn: SapConnector) -> list[str]:
    """The cube queries `conn` sends from now on, as decoded URLs (`__next` pages too)."""
    sent: list[str] = []

    def listen(method: str, url: str, _body: bytes | None) -> None:
        if method == "GET" and CUBE_PATH in url:
            sent.append(unquote(url))

    conn.http.observe(listen)
    return sent


def filter_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["$filter"][0]


def billing(conn: SapConnector, **options: Any) -> list[Record]:
    return [r for page in conn.read(BILLING, **options) for r in page]


def by_status(records: list[Record], status: str) -> Record:
    return next(r for r in records if r.fields["InvoiceClearingStatus"] == status)


# -- the pure parts ----------------------------------------------------------------------------


def _item(doc: str, amount: str, **fields: Any) -> dict[str, Any]:
    return {
        "CompanyCode": "1010",
        "FiscalYear": "2025",
        "AccountingDocument": doc,
        "AmountInTransactionCurrency": amount,
        "ClearingAccountingDocument": "",
        **fields,
    }


def test_amounts_due_sum_the_open_invoice_item_and_the_open_payments_naming_it() -> None:
    rv = rv_items(["B1", "B2", "B3"], [
        _item("R1", "100.00", OriginalReferenceDocument="B1", NetDueDate="2025-02-01"),
        _item("R2", "50.00", OriginalReferenceDocument="B2", ClearingAccountingDocument="P9"),
    ])  # fmt: skip
    payments = [
        _item("P1", "-30.10", InvoiceReference="R1", InvoiceReferenceFiscalYear="2025"),
        _item("P2", "-9.90", InvoiceReference="R1", InvoiceReferenceFiscalYear="2025"),
        # another year's invoice R1: not this one
        _item("P3", "-5.00", InvoiceReference="R1", InvoiceReferenceFiscalYear="2024"),
        _item("P4", "-1.00", InvoiceReference="R1", InvoiceReferenceFiscalYear="2025",
              ClearingAccountingDocument="P9"),  # cleared: no longer open
    ]  # fmt: skip
    due = amounts_due(rv, payments)
    assert due == {"B1": (60.0, "2025-02-01"), "B2": (0.0, None), "B3": (None, None)}
    assert clearing_statuses(rv, payments) == {"B1": "B", "B2": "C", "B3": None}
    assert clearing_statuses(rv, payments[3:]) == {"B1": "A", "B2": "C", "B3": None}


def test_g_l_lines_of_the_invoice_s_document_do_not_count_against_what_is_due() -> None:
    """A real RV document also holds revenue and tax lines (account type S) under the same
    reference; only the customer's item says what is owed."""
    rv = rv_items(["B1"], [
        _item("R1", "119.00", OriginalReferenceDocument="B1", FinancialAccountType="D"),
        _item("R1", "-100.00", OriginalReferenceDocument="B1", FinancialAccountType="S"),
        _item("R1", "-19.00", OriginalReferenceDocument="B1", FinancialAccountType="S"),
    ])  # fmt: skip
    assert amounts_due(rv, []) == {"B1": (119.0, None)}
    assert clearing_statuses(rv, []) == {"B1": "A"}


def test_a_residual_item_after_a_clearing_is_still_due() -> None:
    """Paid with a residual item: SAP clears the invoice item and posts the balance as a new
    open item naming the invoice. Partly paid, not paid."""
    rv = rv_items(["B1"], [
        _item("R1", "119.00", OriginalReferenceDocument="B1", ClearingAccountingDocument="P1"),
    ])  # fmt: skip
    residual = [_item("P1", "69.00", InvoiceReference="R1", InvoiceReferenceFiscalYear="2025")]
    assert amounts_due(rv, residual) == {"B1": (69.0, None)}
    assert clearing_statuses(rv, residual) == {"B1": "B"}
    settled = [{**residual[0], "ClearingAccountingDocument": "P2"}]  # the balance paid too
    assert amounts_due(rv, settled) == {"B1": (0.0, None)}
    assert clearing_statuses(rv, settled) == {"B1": "C"}


def test_payments_and_clearings_map_to_their_billing_documents() -> None:
    touched = [
        _item("R1", "100", OriginalReferenceDocument="B1"),
        _item("P1", "-10", InvoiceReference="R2", InvoiceReferenceFiscalYear="2025"),
        _item("P2", "-10", InvoiceReference="R9", InvoiceReferenceFiscalYear="2025"),  # unknown
        _item("P3", "-10"),  # a payment item naming nothing (cleared with its invoice)
    ]
    assert documents_touched(touched, {("1010", "R2", "2025"): "B2"}) == {"B1", "B2"}


# -- against the mock --------------------------------------------------------------------------


def test_every_billing_document_reads_what_the_ledger_says_is_due(sap: Kit) -> None:
    records = billing(connector(sap))
    assert {r.fields["InvoiceClearingStatus"] for r in records} >= {"A", "C"}
    for record in records:
        expected = amount_due(store(sap), record.id)
        assert Decimal(str(record.fields["AmountDue"])) == expected, record.id
        assert date.fromisoformat(record.fields["NetDueDate"])  # an ISO date
        if record.fields["InvoiceClearingStatus"] == "C":
            assert record.fields["AmountDue"] == 0.0
        if record.fields["InvoiceClearingStatus"] == "A":
            assert record.fields["AmountDue"] == record.fields["TotalGrossAmount"]


def test_a_page_of_billing_documents_costs_at_most_two_cube_queries(sap: Kit) -> None:
    server_pages(sap, 3)
    conn = connector(sap, page_size=None)
    sent = cube_queries(conn)
    pages = list(conn.read(BILLING))
    documents = sum(len(p) for p in pages)
    assert len(pages) >= 3 and documents > len(pages)
    assert len(sent) <= 2 * len(pages) < documents  # never one query per document
    firsts = [filter_of(q) for q in sent if "OriginalReferenceDocument eq" in q]
    assert len(firsts) == len(pages)  # one per page, its documents `or`ed
    assert sorted(q.count(" or ") for q in firsts) == sorted(len(p) - 1 for p in pages)


def test_one_server_page_larger_than_a_filter_is_split_in_completion(sap: Kit) -> None:
    conn = connector(sap, page_size=None)
    sent = cube_queries(conn)
    records = billing(conn)
    # the whole set fits one page and one completion: two cube queries at most
    assert len(records) > 2 and len(sent) <= 2


def test_partial_then_full_payment_show_in_the_amount_due(sap: Kit) -> None:
    unpaid = by_status(billing(connector(sap)), "A")
    total = Decimal(str(unpaid.fields["TotalGrossAmount"]))
    part = (total / 3).quantize(Decimal("0.01"))
    on = date.fromisoformat(unpaid.fields["NetDueDate"])
    assert unpaid.fields["ClearingStatus"] == "A"
    post_payment(store(sap), unpaid.id, part, on=on)
    again = connector(sap).get_by_ids(BILLING, [unpaid.id])[unpaid.id]
    assert Decimal(str(again.fields["AmountDue"])) == total - part
    assert again.fields["ClearingStatus"] == "B"  # from FI, with the amount
    post_payment(store(sap), unpaid.id, total - part, on=on)
    paid = connector(sap).get_by_ids(BILLING, [unpaid.id])[unpaid.id]
    assert paid.fields["AmountDue"] == 0.0
    assert paid.fields["ClearingStatus"] == "C"
    assert paid.modified_at == unpaid.modified_at  # FI cleared it; billing did not move


def test_the_cube_is_paged_by_next_to_the_end(sap: Kit) -> None:
    server_pages(sap, 2)
    conn = connector(sap, page_size=None)
    sent = cube_queries(conn)
    conn.fi.touched_since(datetime_of("2000-01-01"))  # every item: many server pages
    assert sum("skiptoken" in q for q in sent) >= 2
    records = billing(connector(sap, page_size=None))
    for record in records:
        assert Decimal(str(record.fields["AmountDue"])) == amount_due(store(sap), record.id)


def datetime_of(day: str) -> Any:
    from datetime import UTC, datetime

    return datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)


# -- the incremental trap ----------------------------------------------------------------------


def test_an_incremental_read_finds_a_payment_although_the_document_did_not_change(
    sap: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = billing(connector(sap))
    last = max(records, key=lambda r: (r.modified_at, r.id))
    mark = Watermark(last.modified_at, last.id)
    unpaid = by_status(records, "A")
    assert unpaid.modified_at <= mark.modified_at
    total = Decimal(str(unpaid.fields["TotalGrossAmount"]))
    part = (total / 2).quantize(Decimal("0.01"))
    post_payment(store(sap), unpaid.id, part, on=mark.modified_at.date() + timedelta(days=1))

    conn = connector(sap)
    found = billing(conn, since=mark)
    (paid,) = [r for r in found if r.id == unpaid.id]
    assert Decimal(str(paid.fields["AmountDue"])) == total - part
    assert paid.modified_at == mark.modified_at  # at the watermark: it does not move it
    assert all(r.modified_at >= mark.modified_at for r in found)

    # the contrast: the billing documents' own stamps do not name it; only FI does
    blind = connector(sap)
    monkeypatch.setattr(blind.fi, "touched_since", lambda _start: set())
    assert unpaid.id not in {r.id for r in billing(blind, since=mark)}


def test_a_full_payment_clearing_the_invoice_is_found_incrementally(sap: Kit) -> None:
    records = billing(connector(sap))
    last = max(records, key=lambda r: (r.modified_at, r.id))
    mark = Watermark(last.modified_at, last.id)
    unpaid = by_status(records, "A")
    total = Decimal(str(unpaid.fields["TotalGrossAmount"]))
    post_payment(store(sap), unpaid.id, total, on=mark.modified_at.date())
    found = {r.id: r for r in billing(connector(sap), since=mark)}
    assert found[unpaid.id].fields["AmountDue"] == 0.0
    # a later run, its watermark past the payment's day, no longer reads it
    later = Watermark(mark.modified_at + timedelta(days=3), "")
    assert unpaid.id not in {r.id for r in billing(connector(sap), since=later)}


def test_a_back_dated_payment_is_found_by_the_day_it_was_keyed_in(sap: Kit) -> None:
    """A payment keyed in today with a posting date weeks before the watermark, clearing the
    invoice: its posting and clearing dates are both behind the watermark; FI's entry date
    and the invoice item's clearing document still name it."""
    records = billing(connector(sap))
    last = max(records, key=lambda r: (r.modified_at, r.id))
    mark = Watermark(last.modified_at, last.id)
    sap.clock.now = mark.modified_at + timedelta(days=1)  # keyed in the day after the run
    unpaid = by_status(records, "A")
    total = Decimal(str(unpaid.fields["TotalGrossAmount"]))
    post_payment(store(sap), unpaid.id, total, on=mark.modified_at.date() - timedelta(days=20))
    found = {r.id: r for r in billing(connector(sap), since=mark)}
    assert found[unpaid.id].fields["AmountDue"] == 0.0
    assert found[unpaid.id].fields["ClearingStatus"] == "C"


def test_a_read_with_nothing_paid_since_costs_one_cube_query(sap: Kit) -> None:
    records = billing(connector(sap))
    last = max(records, key=lambda r: (r.modified_at, r.id))
    later = Watermark(last.modified_at + timedelta(days=400), "")
    conn = connector(sap)
    sent = cube_queries(conn)
    assert billing(conn, since=later) == []
    (query,) = sent
    assert "PostingDate ge" in filter_of(query) and "ClearingDate ge" in filter_of(query)
