"""FI open items (`API_OPLACCTGDOCITEMCUBE_SRV`): seeded from the world's invoices and
payments so that, read over HTTP as the connector reads them, what is due on each billing
document is the canonical invoice's total less its payments; partial payments are open
`DZ` items referencing the invoice, full ones clear both items with one document; the cube
refuses writes and anonymous reads; `$metadata` carries SAP's lengths and decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyodata.v2.model as edm
import pytest
from fastapi import FastAPI

from mocks.sap.errors import SAP_REALM
from mocks.world.generator import WorldSettings, generate_world
from mocks.world.overlap import plan
from tests.mocks.sap.support import (
    ADMIN,
    BILLING,
    CUBE,
    FI,
    WORLD,
    TestClient,
    due_over_http,
    error_of,
    items,
    results,
)


def canonical_due() -> dict[str, Decimal]:
    """Billing document number -> the canonical invoice's total less payments, at least 0."""
    world = generate_world(WorldSettings(**WORLD))
    world.ensure_business()
    overlap = plan(world)
    out: dict[str, Decimal] = {}
    for invoice in overlap.invoices.values():
        paid = sum(p.amount for p in overlap.payments.get(invoice.key, []))
        out[overlap.erp_ids[invoice.key]] = Decimal(max(invoice.total - paid, 0)) / 100
    return out


def bills_by_status(client: TestClient) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for bill in results(client.get(f"{BILLING}/A_BillingDocument")):
        out.setdefault(bill["InvoiceClearingStatus"], []).append(bill)
    return out


def test_amount_due_matches_the_canonical_invoices(seeded: FastAPI, client: TestClient) -> None:
    expected = canonical_due()
    bills = {b["BillingDocument"]: b for b in results(client.get(f"{BILLING}/A_BillingDocument"))}
    assert set(bills) == set(expected) and len(expected) > 10
    for number, bill in bills.items():
        due = due_over_http(client, number)
        assert due == expected[number], number
        status = bill["InvoiceClearingStatus"]
        total = Decimal(bill["TotalGrossAmount"])
        assert (status == "C") == (due == 0 < total), number
        assert (status == "A") == (due == total and total > 0), number


def test_every_rv_item_carries_its_billing_document(seeded: FastAPI, client: TestClient) -> None:
    bills = {b["BillingDocument"]: b for b in results(client.get(f"{BILLING}/A_BillingDocument"))}
    invoices = items(client, "AccountingDocumentType eq 'RV'")
    assert len(invoices) == len(bills)
    for item in invoices:
        bill = bills[item["OriginalReferenceDocument"]]
        assert item["AmountInTransactionCurrency"] == bill["TotalGrossAmount"]
        assert item["Customer"] == bill["SoldToParty"]
        assert item["TransactionCurrency"] == bill["TransactionCurrency"]
        assert item["PostingDate"] == bill["BillingDocumentDate"]
        assert item["DebitCreditCode"] == "S" and item["FinancialAccountType"] == "D"
        assert item["CompanyCode"] == "1010" and item["AccountingDocumentItem"] == "001"
        assert item["NetDueDate"].startswith("/Date(") and item["NetDueDate"] > "/Date(0)/"


def test_partly_paid_invoice_has_open_payments_referencing_it(
    seeded: FastAPI, client: TestClient
) -> None:
    partly = bills_by_status(client)["B"]
    assert partly
    for bill in partly:
        (invoice,) = items(client, f"OriginalReferenceDocument eq '{bill['BillingDocument']}'")
        assert invoice["ClearingAccountingDocument"] == "" and invoice["ClearingDate"] is None
        payments = items(client, f"InvoiceReference eq '{invoice['AccountingDocument']}'")
        assert payments
        for payment in payments:
            assert payment["AccountingDocumentType"] == "DZ"
            assert payment["ClearingAccountingDocument"] == "" and not payment["IsCleared"]
            assert payment["DebitCreditCode"] == "H"
            assert Decimal(payment["AmountInTransactionCurrency"]) < 0
            assert payment["InvoiceReferenceFiscalYear"] == invoice["FiscalYear"]
            assert payment["Customer"] == invoice["Customer"]


def test_fully_paid_invoice_is_cleared_with_its_payment(
    seeded: FastAPI, client: TestClient
) -> None:
    cleared = bills_by_status(client)["C"]
    assert cleared
    for bill in cleared:
        (invoice,) = items(client, f"OriginalReferenceDocument eq '{bill['BillingDocument']}'")
        clearing = invoice["ClearingAccountingDocument"]
        assert clearing and invoice["ClearingDate"] and invoice["IsCleared"]
        (payment,) = items(client, f"AccountingDocument eq '{clearing}'")
        assert payment["AccountingDocumentType"] == "DZ"
        assert payment["ClearingAccountingDocument"] == clearing
        assert payment["ClearingDate"] == invoice["ClearingDate"] == payment["PostingDate"]
        assert Decimal(payment["AmountInTransactionCurrency"]) == -Decimal(
            invoice["AmountInTransactionCurrency"]
        )
        assert payment["InvoiceReference"] == ""


def test_unpaid_invoice_has_its_rv_item_alone(seeded: FastAPI, client: TestClient) -> None:
    unpaid = bills_by_status(client)["A"]
    assert unpaid
    for bill in unpaid:
        (invoice,) = items(client, f"OriginalReferenceDocument eq '{bill['BillingDocument']}'")
        assert invoice["ClearingAccountingDocument"] == ""
        assert items(client, f"InvoiceReference eq '{invoice['AccountingDocument']}'") == []


def test_seeding_twice_gives_the_same_numbers(app: FastAPI, client: TestClient) -> None:
    first = app.state.mock.seed(WorldSettings(**WORLD))
    rows = results(client.get(CUBE, params={"$orderby": "AccountingDocument"}))
    second = app.state.mock.seed(WorldSettings(**WORLD))
    again = results(client.get(CUBE, params={"$orderby": "AccountingDocument"}))
    assert first == second and rows == again and rows


@pytest.mark.parametrize("method", ["POST", "PATCH", "MERGE", "PUT", "DELETE"])
def test_the_cube_refuses_writes(seeded: FastAPI, client: TestClient, method: str) -> None:
    (item,) = items(client, "AccountingDocument eq '1800000000'")
    target = CUBE if method == "POST" else item["__metadata"]["uri"]
    response = client.request(method, target, json={"AmountInTransactionCurrency": "0.000"})
    assert response.status_code == 405
    error_of(response)
    (after,) = items(client, "AccountingDocument eq '1800000000'")
    assert after == item
    by_key = client.get(item["__metadata"]["uri"])  # the composite key reads back
    assert by_key.status_code == 200 and by_key.json()["d"] == item


def test_the_cube_needs_logon(seeded: FastAPI) -> None:
    with TestClient(seeded, base_url="https://testserver") as anonymous:
        for path in (CUBE, f"{FI}/$metadata", f"{CUBE}/$count"):
            response = anonymous.get(path)
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"] == SAP_REALM
        bad = anonymous.get(CUBE, auth=("COMM_USER", "wrong"))
        assert bad.status_code == 401


def test_metadata_declares_sap_names_lengths_and_decimals(client: TestClient) -> None:
    schema = edm.MetadataBuilder(client.get(f"{FI}/$metadata").content).build()
    cube = schema.entity_type("A_OperationalAcctgDocItemCubeType")
    assert [k.name for k in cube.key_proprties] == [
        "CompanyCode",
        "FiscalYear",
        "AccountingDocument",
        "AccountingDocumentItem",
    ]
    lengths = {
        "CompanyCode": 4,
        "FiscalYear": 4,
        "AccountingDocument": 10,
        "AccountingDocumentItem": 3,
        "AccountingDocumentType": 2,
        "FinancialAccountType": 1,
        "Customer": 10,
        "TransactionCurrency": 5,
        "DebitCreditCode": 1,
        "OriginalReferenceDocument": 20,
        "InvoiceReference": 10,
        "InvoiceReferenceFiscalYear": 4,
        "ClearingAccountingDocument": 10,
    }
    assert {name: cube.proprty(name).max_length for name in lengths} == lengths
    amount = cube.proprty("AmountInTransactionCurrency")
    assert (amount.typ.name, amount.precision, amount.scale) == ("Edm.Decimal", 24, 3)
    for name in ("PostingDate", "DocumentDate", "NetDueDate", "ClearingDate"):
        assert cube.proprty(name).typ.name == "Edm.DateTime" and cube.proprty(name).nullable
    assert not cube.proprty("AccountingDocument").nullable
    assert cube.proprty("ClearingAccountingDocument").nullable
    (entity_set,) = schema.entity_sets
    assert not entity_set.creatable and not entity_set.updatable and not entity_set.deletable


def test_query_options_and_paging(seeded: FastAPI, client: TestClient) -> None:
    total = int(client.get(f"{CUBE}/$count").text)
    open_count = int(
        client.get(f"{CUBE}/$count", params={"$filter": "ClearingAccountingDocument eq ''"}).text
    )
    assert total > open_count > 0
    assert client.patch("/__harness/settings", json={"page_size": 7}, headers=ADMIN).is_success
    pages = 0
    seen: list[str] = []
    url: str | None = CUBE
    params: dict[str, str] | None = {
        "$select": "AccountingDocument,AccountingDocumentItem,FiscalYear",
        "$orderby": "PostingDate desc",
        "$inlinecount": "allpages",
    }
    for _ in range(100):
        if url is None:
            break
        body = client.get(url, params=params).json()["d"]
        seen += [r["AccountingDocument"] for r in body["results"]]
        assert all(set(r) == {"__metadata", "AccountingDocument", "AccountingDocumentItem",
                              "FiscalYear"} for r in body["results"])  # fmt: skip
        url, params, pages = body.get("__next"), None, pages + 1
    assert pages == -(-total // 7)
    assert len(seen) == len(set(seen)) == total
