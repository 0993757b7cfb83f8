"""API_OPLACCTGDOCITEMCUBE_SRV (Operational Accounting Document Item cube, SAP_COM_0303):
the FI line items where what is still due on a billing document lives. Read-only, as SAP's
is (405 on writes).

Only customer items (`FinancialAccountType` `D`) are held, and only the properties an
integration needs to work out an invoice's amount due, with the names, lengths and the
decimal's precision and scale SAP's own `$metadata` declares (an amount of ABAP type CURR
23,2 is advertised as Precision 24, Scale 3, as every SAP Gateway amount is)."""

from __future__ import annotations

from mocks.sap.odata.model import EntityType, Service
from mocks.sap.schema.fields import amount, date, flag, key, text

OPEN_ITEM = EntityType(
    "A_OperationalAcctgDocItemCube",
    (
        key("CompanyCode", 4),
        key("FiscalYear", 4),
        key("AccountingDocument", 10),
        key("AccountingDocumentItem", 3),
        date("ClearingDate"),
        text("ClearingAccountingDocument", 10),
        flag("IsCleared"),
        text("FinancialAccountType", 1),
        text("DebitCreditCode", 1),
        text("Customer", 10),
        text("InvoiceReference", 10),
        text("InvoiceReferenceFiscalYear", 4),
        text("OriginalReferenceDocument", 20),
        date("PostingDate"),
        date("DocumentDate"),
        date("AccountingDocumentCreationDate"),  # the entry date: never back-dated
        text("AccountingDocumentType", 2),
        date("NetDueDate"),
        text("TransactionCurrency", 5),
        amount("AmountInTransactionCurrency", 24, 3),
    ),
    read_only=True,
)

SERVICE = Service(
    "API_OPLACCTGDOCITEMCUBE_SRV", (OPEN_ITEM,), "Operational Accounting Document Item Cube"
)

__all__ = ["OPEN_ITEM", "SERVICE"]
