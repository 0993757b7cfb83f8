"""Transaction record types: salesOrder, invoice and customerPayment.

Transactions stamp `createdDate` (entities say `dateCreated`) and `lastModifiedDate`, share
one internal-id sequence, and appear together in SuiteQL's `transaction` table, told apart
by `type` (`TRANSACTION_TYPES`); their `item` lines appear in `transactionline`. Totals,
amounts remaining and invoice status are computed by the server (`mocks.netsuite.rules`).
"""

from __future__ import annotations

from types import MappingProxyType

from mocks.netsuite.schema.spec import FieldSpec, RecordSpec, text

# Record type -> SuiteQL `transaction.type`.
TRANSACTION_TYPES: dict[str, str] = {
    "salesOrder": "SalesOrd",
    "invoice": "CustInvc",
    "customerPayment": "CustPymt",
}
SALES_ORDER_STATUSES: dict[str, str] = {
    "A": "Pending Approval",
    "B": "Pending Fulfillment",
    "C": "Cancelled",
    "D": "Partially Fulfilled",
    "E": "Pending Billing/Partially Fulfilled",
    "F": "Pending Billing",
    "G": "Billed",
    "H": "Closed",
}
INVOICE_STATUSES: dict[str, str] = {"A": "Open", "B": "Paid In Full"}


def _head(entity: str = "entity", entity_title: str = "Customer") -> tuple[FieldSpec, ...]:
    """Fields every transaction carries, in the record service's order."""
    return (
        FieldSpec("id", "id", "Internal ID", read_only=True, column="id"),
        FieldSpec(
            "tranId",
            "string",
            "Document Number",
            column="tranid",
            description="Numbered automatically when absent.",
        ),
        FieldSpec(
            entity,
            "ref",
            entity_title,
            required=True,
            ref_type="customer",
            column="entity",
        ),
        FieldSpec("tranDate", "date", "Date", column="trandate", description="Today when absent."),
        FieldSpec(
            "subsidiary",
            "ref",
            "Subsidiary",
            ref_type="subsidiary",
            description="The customer's when absent.",
        ),
        FieldSpec(
            "currency",
            "ref",
            "Currency",
            ref_type="currency",
            column="currency",
            description="The customer's when absent.",
        ),
        text("memo", "Memo", "memo"),
        text("externalId", "External ID", "externalid"),
    )


def _stamps() -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("createdDate", "datetime", "Date Created", read_only=True, column="createddate"),
        FieldSpec(
            "lastModifiedDate",
            "datetime",
            "Last Modified Date",
            read_only=True,
            column="lastmodifieddate",
        ),
    )


ITEM_LINES = FieldSpec(
    "item",
    "sublist",
    "Items",
    children=(
        FieldSpec(
            "line",
            "number",
            "Line",
            column="linesequencenumber",
            description="Numbered by the server when absent; keeps a line's identity.",
        ),
        FieldSpec("item", "ref", "Item", required=True, ref_type="inventoryItem", column="item"),
        FieldSpec("quantity", "number", "Quantity", column="quantity"),
        FieldSpec("rate", "number", "Rate", column="rate"),
        FieldSpec(
            "amount",
            "number",
            "Amount",
            column="foreignamount",
            description="quantity x rate when absent.",
        ),
        FieldSpec("description", "string", "Description", column="memo"),
    ),
)

SALES_ORDER = RecordSpec(
    name="salesOrder",
    title="Sales Order",
    transaction=True,
    fields=(
        *_head(),
        FieldSpec(
            "orderStatus",
            "ref",
            "Status",
            ref_type="salesOrderStatus",
            column="status",
            description="B (Pending Fulfillment) when absent.",
        ),
        text("otherRefNum", "PO/Check Number", "otherrefnum"),
        FieldSpec("total", "number", "Total", read_only=True, column="foreigntotal"),
        *_stamps(),
        ITEM_LINES,
    ),
    max_lengths=MappingProxyType(
        {"tranId": 45, "memo": 999, "otherRefNum": 45, "externalId": 255, "item.description": 4000}
    ),
)

INVOICE = RecordSpec(
    name="invoice",
    title="Invoice",
    transaction=True,
    fields=(
        *_head(),
        FieldSpec("dueDate", "date", "Due Date", column="duedate"),
        FieldSpec("createdFrom", "ref", "Created From", ref_type="salesOrder"),
        text("otherRefNum", "PO/Check Number", "otherrefnum"),
        FieldSpec("total", "number", "Total", read_only=True, column="foreigntotal"),
        FieldSpec(
            "amountRemaining",
            "number",
            "Amount Remaining",
            read_only=True,
            column="foreignamountremaining",
        ),
        FieldSpec(
            "status", "ref", "Status", read_only=True, ref_type="invoiceStatus", column="status"
        ),
        *_stamps(),
        ITEM_LINES,
    ),
    max_lengths=MappingProxyType(
        {"tranId": 45, "memo": 999, "otherRefNum": 45, "externalId": 255, "item.description": 4000}
    ),
)

APPLY_LINES = FieldSpec(
    "apply",
    "sublist",
    "Apply",
    children=(
        FieldSpec("doc", "ref", "Document", required=True, ref_type="invoice"),
        FieldSpec("apply", "boolean", "Apply"),
        FieldSpec(
            "amount",
            "number",
            "Payment",
            description="What remains of the payment, up to the amount due, when absent.",
        ),
        FieldSpec("due", "number", "Amount Due", read_only=True),
    ),
)

CUSTOMER_PAYMENT = RecordSpec(
    name="customerPayment",
    title="Customer Payment",
    transaction=True,
    fields=(
        *_head("customer"),
        FieldSpec("payment", "number", "Payment Amount", required=True, column="foreigntotal"),
        text("checkNum", "Check #", "otherrefnum"),
        *_stamps(),
        APPLY_LINES,
    ),
    max_lengths=MappingProxyType({"tranId": 45, "memo": 999, "checkNum": 45, "externalId": 255}),
)

TRANSACTION_SPECS: tuple[RecordSpec, ...] = (SALES_ORDER, INVOICE, CUSTOMER_PAYMENT)
