"""Products, sales orders with items, billing documents and stock, as the ERP holds them.

Records are inserted directly, as a data migration would: the world's defects stay as
generated (an item without quantity, a total that does not add up)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from mocks.sap.seed.accounting import clearing_status
from mocks.sap.seed.common import at, day, document_stamps, money
from mocks.sap.seed.ids import plant_of
from mocks.store import RecordStore
from mocks.world.entities import Business, Invoice, Payment
from mocks.world.generator import World
from mocks.world.overlap import Overlap

UNITS = {"Each": "EA", "Seat": "EA", "Box": "BOX", "Hour": "H", "Kg": "KG", "Pack": "PAK"}
_SERVICES = frozenset({"Services", "Software"})


def unit_of(unit: str) -> str:
    return UNITS.get(unit, unit.upper()[:3] or "EA")


def seed_products(store: RecordStore, world: World, business: Business) -> None:
    since = world.settings.as_of - timedelta(days=900)
    for number, product in enumerate(business.products, start=1):
        when = since + timedelta(hours=number)
        store.insert(
            "A_Product",
            product.key,
            {
                "Product": product.key,
                "ProductType": "DIEN" if product.family in _SERVICES else "FERT",
                "BaseUnit": unit_of(product.unit),
                "ProductGroup": product.family[:9].upper(),
                "IsMarkedForDeletion": not product.active,
                "CreatedByUser": "MIGRATION",
                "LastChangeDate": day(when),
                **document_stamps(when),
            },
            at=when,
        )
        store.insert(
            "A_ProductDescription",
            f"{product.key}|EN",
            {"Product": product.key, "Language": "EN", "ProductDescription": product.name[:40]},
            at=when,
        )


def seed_stock(store: RecordStore, world: World, business: Business) -> None:
    plants = {loc.key: plant_of(n) for n, loc in enumerate(business.locations, start=1)}
    units = {p.key: unit_of(p.unit) for p in business.products}
    when = world.settings.as_of - timedelta(days=1)
    for level in business.inventory:
        keys = {
            "Material": level.product_key,
            "Plant": plants[level.location_key],
            "StorageLocation": "101A",
            "Batch": "",
            "Supplier": "",
            "Customer": "",
            "WBSElementInternalID": "00000000",
            "SDDocument": "",
            "SDDocumentItem": "000000",
            "InventorySpecialStockType": "",
            "InventoryStockType": "01",
        }
        record_id = "|".join(keys.values())
        store.insert(
            "A_MatlStkInAcctMod",
            record_id,
            {
                **keys,
                "MatlWrhsStkQtyInMatlBaseUnit": f"{level.on_hand}.00000000000000",
                "MaterialBaseUnit": units.get(level.product_key, "EA"),
            },
            at=when,
        )


def _items(
    overlap: Overlap, order_key: str, order_id: str, currency: str
) -> Iterable[dict[str, Any]]:
    for line in overlap.lines.get(order_key, []):
        yield {
            "SalesOrder": order_id,
            "SalesOrderItem": str(10 * line.line_number),
            "Material": line.product_key,
            "RequestedQuantity": None if line.quantity is None else f"{line.quantity}.000",
            "RequestedQuantityUnit": "EA",
            "NetPriceAmount": money(line.unit_price),
            "NetAmount": money(line.total),
            "TransactionCurrency": currency,
        }


def seed_orders(store: RecordStore, overlap: Overlap) -> None:
    ids = overlap.erp_ids
    for order in overlap.orders:
        order_id = ids[order.key]
        when = at(order.ordered_at)
        status = {"billed": "C", "cancelled": "C", "partially_billed": "B"}.get(order.status, "A")
        store.insert(
            "A_SalesOrder",
            order_id,
            {
                "SalesOrder": order_id,
                "SalesOrderType": "OR",
                "SalesOrganization": "1010",
                "DistributionChannel": "10",
                "OrganizationDivision": "00",
                "SoldToParty": ids[order.customer_key],
                "PurchaseOrderByCustomer": order.po_number[:35] or None,
                "SalesOrderDate": day(order.ordered_at),
                "TransactionCurrency": order.currency,
                "TotalNetAmount": money(order.total),
                "OverallSDProcessStatus": status,
                "ExternalDocumentID": (overlap.crm_ids.get(order.key) or "")[:40] or None,
                "CreatedByUser": "MIGRATION",
                "LastChangeDate": day(when),
                **document_stamps(when),
            },
            at=when,
        )
        for item in _items(overlap, order.key, order_id, order.currency):
            store.insert("A_SalesOrderItem", f"{order_id}|{item['SalesOrderItem']}", item, at=when)


def _clearing(invoice: Invoice, payments: list[Payment]) -> str:
    """The status the open items agree with (`mocks.sap.seed.accounting`)."""
    return clearing_status(invoice.total, sum(p.amount for p in payments))


def seed_billing(store: RecordStore, overlap: Overlap) -> None:
    ids = overlap.erp_ids
    for order in overlap.orders:
        invoice = overlap.invoices.get(order.key)
        if invoice is None:
            continue
        doc = ids[invoice.key]
        when = at(invoice.invoice_date)
        store.insert(
            "A_BillingDocument",
            doc,
            {
                "BillingDocument": doc,
                "BillingDocumentType": "F2",
                "SalesOrganization": "1010",
                "BillingDocumentDate": day(invoice.invoice_date),
                "SoldToParty": ids[order.customer_key],
                "TotalNetAmount": money(invoice.total),
                "TotalGrossAmount": money(invoice.total),
                "TransactionCurrency": invoice.currency,
                "CustomerPaymentTerms": "0001",
                "InvoiceClearingStatus": _clearing(invoice, overlap.payments.get(invoice.key, [])),
                "OverallBillingStatus": "C",
                **document_stamps(when),
            },
            at=when,
        )
        lines = {line.key: line for line in overlap.lines.get(order.key, [])}
        for n, key in enumerate(invoice.line_keys, start=1):
            line = lines.get(key)
            if line is None:
                continue
            store.insert(
                "A_BillingDocumentItem",
                f"{doc}|{10 * n}",
                {
                    "BillingDocument": doc,
                    "BillingDocumentItem": str(10 * n),
                    "Material": line.product_key,
                    "BillingQuantityUnit": "EA",
                    "BillingQuantity": None if line.quantity is None else f"{line.quantity}.000",
                    "NetAmount": money(line.total),
                    "TransactionCurrency": invoice.currency,
                    "ReferenceSDDocument": ids[order.key],
                    "ReferenceSDDocumentItem": str(10 * line.line_number),
                },
                at=when,
            )


__all__ = ["seed_billing", "seed_orders", "seed_products", "seed_stock", "unit_of"]
