"""Project a full-business world's commerce into the CRM: price books, the products and price
book entries the ERP already sent, orders with their lines (which originate in the CRM), the
invoices already received and the inventory levels of the products the CRM has (what is
shared with the ERP, and the ids on both sides: `mocks.world.overlap`).

Records are inserted as a data loader would, bypassing the save rules: world defects stay
as generated (an order total or line total that does not add up). What Salesforce would
refuse is left out and reported: an order whose customer does not exist (AccountId is
required) and a line without quantity (Quantity is required).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from mocks.salesforce.commerce_rules import STANDARD_PRICEBOOK_ID, STANDARD_PRICEBOOK_NAME
from mocks.salesforce.ids import make_id
from mocks.salesforce.schema.commerce import (
    INVENTORY_LEVEL,
    INVOICE,
    ORDER,
    ORDER_ITEM,
    PRICEBOOK2,
    PRICEBOOK_ENTRY,
    PRODUCT2,
)
from mocks.store import RecordStore
from mocks.world.entities import Business, Invoice
from mocks.world.generator import World
from mocks.world.overlap import Overlap

WHOLESALE_PRICEBOOK_ID = make_id(PRICEBOOK2.key_prefix, 2)
PRICEBOOKS = {"PL-STD": STANDARD_PRICEBOOK_ID, "PL-WHS": WHOLESALE_PRICEBOOK_ID}
FIELD_NAMES = {
    "order.customer_key": "AccountId",
    "order.total": "TotalAmount",
    "order_line.quantity": "Quantity",
    "order_line.total": "TotalPrice",
}


def _money(cents: int) -> float:
    return round(cents / 100, 2)


def payment_status(total: int, due: int, due_date: date, as_of: date) -> str:
    """The CRM's picklist value for an invoice with `due` of `total` left to pay."""
    if due <= 0:
        return "Paid"
    if due_date < as_of:
        return "Overdue"
    return "Partially Paid" if due < total else "Unpaid"


def seed_commerce(
    store: RecordStore, world: World, business: Business, overlap: Overlap
) -> tuple[dict[str, int], dict[str, str], dict[str, str]]:
    """Insert the commerce records; return (counts, ids by canonical key, left-out keys)."""
    since = world.settings.as_of - timedelta(days=900)
    store.insert(PRICEBOOK2.name, STANDARD_PRICEBOOK_ID, {"Name": STANDARD_PRICEBOOK_NAME,
                 "IsActive": True, "IsStandard": True}, at=since)  # fmt: skip
    store.insert(PRICEBOOK2.name, WHOLESALE_PRICEBOOK_ID, {"Name": "Wholesale Price List",
                 "IsActive": True, "IsStandard": False}, at=since)  # fmt: skip
    products = _products(store, business, overlap, since)
    entries = _entries(store, business, products, since, overlap.erp_ids)
    ids, skipped = _orders(store, business, overlap, entries)
    invoices = _invoices(store, world, business, overlap)
    levels = _inventory(store, business, products, overlap, since)
    counts = {
        PRODUCT2.name: len(products), PRICEBOOK2.name: 2, PRICEBOOK_ENTRY.name: len(entries),
        ORDER.name: store.count(ORDER.name), ORDER_ITEM.name: store.count(ORDER_ITEM.name),
        INVOICE.name: invoices, INVENTORY_LEVEL.name: levels,
    }  # fmt: skip
    return counts, ids, skipped


def _products(store: RecordStore, business: Business, overlap: Overlap, since: datetime
              ) -> dict[str, str]:  # fmt: skip
    out = {}
    for number, product in enumerate(business.products, start=1):
        if product.key not in overlap.crm_products:
            continue
        record_id = make_id(PRODUCT2.key_prefix, number)
        fields = {
            "Name": product.name, "ProductCode": product.key, "Description": product.description,
            "IsActive": product.active, "Family": product.family,
            "QuantityUnitOfMeasure": product.unit, "StockKeepingUnit": product.key,
            "NetSuite_Id__c": overlap.erp_ids[product.key],
        }  # fmt: skip
        store.insert(PRODUCT2.name, record_id, fields, at=since + timedelta(hours=number, days=1))
        out[product.key] = record_id
    return out


def _entries(store: RecordStore, business: Business, products: dict[str, str], since: datetime,
             erp_ids: dict[str, str]) -> dict[tuple[str, str, str], str]:  # fmt: skip
    """Price book entries by (price list key, product key, currency). A standard USD entry
    is the one the ERP's base price feeds: it carries the item's NetSuite id."""
    out: dict[tuple[str, str, str], str] = {}
    names = {p.key: p.name for p in business.products}
    for entry in business.price_entries:
        if entry.product_key not in products:
            continue
        record_id = make_id(PRICEBOOK_ENTRY.key_prefix, len(out) + 1)
        fields = {
            "Name": names[entry.product_key], "ProductCode": entry.product_key,
            "Pricebook2Id": PRICEBOOKS[entry.price_list_key],
            "Product2Id": products[entry.product_key], "UnitPrice": _money(entry.unit_price),
            "IsActive": True, "UseStandardPrice": False, "CurrencyIsoCode": entry.currency,
        }  # fmt: skip
        if (entry.price_list_key, entry.currency) == ("PL-STD", "USD"):
            fields["NetSuite_Id__c"] = erp_ids.get(entry.product_key)
        store.insert(PRICEBOOK_ENTRY.name, record_id, fields, at=since + timedelta(days=2))
        out[(entry.price_list_key, entry.product_key, entry.currency)] = record_id
    return out


Ids = dict[str, str]


def _orders(store: RecordStore, business: Business, overlap: Overlap,
            entries: dict[tuple[str, str, str], str]) -> tuple[Ids, Ids]:  # fmt: skip
    ids: dict[str, str] = {}
    skipped: dict[str, str] = {}
    orders = {o.key: o for o in business.orders}
    for order in business.orders:
        if order.key not in overlap.crm_ids:
            skipped[order.key] = "REQUIRED_FIELD_MISSING"  # no such Account
            continue
        record_id = overlap.crm_ids[order.key]
        fields = {
            "AccountId": overlap.crm_ids[order.customer_key],
            "Pricebook2Id": PRICEBOOKS[order.price_list_key],
            "EffectiveDate": order.ordered_at.date().isoformat(),
            "Status": "Draft" if order.status in ("pending_fulfilment", "cancelled")
            else "Activated",
            "OrderNumber": f"{100 + len(ids):08d}", "PoNumber": order.po_number or None,
            "TotalAmount": _money(order.total), "CurrencyIsoCode": order.currency,
            "NetSuite_Id__c": overlap.erp_ids.get(order.key), "Order_Key__c": order.key,
        }  # fmt: skip
        store.insert(ORDER.name, record_id, fields, at=order.ordered_at)
        ids[order.key] = record_id
    items = 0
    for line in business.order_lines:
        order = orders[line.order_key]
        if line.order_key not in ids:
            skipped[line.key] = "INVALID_CROSS_REFERENCE_KEY"  # its order was not loaded
            continue
        if line.key not in overlap.crm_ids:
            skipped[line.key] = "REQUIRED_FIELD_MISSING"  # Quantity
            continue
        entry = entries[(order.price_list_key, line.product_key, order.currency)]
        items += 1
        fields = {
            "OrderId": ids[line.order_key], "PricebookEntryId": entry,
            "Product2Id": store.get(PRICEBOOK_ENTRY.name, entry).fields["Product2Id"],  # type: ignore[union-attr]
            "Quantity": float(line.quantity or 0), "UnitPrice": _money(line.unit_price),
            "ListPrice": _money(line.unit_price), "TotalPrice": _money(line.total),
            "Discount__c": _money(line.discount) if line.discount else None,
            "OrderItemNumber": f"{items:010d}", "Line__c": float(line.line_number),
        }  # fmt: skip
        store.insert(ORDER_ITEM.name, overlap.crm_ids[line.key], fields, at=order.ordered_at)
        ids[line.key] = overlap.crm_ids[line.key]
    return ids, skipped


def _invoices(store: RecordStore, world: World, business: Business, overlap: Overlap) -> int:
    as_of = world.settings.as_of.date()
    paid: dict[str, int] = {}
    for payment in business.payments:
        if payment.paid_on <= as_of:
            paid[payment.invoice_key] = paid.get(payment.invoice_key, 0) + payment.amount
    loaded = 0
    for number, invoice in enumerate(business.invoices, start=1):
        if invoice.key not in overlap.crm_invoices:
            continue
        store.insert(INVOICE.name, make_id(INVOICE.key_prefix, number),
                     _invoice_fields(invoice, overlap, paid.get(invoice.key, 0), as_of),
                     at=datetime.combine(invoice.invoice_date, time(12), UTC))  # fmt: skip
        loaded += 1
    return loaded


def _invoice_fields(invoice: Invoice, overlap: Overlap, paid: int, as_of: date
                    ) -> dict[str, Any]:  # fmt: skip
    due = max(invoice.total - paid, 0)
    return {
        "Name": invoice.key, "Account__c": overlap.crm_ids[invoice.customer_key],
        "Order__c": overlap.crm_ids[invoice.order_key],
        "Invoice_Date__c": invoice.invoice_date.isoformat(),
        "Due_Date__c": invoice.due_date.isoformat(), "Total__c": _money(invoice.total),
        "Amount_Due__c": _money(due),
        "Payment_Status__c": payment_status(invoice.total, due, invoice.due_date, as_of),
        "CurrencyIsoCode": invoice.currency, "NetSuite_Id__c": overlap.erp_ids[invoice.key],
    }  # fmt: skip


def _inventory(store: RecordStore, business: Business, products: dict[str, str],
               overlap: Overlap, since: datetime) -> int:  # fmt: skip
    names = {loc.key: loc.name for loc in business.locations}
    count = 0
    for level in business.inventory:
        if level.product_key not in products or not level.on_hand:
            continue
        count += 1
        item, location = overlap.erp_ids[level.product_key], overlap.erp_ids[level.location_key]
        fields = {
            "Name": f"IL-{count:06d}", "Product__c": products[level.product_key],
            "Location__c": names[level.location_key],
            "Quantity_On_Hand__c": float(level.on_hand),
            "Quantity_Available__c": float(level.on_hand - level.reserved),
            "NetSuite_Id__c": f"{item}:{location}",  # as the inventory flow explodes it
        }  # fmt: skip
        store.insert(INVENTORY_LEVEL.name, make_id(INVENTORY_LEVEL.key_prefix, count), fields,
                     at=since + timedelta(days=3))  # fmt: skip
    return count


__all__ = ["FIELD_NAMES", "PRICEBOOKS", "payment_status", "seed_commerce"]
