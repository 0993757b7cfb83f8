"""API_BILLING_DOCUMENT_SRV (Billing Document (A2X)) and API_MATERIAL_STOCK_SRV (Material
Stock (A2X)): what the ERP -> CRM flows read. Both are read-only here (405 on writes)."""

from __future__ import annotations

from mocks.sap.odata.model import EntityType, Nav, Prop, Service
from mocks.sap.schema.fields import amount, date, key, stamp, text

BILLING_DOCUMENT = EntityType(
    "A_BillingDocument",
    (
        key("BillingDocument", 10),
        text("BillingDocumentType", 4),
        date("BillingDocumentDate"),
        text("SoldToParty", 10),
        text("SalesOrganization", 4),
        amount("TotalNetAmount"),
        amount("TotalGrossAmount"),
        text("TransactionCurrency", 5),
        text("CustomerPaymentTerms", 4),
        text("InvoiceClearingStatus", 1),
        text("OverallBillingStatus", 1),
        date("CreationDate"),
        stamp("LastChangeDateTime"),
    ),
    (Nav("to_Item", "A_BillingDocumentItem", True, (("BillingDocument", "BillingDocument"),)),),
    stamp=("LastChangeDateTime",),
    read_only=True,
)

BILLING_ITEM = EntityType(
    "A_BillingDocumentItem",
    (
        key("BillingDocument", 10),
        key("BillingDocumentItem", 6),
        text("Material", 40),
        amount("BillingQuantity", 13, 3),
        text("BillingQuantityUnit", 3),
        amount("NetAmount"),
        text("TransactionCurrency", 5),
        text("ReferenceSDDocument", 10),
        text("ReferenceSDDocumentItem", 6),
    ),
    read_only=True,
)

STOCK = EntityType(
    "A_MatlStkInAcctMod",
    (
        key("Material", 40),
        key("Plant", 4),
        key("StorageLocation", 4),
        key("Batch", 10),
        key("Supplier", 10),
        key("Customer", 10),
        key("WBSElementInternalID", 24),
        key("SDDocument", 10),
        key("SDDocumentItem", 6),
        key("InventorySpecialStockType", 1),
        key("InventoryStockType", 2),
        Prop("MatlWrhsStkQtyInMatlBaseUnit", "Edm.Decimal", precision=31, scale=14),
        text("MaterialBaseUnit", 3),
    ),
    read_only=True,
)

BILLING_SERVICE = Service(
    "API_BILLING_DOCUMENT_SRV", (BILLING_DOCUMENT, BILLING_ITEM), "Billing Document (A2X)"
)
STOCK_SERVICE = Service("API_MATERIAL_STOCK_SRV", (STOCK,), "Material Stock (A2X)")

__all__ = ["BILLING_DOCUMENT", "BILLING_ITEM", "BILLING_SERVICE", "STOCK", "STOCK_SERVICE"]
