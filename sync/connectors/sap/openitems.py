"""What is still due on a billing document, read from accounting (FI): the Operational
Accounting Document Item cube (`API_OPLACCTGDOCITEMCUBE_SRV`, `A_OperationalAcctgDocItemCube`).

SAP's billing API says whether a document is cleared (`InvoiceClearingStatus`), not how much
is left nor when it falls due: both live in the customer line items FI posts. Billing posts
one item (document type RV) whose `OriginalReferenceDocument` is the billing document; a
partial payment posts an open credit item whose `InvoiceReference` names the RV document; a
full payment clears them all (`ClearingAccountingDocument` set). So the amount due of a
billing document is the sum of the signed amounts of its open RV items and of the open items
referencing them, and zero once its RV items are cleared.

Costs: a page of billing documents is completed with at most two cube queries (the RV items
by `OriginalReferenceDocument`, then the open items referencing the still-open ones), the
keys `or`ed in one `$filter`; never one query per document. A chunk of `PAGE` documents
keeps each filter within the URL budget.

The trap: a payment posted in FI leaves the billing document's `LastChangeDateTime` alone,
so a delta read on that stamp misses it. `touched_since` reads the customer items posted or
cleared since a moment and maps them to their billing documents, which the connector returns
too. The cube's dates carry no time of day, so the look-back reaches the start of that day;
a document found again on a later run reads unchanged, and the engine skips it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync.connectors.base import Record
from sync.connectors.sap import dialect
from sync.connectors.sap import values as vals
from sync.connectors.sap.views import CUBE, View
from sync.errors import FatalVendorError

if TYPE_CHECKING:
    from sync.connectors.sap.connector import SapConnector

__all__ = ["PAGE", "OpenItems", "amounts_due", "clearing_statuses", "documents_touched"]

log = logging.getLogger(__name__)

PAGE = 100  # billing documents per completion: both `or`ed filters fit one URL each
_OPEN = ""  # `ClearingAccountingDocument` of an item not cleared yet
# An accounting document also holds its G/L lines (revenue, tax) under the same reference;
# only the customer's items (account type D) say what the customer owes.
CUSTOMER_ITEMS = "FinancialAccountType eq 'D'"
_UNOFFERED = frozenset({404, 405, 501})  # the system does not expose the cube service

FiKey = tuple[str, str, str]  # (CompanyCode, AccountingDocument, FiscalYear)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _rv_key(row: Mapping[str, Any]) -> FiKey:
    return (_text(row.get("CompanyCode")), _text(row.get("AccountingDocument")),
            _text(row.get("FiscalYear")))  # fmt: skip


def _ref_key(row: Mapping[str, Any]) -> FiKey:
    return (_text(row.get("CompanyCode")), _text(row.get("InvoiceReference")),
            _text(row.get("InvoiceReferenceFiscalYear")))  # fmt: skip


def is_open(row: Mapping[str, Any]) -> bool:
    return _text(row.get("ClearingAccountingDocument")) == _OPEN


def _amount(row: Mapping[str, Any]) -> Decimal:
    value = row.get("AmountInTransactionCurrency")
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def rv_items(documents: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """The items FI posted for each billing document (by `OriginalReferenceDocument`)."""
    found: dict[str, list[Any]] = {d: [] for d in documents}
    for row in rows:
        document = _text(row.get("OriginalReferenceDocument"))
        if document in found:
            found[document].append(row)
    return found


def _customer(row: Mapping[str, Any]) -> bool:
    """A customer item (account type D), or a row that does not say (read as one)."""
    kind = _text(row.get("FinancialAccountType"))
    return kind in ("", "D")


def _open_by_invoice(referencing: Iterable[Mapping[str, Any]]) -> dict[FiKey, Decimal]:
    """The open customer items naming each invoice (partial payments, residual items)."""
    found: dict[FiKey, Decimal] = {}
    for row in referencing:
        if is_open(row) and _customer(row):
            found[_ref_key(row)] = found.get(_ref_key(row), Decimal(0)) + _amount(row)
    return found


def amounts_due(
    rv: Mapping[str, Sequence[Mapping[str, Any]]], referencing: Iterable[Mapping[str, Any]]
) -> dict[str, tuple[float | None, str | None]]:
    """(amount due, net due date) per billing document: pure. What is due is the open
    invoice item plus every open item naming the invoice: partial payments (negative)
    while the invoice item is open, a residual item (the balance a clearing left) after.

    A document FI holds no item for (not yet released to accounting) has neither: None, so
    a flow that needs the amount holds the invoice rather than guess it."""
    by_invoice = _open_by_invoice(referencing)
    out: dict[str, tuple[float | None, str | None]] = {}
    for document, found in rv.items():
        items = [i for i in found if _customer(i)]
        if not items:
            out[document] = (None, None)
            continue
        due = sum((_amount(i) for i in items if is_open(i)), Decimal(0))
        due += sum((by_invoice.get(k, Decimal(0)) for k in {_rv_key(i) for i in items}),
                   Decimal(0))  # fmt: skip
        dates = sorted(_text(i.get("NetDueDate")) for i in items if i.get("NetDueDate"))
        out[document] = (float(round(due, 2)), dates[0] if dates else None)
    return out


def clearing_statuses(
    rv: Mapping[str, Sequence[Mapping[str, Any]]], referencing: Iterable[Mapping[str, Any]]
) -> dict[str, str | None]:
    """SAP's clearing status per billing document, as FI holds it now: `C` once nothing
    about it is open (its invoice item cleared, no residual item left), `B` while something
    was paid and something is still open (a partial payment beside the open invoice item,
    or a residual item after a clearing), `A` open and unpaid; None when FI holds no item.
    Taken from FI rather than the billing document's `InvoiceClearingStatus`, so it moves
    with the amount due (both change without the billing document's stamp moving)."""
    naming = {_ref_key(row) for row in referencing if is_open(row) and _customer(row)}
    out: dict[str, str | None] = {}
    for document, found in rv.items():
        items = [i for i in found if _customer(i)]
        open_items = [i for i in items if is_open(i)]
        named = any(_rv_key(i) in naming for i in items)
        if not items:
            out[document] = None
        elif not open_items and not named:
            out[document] = "C"
        else:
            out[document] = "B" if named or len(open_items) < len(items) else "A"
    return out


def documents_touched(
    touched: Iterable[Mapping[str, Any]], rv_by_key: Mapping[FiKey, str]
) -> set[str]:
    """The billing documents that items posted or cleared belong to: their own RV item's
    `OriginalReferenceDocument`, or the RV item an `InvoiceReference` names."""
    found = set()
    for row in touched:
        document = _text(row.get("OriginalReferenceDocument"))
        if not document and _text(row.get("InvoiceReference")):
            document = rv_by_key.get(_ref_key(row), "")
        if document:
            found.add(document)
    return found


class OpenItems:
    """The connector's reads of the cube: completing billing documents, and the documents
    a payment touched since a moment."""

    def __init__(self, connector: SapConnector) -> None:
        self.conn = connector
        self._offered: bool | None = None

    def offered(self) -> bool:
        """Whether the system exposes the cube service (its `$metadata` reads); without it
        billing documents read without amount due, and the connector says so once."""
        if self._offered is None:
            try:
                self.conn.service(CUBE.service)
                self._offered = True
            except FatalVendorError as exc:
                if exc.status not in _UNOFFERED:
                    raise
                log.warning(
                    "SAP offers no %s (%s): billing documents read without AmountDue and "
                    "NetDueDate", CUBE.service, exc.status,
                )  # fmt: skip
                self._offered = False
        return self._offered

    def _items(self, prop: str, keys: Sequence[str], *extra: str) -> list[dict[str, Any]]:
        """Cube items whose `prop` is one of `keys`: one `or`ed query per URL budget, every
        `__next` page followed."""
        entity = self.conn.entity(CUBE)
        service = self.conn.service(CUBE.service)
        rows = []
        for match in dialect.or_filters(prop, sorted(set(keys))):
            for page in self.conn.query(CUBE, [match, CUSTOMER_ITEMS, *extra], paged=False):
                rows += [dialect.plain_row(row, entity, service) for row in page]
        return rows

    def complete(self, view: View, records: Sequence[Record]) -> None:
        """Set `AmountDue`, `NetDueDate` and `ClearingStatus` on billing records: two cube
        queries at most (the caller hands at most `PAGE` records). Without the cube, the
        clearing status is the billing document's own."""
        if not records:
            return
        if not self.offered():
            for record in records:
                record.fields["ClearingStatus"] = record.fields.get("InvoiceClearingStatus")
            return
        documents = [r.id for r in records]
        rv = rv_items(documents, self._items("OriginalReferenceDocument", documents))
        # Open items naming any of these invoices: partial payments while the invoice item
        # is open, and residual items after a clearing left a balance (which clears the
        # invoice item and posts the rest as a new open item referencing it).
        invoices = {_rv_key(i)[1] for items in rv.values() for i in items}
        referencing: list[dict[str, Any]] = []
        if invoices:
            referencing = self._items(
                "InvoiceReference", sorted(invoices),
                f"ClearingAccountingDocument eq {vals.quote(_OPEN)}",
            )  # fmt: skip
        due = amounts_due(rv, referencing)
        status = clearing_statuses(rv, referencing)
        for record in records:
            record.fields["AmountDue"], record.fields["NetDueDate"] = due.get(
                record.id, (None, None)
            )
            record.fields["ClearingStatus"] = status.get(record.id)

    def paid_since(
        self, view: View, floor: datetime, lookback: timedelta
    ) -> Iterator[list[Record]]:
        """Billing documents a payment touched in FI since `floor` (less the look-back)
        whose own stamp did not move: SAP clears in FI and leaves the billing document
        alone. They come first in a delta read, stamped at the watermark, so the delta's
        order holds and the watermark does not move for them; those whose stamp did move
        come with the delta itself. Incomplete: the caller completes every page."""
        touched = self.touched_since(floor - lookback)
        if not touched:
            return
        now = datetime.now(UTC)
        found = []
        for match in dialect.or_filters(view.key, sorted(touched)):
            for rows in self.conn.query(view, [match], paged=False):
                found += [self.conn.record(view, row, now) for row in rows]
        stale = [replace(r, modified_at=floor) for r in found if r.modified_at < floor]
        for part in dialect.chunks(sorted(stale, key=lambda r: r.id), PAGE):
            yield list(part)

    def touched_since(self, start: datetime) -> set[str]:
        """Billing documents whose customer items were posted or cleared on or after the
        day of `start`: one query, plus one mapping payments to the RV items they name."""
        if not self.offered():
            return set()
        # FI's dates are the system's calendar days, not UTC's: a day earlier covers any
        # time zone. The entry date catches a payment keyed in now with a back-dated
        # posting date, which the posting and clearing dates would miss for good.
        first = start.astimezone(UTC).date() - timedelta(days=1)
        day = vals.datetime_literal(datetime.combine(first, datetime.min.time(), UTC))
        entity = self.conn.entity(CUBE)
        service = self.conn.service(CUBE.service)
        terms = [f"PostingDate ge {day} or ClearingDate ge {day} or"
                 f" AccountingDocumentCreationDate ge {day}", CUSTOMER_ITEMS]  # fmt: skip
        touched = [
            dialect.plain_row(row, entity, service)
            for page in self.conn.query(CUBE, terms, paged=False)
            for row in page
        ]
        named = {
            _text(r.get("InvoiceReference"))
            for r in touched
            if _text(r.get("InvoiceReference")) and not r.get("OriginalReferenceDocument")
        }
        rv_by_key: dict[FiKey, str] = {}
        if named:
            for row in self._items("AccountingDocument", sorted(named)):
                if _text(row.get("OriginalReferenceDocument")):
                    rv_by_key[_rv_key(row)] = _text(row["OriginalReferenceDocument"])
        found = documents_touched(touched, rv_by_key)
        # A payment that cleared an invoice names none: the invoice item names it instead
        # (its ClearingAccountingDocument), whatever date the clearing was posted on.
        clearing = {
            _text(r.get("AccountingDocument"))
            for r in touched
            if not _text(r.get("OriginalReferenceDocument"))
            and not _text(r.get("InvoiceReference"))
        }
        if clearing:
            cleared = self._items("ClearingAccountingDocument", sorted(clearing))
            found |= {_text(r.get("OriginalReferenceDocument")) for r in cleared} - {""}
        return found
