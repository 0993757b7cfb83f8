"""FI open items (`A_OperationalAcctgDocItemCube`): what billing and incoming payments post
to the customer's account, and `post_payment`, which posts a payment later as FI would.

Each billing document has one `RV` accounting document whose customer item carries the
billing document's `TotalGrossAmount` (debit, positive) and the billing document number in
`OriginalReferenceDocument`. A payment is a `DZ` document whose customer item is a credit
(negative): open and pointing at the invoice through `InvoiceReference` while it pays part
of it, or cleared together with the `RV` item (same `ClearingAccountingDocument`, the
`ClearingDate`) once the invoice is paid in full. So what is still due on billing document
B is the sum of the open items that are B's `RV` item or reference it, and zero once that
item is cleared.

Numbers are the mock's choice, deterministic, in world order: `RV` documents from
1800000000, `DZ` documents from 1400000000 (SAP's standard interval for incoming
payments), company code 1010, the fiscal year of the posting date. The customer item is
`001` on an `RV` document and `002` on a `DZ` one (item `001` of a payment being the bank's
G/L line, which the mock does not hold).

A payment never touches the billing document: in SAP clearing happens in FI and leaves
`LastChangeDateTime` (and the seeded `InvoiceClearingStatus`) as they were, so a delta read
on the billing document's stamp does not see it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mocks.sap.odata.model import record_id
from mocks.sap.odata.values import decimal_text
from mocks.sap.schema.accounting import OPEN_ITEM
from mocks.sap.seed.common import at, day
from mocks.store import RecordStore, StoredRecord

if TYPE_CHECKING:  # the world is only read, never imported at run time (the pack loads lazily)
    from mocks.world.entities import Invoice, Payment
    from mocks.world.overlap import Overlap

SET = OPEN_ITEM.set_name
COMPANY_CODE = "1010"
RV_START, DZ_START = 1_800_000_000, 1_400_000_000
RV_ITEM, DZ_ITEM = "001", "002"
_CENT = Decimal("0.01")


def clearing_status(total: int, paid: int) -> str:
    """`InvoiceClearingStatus` for an invoice of `total` with `paid` received (cents): `C`
    cleared once something was paid and it covers the total, `B` partly, `A` open. The
    open items are seeded by the same rule, so the two agree."""
    if paid > 0 and paid >= total:
        return "C"
    return "B" if paid > 0 else "A"


@dataclass(frozen=True)
class Posting:
    """One customer line item as FI posts it."""

    document: str
    kind: str  # RV or DZ
    customer: str
    currency: str
    amount: Decimal  # signed: debit positive
    posted: date
    due: date
    reference: str = ""  # OriginalReferenceDocument: the billing document
    invoice: tuple[str, str] = ("", "")  # InvoiceReference, InvoiceReferenceFiscalYear
    entered: date | None = None  # when it was keyed in (a posting date may be back-dated)

    def fields(self) -> dict[str, Any]:
        return {
            "CompanyCode": COMPANY_CODE,
            "FiscalYear": str(self.posted.year),
            "AccountingDocument": self.document,
            "AccountingDocumentItem": RV_ITEM if self.kind == "RV" else DZ_ITEM,
            "ClearingDate": None,
            "ClearingAccountingDocument": "",
            "IsCleared": False,
            "FinancialAccountType": "D",
            "DebitCreditCode": "S" if self.amount >= 0 else "H",
            "Customer": self.customer,
            "InvoiceReference": self.invoice[0],
            "InvoiceReferenceFiscalYear": self.invoice[1],
            "OriginalReferenceDocument": self.reference,
            "PostingDate": day(self.posted),
            "DocumentDate": day(self.posted),
            "AccountingDocumentCreationDate": day(self.entered or self.posted),
            "AccountingDocumentType": self.kind,
            "NetDueDate": day(self.due),
            "TransactionCurrency": self.currency,
            "AmountInTransactionCurrency": decimal_text(self.amount, 3),
        }


def _insert(store: RecordStore, posting: Posting, *, seeding: bool = False) -> StoredRecord:
    """Store a posting: a seeded one at its posting date (as a migration would), a later
    one at the store's clock."""
    fields = posting.fields()
    return store.insert(
        SET, record_id(OPEN_ITEM, fields), fields, at=at(posting.posted) if seeding else None
    )


def _clear(
    store: RecordStore, rows: list[StoredRecord], by: str, on: date, *, seeding: bool = False
) -> None:
    """Clear the items with document `by` on `on` (FI's clearing writes the items)."""
    cleared = {"ClearingAccountingDocument": by, "ClearingDate": day(on), "IsCleared": True}
    for rec in rows:
        store.update(SET, rec.id, cleared, at=at(on) if seeding else None)


def _cents(value: int) -> Decimal:
    return Decimal(value) * _CENT


def _seed_invoice(
    store: RecordStore,
    invoice: Invoice,
    payments: list[Payment],
    numbers: tuple[str, str, str, int],
) -> int:
    """Post one invoice and its payments (`numbers`: its RV document, customer, billing
    document and the next DZ number); how many DZ numbers it used."""
    rv, customer, billing, dz = numbers
    invoice_item = _insert(
        store,
        Posting(rv, "RV", customer, invoice.currency, _cents(invoice.total),
                invoice.invoice_date, invoice.due_date, reference=billing),
        seeding=True,
    )  # fmt: skip
    paid = sum(p.amount for p in payments)
    if not payments:
        return 0
    if clearing_status(invoice.total, paid) == "C":
        last = max(p.paid_on for p in payments)
        posting = Posting(str(dz), "DZ", customer, invoice.currency, -_cents(paid), last, last)
        payment = _insert(store, posting, seeding=True)
        _clear(store, [invoice_item, payment], str(dz), last, seeding=True)
        return 1
    reference = (rv, str(invoice.invoice_date.year))
    for n, p in enumerate(sorted(payments, key=lambda p: (p.paid_on, p.key))):
        _insert(
            store,
            Posting(str(dz + n), "DZ", customer, invoice.currency, -_cents(p.amount),
                    p.paid_on, p.paid_on, invoice=reference),
            seeding=True,
        )  # fmt: skip
    return len(payments)


def seed_accounting(store: RecordStore, overlap: Overlap) -> None:
    """The RV document of every billing document and the DZ documents of its payments, in
    world order (the billing documents' own order)."""
    ids = overlap.erp_ids
    rv, dz = RV_START, DZ_START
    for order in overlap.orders:
        invoice = overlap.invoices.get(order.key)
        if invoice is None:
            continue
        numbers = (str(rv), ids[order.customer_key], ids[invoice.key], dz)
        dz += _seed_invoice(store, invoice, overlap.payments.get(invoice.key, []), numbers)
        rv += 1


# -- later payments ---------------------------------------------------------------------------


def _money(amount: Decimal | int | float | str) -> Decimal:
    """An amount in the transaction currency's units (`12.5`, `"12.50"`), to the cent."""
    value = Decimal(str(amount)).quantize(_CENT)
    if value <= 0:
        raise ValueError(f"a payment must be positive, not {amount}")
    return value


def invoice_item(store: RecordStore, billing_document: str) -> StoredRecord:
    """The RV customer item of `billing_document` (LookupError when FI has none)."""
    rows = [
        r
        for r in store.find(SET, "OriginalReferenceDocument", billing_document)
        if r.fields.get("AccountingDocumentType") == "RV"
    ]
    if not rows:
        raise LookupError(f"no accounting document for billing document {billing_document}")
    return rows[0]


def _open_payments(store: RecordStore, invoice: StoredRecord) -> list[StoredRecord]:
    return [
        r
        for r in store.find(SET, "InvoiceReference", invoice.fields["AccountingDocument"])
        if r.fields.get("InvoiceReferenceFiscalYear") == invoice.fields["FiscalYear"]
        and r.fields.get("ClearingAccountingDocument") == ""
    ]


def amount_due(store: RecordStore, billing_document: str) -> Decimal:
    """What FI says is still due on `billing_document`: the open items that are its RV item
    or reference it, summed; zero once the RV item is cleared."""
    invoice = invoice_item(store, billing_document)
    if invoice.fields.get("ClearingAccountingDocument"):
        return Decimal("0.00")
    rows = [invoice, *_open_payments(store, invoice)]
    total = sum((Decimal(r.fields["AmountInTransactionCurrency"]) for r in rows), Decimal(0))
    return total.quantize(_CENT)


def _next_dz(store: RecordStore) -> str:
    used = [
        int(r.fields["AccountingDocument"])
        for r in store.records(SET)
        if r.fields.get("AccountingDocumentType") == "DZ"
    ]
    return str(max(used, default=DZ_START - 1) + 1)


def post_payment(
    store: RecordStore, billing_document: str, amount: Decimal | int | float | str, on: date
) -> str:
    """Post an incoming payment of `amount` (currency units, e.g. `Decimal("120.50")`) on
    `on` against `billing_document`, as FI would, and return the DZ document's number.
    `on` is the posting date, which may lie in the past (a back-dated posting); the
    document's `AccountingDocumentCreationDate` is the store's today.

    Less than what is still due: an open DZ credit item referencing the invoice's RV
    document (`InvoiceReference`). The rest or more: the DZ item, the RV item and any open
    partial payments of it are cleared together by the DZ document on `on`. The billing
    document is left alone (its `LastChangeDateTime` does not move: the trap a delta sync
    must handle). ValueError for a cleared invoice or an amount that is not positive."""
    paid = _money(amount)
    invoice = invoice_item(store, billing_document)
    if invoice.fields.get("ClearingAccountingDocument"):
        raise ValueError(f"billing document {billing_document} is already cleared")
    due = amount_due(store, billing_document)
    fields = invoice.fields
    dz = _next_dz(store)
    posting = Posting(
        dz, "DZ", fields["Customer"], fields["TransactionCurrency"], -paid, on, on,
        invoice=(fields["AccountingDocument"], fields["FiscalYear"]),
        entered=store.now().date(),  # keyed in today, whatever posting date it carries
    )  # fmt: skip
    if paid < due:
        _insert(store, posting)
        return dz
    partials = _open_payments(store, invoice)
    payment = _insert(store, replace(posting, invoice=("", "")))
    _clear(store, [invoice, *partials, payment], dz, on)
    return dz


__all__ = [
    "COMPANY_CODE",
    "DZ_START",
    "RV_START",
    "SET",
    "Posting",
    "amount_due",
    "clearing_status",
    "invoice_item",
    "post_payment",
    "seed_accounting",
]
