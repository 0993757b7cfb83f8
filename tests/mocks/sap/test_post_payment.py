"""`post_payment`: a payment posted later as FI posts it. Part of what is due gives an open
`DZ` item referencing the invoice; the rest clears the invoice, its earlier partial payments
and the new payment with one document. The billing document does not move (stamp, ETag,
clearing status): the trap a delta read on `LastChangeDateTime` falls into."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI

from mocks.sap import amount_due, post_payment
from mocks.sap.seed.accounting import DZ_START
from mocks.store import RecordStore
from tests.mocks.sap.support import BILLING, CUBE, Clock, TestClient, due_over_http, items, results

ON = date(2026, 3, 2)


def _bill(client: TestClient, status: str) -> dict[str, Any]:
    flt = f"InvoiceClearingStatus eq '{status}'"
    bills = results(client.get(f"{BILLING}/A_BillingDocument", params={"$filter": flt}))
    assert bills
    return bills[0]


def _document(client: TestClient, number: str) -> tuple[dict[str, Any], str]:
    response = client.get(f"{BILLING}/A_BillingDocument('{number}')")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()["d"]
    return body, response.headers["etag"]


def test_partial_then_full_payment(
    seeded: FastAPI, client: TestClient, store: RecordStore, clock: Clock
) -> None:
    bill = _bill(client, "A")
    number, total = bill["BillingDocument"], Decimal(bill["TotalGrossAmount"])
    before = _document(client, number)
    clock.tick(3600)
    part = (total / 4).quantize(Decimal("0.01"))
    first = post_payment(store, number, part, on=ON)
    (item,) = items(client, f"AccountingDocument eq '{first}'")
    (invoice,) = items(client, f"OriginalReferenceDocument eq '{number}'")
    assert item["InvoiceReference"] == invoice["AccountingDocument"]
    assert item["InvoiceReferenceFiscalYear"] == invoice["FiscalYear"]
    assert item["ClearingAccountingDocument"] == "" and item["FiscalYear"] == "2026"
    assert Decimal(item["AmountInTransactionCurrency"]) == -part
    assert due_over_http(client, number) == amount_due(store, number) == total - part
    second = post_payment(store, number, str(total - part), on=ON)
    assert int(second) == int(first) + 1
    cleared = items(client, f"ClearingAccountingDocument eq '{second}'")
    assert {i["AccountingDocument"] for i in cleared} == {
        invoice["AccountingDocument"],
        first,
        second,
    }
    assert all(i["ClearingDate"] == cleared[0]["ClearingDate"] and i["IsCleared"] for i in cleared)
    assert sum(Decimal(i["AmountInTransactionCurrency"]) for i in cleared) == 0
    assert due_over_http(client, number) == amount_due(store, number) == 0
    assert _document(client, number) == before  # stamp, ETag and clearing status unmoved


def test_delta_reads_of_the_cube_see_the_payment(
    seeded: FastAPI, client: TestClient, store: RecordStore
) -> None:
    since = "datetime'2026-03-01T00:00:00'"
    assert items(client, f"PostingDate ge {since}") == []
    partly, unpaid = _bill(client, "B"), _bill(client, "A")
    post_payment(store, partly["BillingDocument"], Decimal("0.01"), on=ON)
    post_payment(store, unpaid["BillingDocument"], unpaid["TotalGrossAmount"], on=ON)
    posted = items(client, f"PostingDate ge {since}")
    assert len(posted) == 2
    cleared = items(client, f"ClearingDate ge {since}")
    assert {i["AccountingDocumentType"] for i in cleared} == {"RV", "DZ"}
    assert unpaid["BillingDocument"] in {i["OriginalReferenceDocument"] for i in cleared}


def test_full_payment_of_a_partly_paid_invoice_clears_the_partial_ones(
    seeded: FastAPI, client: TestClient, store: RecordStore
) -> None:
    bill = _bill(client, "B")
    number = bill["BillingDocument"]
    (invoice,) = items(client, f"OriginalReferenceDocument eq '{number}'")
    partials = items(client, f"InvoiceReference eq '{invoice['AccountingDocument']}'")
    due = amount_due(store, number)
    assert 0 < due < Decimal(bill["TotalGrossAmount"])
    dz = post_payment(store, number, due + 5, on=ON)  # an overpayment clears it too
    cleared = {
        i["AccountingDocument"] for i in items(client, f"ClearingAccountingDocument eq '{dz}'")
    }
    assert cleared == {
        invoice["AccountingDocument"],
        dz,
        *(p["AccountingDocument"] for p in partials),
    }
    assert due_over_http(client, number) == 0


def test_numbers_follow_the_highest_dz_document(
    seeded: FastAPI, client: TestClient, store: RecordStore
) -> None:
    highest = max(
        int(i["AccountingDocument"]) for i in items(client, "AccountingDocumentType eq 'DZ'")
    )
    assert highest >= DZ_START
    assert post_payment(store, _bill(client, "A")["BillingDocument"], 1, on=ON) == str(highest + 1)


def test_refusals(seeded: FastAPI, client: TestClient, store: RecordStore) -> None:
    count = client.get(f"{CUBE}/$count").text
    with pytest.raises(ValueError, match="already cleared"):
        post_payment(store, _bill(client, "C")["BillingDocument"], 1, on=ON)
    with pytest.raises(ValueError, match="positive"):
        post_payment(store, _bill(client, "A")["BillingDocument"], 0, on=ON)
    with pytest.raises(LookupError):
        post_payment(store, "99999999", 1, on=ON)
    assert client.get(f"{CUBE}/$count").text == count
