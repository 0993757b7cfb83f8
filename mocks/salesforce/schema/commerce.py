"""Commerce objects: Product2, Pricebook2, PricebookEntry, Order, OrderItem, and the custom
objects the CRM receives from the ERP, Invoice__c and Inventory_Level__c.

Lengths and flags follow a standard org's describe; the custom fields are the harness
org's. Server-side rules (price-book entry uniqueness, order item totals, the order's
TotalAmount roll-up, auto numbers) live in `mocks.salesforce.commerce_rules`.
"""

from __future__ import annotations

from mocks.salesforce.schema.base import (
    FieldDef,
    SObjectDef,
    audit_fields,
    system_field,
    text_field,
)

CURRENCIES = ("USD", "EUR", "GBP", "CAD")
PRODUCT_FAMILIES = ("Hardware", "Software", "Services", "Consumables", "Spare Parts",
                    "Accessories")  # fmt: skip
ORDER_STATUSES = ("Draft", "Activated")
PAYMENT_STATUSES = ("Paid", "Partially Paid", "Unpaid", "Overdue")


def _head(label: str) -> tuple[FieldDef, ...]:
    return (
        system_field("Id", f"{label} ID", "id", "id", id_lookup=True),
        system_field("IsDeleted", "Deleted", "boolean", "deleted"),
    )


def _ref(name: str, label: str, target: str, rel: str, **kw: object) -> FieldDef:
    return FieldDef(name, label, "reference", reference_to=(target,), relationship_name=rel, **kw)  # type: ignore[arg-type]


def _flag(name: str, label: str, **kw: object) -> FieldDef:
    return FieldDef(name, label, "boolean", nillable=False, defaulted_on_create=True, **kw)  # type: ignore[arg-type]


def _money(name: str, label: str, **kw: object) -> FieldDef:
    return FieldDef(name, label, "currency", precision=18, scale=2, **kw)  # type: ignore[arg-type]


def _currency_code() -> FieldDef:
    return text_field("CurrencyIsoCode", "Currency ISO Code", 3, "picklist", picklist=CURRENCIES,
                      restricted_picklist=True, defaulted_on_create=True)  # fmt: skip


def _netsuite_id(label: str = "NetSuite Id") -> FieldDef:
    return text_field("NetSuite_Id__c", label, 255, external_id=True, unique=True,
                      id_lookup=True, case_sensitive=True, custom=True)  # fmt: skip


PRODUCT2 = SObjectDef(
    name="Product2",
    label="Product",
    label_plural="Products",
    key_prefix="01t",
    fields=(
        *_head("Product"),
        text_field("Name", "Product Name", 255, nillable=False, id_lookup=True, name_field=True),
        text_field("ProductCode", "Product Code", 255),
        text_field(
            "Description", "Product Description", 4000, "textarea", filterable=False, sortable=False
        ),
        _flag("IsActive", "Active"),
        text_field("Family", "Product Family", 40, "picklist", picklist=PRODUCT_FAMILIES),
        text_field(
            "QuantityUnitOfMeasure",
            "Quantity Unit Of Measure",
            255,
            "picklist",
            picklist=(
                "Each",
                "Pack",
                "License",
                "Seat",
                "Hour",
                "Day",
                "Box",
                "Kg",
                "Litre",
                "Set",
                "Metre",
            ),
        ),
        text_field("StockKeepingUnit", "Product SKU", 180, id_lookup=True),
        _netsuite_id(),
        *audit_fields(owner=False),
    ),
)

PRICEBOOK2 = SObjectDef(
    name="Pricebook2",
    label="Price Book",
    label_plural="Price Books",
    key_prefix="01s",
    fields=(
        *_head("Price Book"),
        text_field("Name", "Price Book Name", 255, nillable=False, id_lookup=True, name_field=True),
        _flag("IsActive", "Active"),
        _flag("IsStandard", "Is Standard Price Book", createable=False, updateable=False),
        text_field("Description", "Description", 255),
        *audit_fields(owner=False),
    ),
)

PRICEBOOK_ENTRY = SObjectDef(
    name="PricebookEntry",
    label="Price Book Entry",
    label_plural="Price Book Entries",
    key_prefix="01u",
    fields=(
        *_head("Price Book Entry"),
        text_field(
            "Name", "Product Name", 255, createable=False, updateable=False, name_field=True
        ),
        _ref(
            "Pricebook2Id",
            "Price Book ID",
            "Pricebook2",
            "Pricebook2",
            nillable=False,
            updateable=False,
        ),
        _ref("Product2Id", "Product ID", "Product2", "Product2", nillable=False, updateable=False),
        _money("UnitPrice", "List Price", nillable=False),
        _flag("IsActive", "Active"),
        _flag("UseStandardPrice", "Use Standard Price"),
        text_field("ProductCode", "Product Code", 255, createable=False, updateable=False),
        _currency_code(),
        _netsuite_id("NetSuite Item Id"),  # the ERP item whose price this is: upserts go by it
        *audit_fields(owner=False),
    ),
)

ORDER = SObjectDef(
    name="Order",
    label="Order",
    label_plural="Orders",
    key_prefix="801",
    children=(("OrderItems", "OrderItem", "OrderId"),),
    fields=(
        *_head("Order"),
        _ref("AccountId", "Account ID", "Account", "Account", nillable=False),
        _ref("Pricebook2Id", "Price Book ID", "Pricebook2", "Pricebook2"),
        FieldDef("EffectiveDate", "Order Start Date", "date", nillable=False),
        FieldDef("EndDate", "Order End Date", "date"),
        text_field(
            "Status",
            "Status",
            40,
            "picklist",
            picklist=ORDER_STATUSES,
            restricted_picklist=True,
            nillable=False,
        ),
        text_field(
            "OrderNumber",
            "Order Number",
            30,
            createable=False,
            updateable=False,
            nillable=False,
            defaulted_on_create=True,
            name_field=True,
            id_lookup=True,
            auto_number=("{:08d}", 100),
        ),
        text_field("PoNumber", "PO Number", 80),
        text_field(
            "Description", "Description", 32000, "textarea", filterable=False, sortable=False
        ),
        _money("TotalAmount", "Order Amount", createable=False, updateable=False, calculated=True),
        _currency_code(),
        _netsuite_id(),
        text_field(
            "Order_Key__c",
            "Order Key",
            255,
            external_id=True,
            unique=True,
            id_lookup=True,
            case_sensitive=True,
            custom=True,
        ),
        *audit_fields(),
    ),
)

ORDER_ITEM = SObjectDef(
    name="OrderItem",
    label="Order Product",
    label_plural="Order Products",
    key_prefix="802",
    fields=(
        *_head("Order Product"),
        _ref("OrderId", "Order ID", "Order", "Order", nillable=False, updateable=False),
        _ref(
            "PricebookEntryId",
            "Price Book Entry ID",
            "PricebookEntry",
            "PricebookEntry",
            nillable=False,
            updateable=False,
        ),
        # Taken from the price-book entry; a value sent must name the entry's product.
        _ref("Product2Id", "Product ID", "Product2", "Product2", updateable=False),
        FieldDef("Quantity", "Quantity", "double", precision=18, scale=2, nillable=False),
        _money("UnitPrice", "Unit Price", nillable=False),
        _money("ListPrice", "List Price", createable=False, updateable=False),
        _money("TotalPrice", "Total Price", createable=False, updateable=False, calculated=True),
        _money("Discount__c", "Discount", custom=True),
        FieldDef("Line__c", "Line Number", "double", precision=18, scale=0, custom=True),
        text_field("Description", "Line Description", 255),
        text_field(
            "OrderItemNumber",
            "Order Product Number",
            30,
            createable=False,
            updateable=False,
            nillable=False,
            defaulted_on_create=True,
            name_field=True,
            auto_number=("{:010d}", 1),
        ),
        *audit_fields(owner=False),
    ),
)

INVOICE = SObjectDef(
    name="Invoice__c",
    label="Invoice",
    label_plural="Invoices",
    key_prefix="a01",
    custom=True,
    fields=(
        *_head("Record"),
        text_field("Name", "Invoice Number", 80, nillable=False, id_lookup=True, name_field=True),
        _ref("Account__c", "Account", "Account", "Account__r", nillable=False, custom=True),
        _ref("Order__c", "Order", "Order", "Order__r", custom=True),
        FieldDef("Invoice_Date__c", "Invoice Date", "date", custom=True),
        FieldDef("Due_Date__c", "Due Date", "date", custom=True),
        _money("Total__c", "Total", custom=True),
        _money("Amount_Due__c", "Amount Due", custom=True),
        text_field(
            "Payment_Status__c",
            "Payment Status",
            255,
            "picklist",
            picklist=PAYMENT_STATUSES,
            restricted_picklist=True,
            custom=True,
        ),
        _currency_code(),
        _netsuite_id(),
        *audit_fields(),
    ),
)

INVENTORY_LEVEL = SObjectDef(
    name="Inventory_Level__c",
    label="Inventory Level",
    label_plural="Inventory Levels",
    key_prefix="a02",
    custom=True,
    fields=(
        *_head("Record"),
        text_field(
            "Name",
            "Inventory Level Number",
            80,
            createable=False,
            updateable=False,
            nillable=False,
            defaulted_on_create=True,
            name_field=True,
            auto_number=("IL-{:06d}", 1),
        ),
        _ref("Product__c", "Product", "Product2", "Product__r", nillable=False, custom=True),
        text_field("Location__c", "Location", 80, custom=True),
        FieldDef(
            "Quantity_On_Hand__c", "Quantity On Hand", "double", precision=18, scale=0, custom=True
        ),
        FieldDef(
            "Quantity_Available__c",
            "Quantity Available",
            "double",
            precision=18,
            scale=0,
            custom=True,
        ),
        _netsuite_id(),
        *audit_fields(),
    ),
)

COMMERCE_SOBJECTS: tuple[SObjectDef, ...] = (
    PRODUCT2, PRICEBOOK2, PRICEBOOK_ENTRY, ORDER, ORDER_ITEM, INVOICE, INVENTORY_LEVEL,
)  # fmt: skip
