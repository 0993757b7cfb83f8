"""API_SALES_ORDER_SRV (Sales Order (A2X)): orders with their items; deep insert of an
order with `to_Item`. Numbers are assigned (orders from a range, items 10, 20, 30)."""

from __future__ import annotations

from mocks.sap.odata.model import EntityType, Nav, Service
from mocks.sap.schema.fields import READ_ONLY, amount, date, key, required, stamp, text

ORDER = EntityType(
    "A_SalesOrder",
    (
        key("SalesOrder", 10),
        text("SalesOrderType", 4),
        text("SalesOrganization", 4),
        text("DistributionChannel", 2),
        text("OrganizationDivision", 2),
        required("SoldToParty", 10),
        text("PurchaseOrderByCustomer", 35),
        date("CustomerPurchaseOrderDate"),
        date("SalesOrderDate"),
        text("ExternalDocumentID", 40),
        text("TransactionCurrency", 5),
        amount("TotalNetAmount", **READ_ONLY),
        text("CustomerPaymentTerms", 4),
        text("OverallSDProcessStatus", 1, **READ_ONLY),
        text("CreatedByUser", 12, **READ_ONLY),
        date("CreationDate", **READ_ONLY),
        date("LastChangeDate", **READ_ONLY),
        stamp("LastChangeDateTime"),
    ),
    (Nav("to_Item", "A_SalesOrderItem", True, (("SalesOrder", "SalesOrder"),)),),
    stamp=("LastChangeDateTime",),
)

ITEM = EntityType(
    "A_SalesOrderItem",
    (
        key("SalesOrder", 10),
        key("SalesOrderItem", 6),
        text("SalesOrderItemText", 40),
        required("Material", 40),
        text("MaterialByCustomer", 35),
        amount("RequestedQuantity", 15, 3),
        text("RequestedQuantityUnit", 3),
        amount("NetPriceAmount", 16, 3),
        amount("NetAmount", **READ_ONLY),
        text("TransactionCurrency", 5, **READ_ONLY),
    ),
)

SERVICE = Service("API_SALES_ORDER_SRV", (ORDER, ITEM), "Sales Order (A2X)")

__all__ = ["ITEM", "ORDER", "SERVICE"]
