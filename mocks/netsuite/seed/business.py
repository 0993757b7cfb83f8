"""Project a full-business world into the ERP: locations, inventory items with prices and
stock, the customers and contacts an earlier integration synced, their sales orders,
invoices and customer payments (which records, and their ids: `mocks.world.overlap`).

Records are inserted directly, bypassing the save rules, as a data migration would: the
world's defects stay as generated (a sales order line without quantity, a line amount or
order total that does not add up), and company names over the 83-character limit were cut
by the migration that loaded them (the world's `overlong` defect names those records).
Money is held in the currency's units (the world's cents / 100).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from mocks.netsuite.schema import CURRENCY_IDS
from mocks.store import RecordStore
from mocks.world.commerce import CURRENCIES
from mocks.world.entities import Business, Invoice, Payment, SalesOrder
from mocks.world.generator import World
from mocks.world.overlap import Overlap

# Locale of a company -> (subsidiary internal id, ISO country) of the ERP customer.
SUBSIDIARY_BY_LOCALE: dict[str, tuple[str, str]] = {
    "en_US": ("1", "US"),
    "en_GB": ("2", "GB"),
    "de_DE": ("3", "DE"),
    "fr_FR": ("4", "FR"),
    "en_CA": ("5", "CA"),
}

# World order status -> salesOrder.orderStatus.
ORDER_STATUSES = {
    "pending_fulfilment": "B",
    "pending_billing": "F",
    "partially_billed": "E",
    "billed": "G",
    "cancelled": "C",
}
PRICE_LEVEL_BY_LIST = {"PL-STD": "1", "PL-WHS": "2"}
_COUNTRY_CODES = {"United States": "US", "United Kingdom": "GB", "Germany": "DE",
                  "France": "FR", "Canada": "CA"}  # fmt: skip
_UNSTOCKED = frozenset({"Services", "Software"})

# Canonical field (or "<entity>.<field>") -> NetSuite field, for the ground truth.
FIELD_NAMES = {
    "name": "companyName",
    "phone": "phone",
    "website": "url",
    "email": "email",
    "contact.company_key": "company",
    "contact.first_name": "firstName",
    "contact.last_name": "lastName",
    "contact.email": "email",
    "contact.phone": "phone",
    "contact.title": "title",
    "order.customer_key": "entity",
    "order.total": "total",
    "order_line.quantity": "item.quantity",
    "order_line.total": "item.amount",
}


def _money(cents: int) -> float:
    return round(cents / 100, 2)


def _day(value: Any) -> datetime:
    return datetime.combine(value, time(9, 0), UTC)


def upc(number: int) -> str:
    """A 12-digit UPC-A code with its check digit."""
    body = f"{40_000_000_000 + number:011d}"
    odd = sum(int(d) for d in body[0::2])
    even = sum(int(d) for d in body[1::2])
    return body + str((10 - (odd * 3 + even) % 10) % 10)


def seed_catalog(store: RecordStore, world: World, business: Business, ids: dict[str, str]
                 ) -> None:  # fmt: skip
    """Locations, then one inventory item per product with its prices and stock."""
    location_subsidiary = {"US": "1", "GB": "2", "DE": "3", "FR": "4", "CA": "5"}
    since = world.settings.as_of - timedelta(days=900)
    for loc in business.locations:
        country = _COUNTRY_CODES.get(loc.country, "US")
        fields = {"name": loc.name, "subsidiary": location_subsidiary[country],
                  "country": country, "timeZone": loc.time_zone,
                  "makeInventoryAvailable": True, "isInactive": False}  # fmt: skip
        store.insert("location", ids[loc.key], fields, at=since)
    prices: dict[str, list[dict[str, Any]]] = {}
    for entry in business.price_entries:
        prices.setdefault(entry.product_key, []).append({
            "priceLevel": PRICE_LEVEL_BY_LIST[entry.price_list_key],
            "currency": CURRENCY_IDS[entry.currency],
            "price": _money(entry.unit_price),
        })  # fmt: skip
    stock: dict[str, list[dict[str, Any]]] = {}
    for level in business.inventory:
        stock.setdefault(level.product_key, []).append({
            "location": ids[level.location_key],
            "quantityOnHand": level.on_hand,
            "quantityAvailable": level.on_hand - level.reserved,
            "reorderPoint": level.reorder_point,
        })  # fmt: skip
    for number, product in enumerate(business.products, start=1):
        item_prices = prices.get(product.key, [])
        base = next((p["price"] for p in item_prices
                     if p["priceLevel"] == "1" and p["currency"] == "1"), None)  # fmt: skip
        fields = {
            "itemId": product.key,
            "displayName": product.name,
            "salesDescription": product.description,
            "stockUnit": product.unit,
            "upcCode": None if product.family in _UNSTOCKED else upc(number),
            "basePrice": base,
            "isInactive": not product.active,
            "price": item_prices,
            "locations": stock.get(product.key, []),
        }
        at = since + timedelta(hours=number)
        store.insert("inventoryItem", ids[product.key], _present(fields), at=at)


def seed_parties(
    store: RecordStore, overlap: Overlap, finance: dict[str, dict[str, Any]] | None = None
) -> None:
    """The customers and contacts an earlier sync created, keyed by their CRM ids; `finance`
    adds each customer's credit limit, terms and balance (`mocks.netsuite.seed.finance`)."""
    for company in overlap.customers:
        record_id = overlap.erp_ids[company.key]
        subsidiary, country = SUBSIDIARY_BY_LOCALE[company.locale]
        fields = {
            "entityId": f"CUST{1000 + int(record_id)}",
            "companyName": company.name[:83],
            "isPerson": False,
            "email": company.email,
            "phone": company.phone[:32] or None,
            "url": company.website or None,
            "subsidiary": subsidiary,
            "currency": CURRENCY_IDS[CURRENCIES[company.locale]],
            "externalId": overlap.crm_ids.get(company.key),
            "isInactive": False,
            "addressBook": [{
                "defaultBilling": True, "defaultShipping": True, "label": "Billing",
                "addressBookAddress": _present({
                    "addr1": company.street or None, "city": company.city or None,
                    "state": company.state or None, "zip": company.postal_code or None,
                    "country": country,
                }),
            }],
            **(finance or {}).get(company.key, {}),
        }  # fmt: skip
        store.insert("customer", record_id, _present(fields), at=company.created_at)
    for contact in overlap.contacts:
        company_id = overlap.erp_ids[contact.company_key]
        customer = store.get("customer", company_id)
        fields = {
            "entityId": f"{contact.first_name} {contact.last_name}".strip(),
            "firstName": contact.first_name[:32] or None,
            "lastName": contact.last_name[:32],
            "email": contact.email or None,
            "phone": contact.phone[:32] or None,
            "title": contact.title or None,
            "company": company_id,
            "subsidiary": customer.fields.get("subsidiary") if customer else None,
            "externalId": overlap.crm_ids.get(contact.key),
            "isInactive": False,
        }
        store.insert("contact", overlap.erp_ids[contact.key], _present(fields),
                     at=contact.created_at)  # fmt: skip


def seed_transactions(store: RecordStore, business: Business, overlap: Overlap) -> None:
    """Sales orders with their lines, then each one's invoice and that invoice's payments."""
    products = {p.key: p for p in business.products}
    ids = overlap.erp_ids
    for order in overlap.orders:
        _sales_order(store, order, overlap, products)
        invoice = overlap.invoices.get(order.key)
        if invoice is None:
            continue
        payments = overlap.payments.get(invoice.key, [])
        _invoice(store, invoice, overlap, sum(p.amount for p in payments))
        for payment in payments:
            _payment(store, payment, ids, invoice)


def _lines(overlap: Overlap, order_key: str, products: dict[str, Any]) -> list[dict[str, Any]]:
    """A sales order's item lines as the migration loaded them (the world's amounts)."""
    out = []
    for n, line in enumerate(overlap.lines.get(order_key, []), start=1):
        out.append(_present({
            "line": n, "item": overlap.erp_ids[line.product_key],
            "quantity": line.quantity, "rate": _money(line.unit_price),
            "amount": _money(line.total), "description": products[line.product_key].name,
        }))  # fmt: skip
    return out


def _sales_order(store: RecordStore, order: SalesOrder, overlap: Overlap,
                 products: dict[str, Any]) -> None:  # fmt: skip
    record_id = overlap.erp_ids[order.key]
    customer = overlap.erp_ids[order.customer_key]
    fields = {
        "tranId": f"SO{record_id}",
        "entity": customer,
        "tranDate": order.ordered_at.date().isoformat(),
        "subsidiary": store.get("customer", customer).fields["subsidiary"],  # type: ignore[union-attr]
        "currency": CURRENCY_IDS[order.currency],
        "orderStatus": ORDER_STATUSES[order.status],
        "otherRefNum": order.po_number or None,
        "memo": order.key,
        "externalId": overlap.crm_ids.get(order.key),
        "total": _money(order.total),
        "item": _lines(overlap, order.key, products),
    }
    store.insert("salesOrder", record_id, _present(fields), at=order.ordered_at)


def _invoice(store: RecordStore, invoice: Invoice, overlap: Overlap, paid: int) -> None:
    record_id = overlap.erp_ids[invoice.key]
    order_id = overlap.erp_ids[invoice.order_key]
    order = store.get("salesOrder", order_id)
    assert order is not None
    remaining = max(invoice.total - paid, 0)
    fields = {
        "tranId": invoice.key,
        "entity": order.fields["entity"],
        "tranDate": invoice.invoice_date.isoformat(),
        "dueDate": invoice.due_date.isoformat(),
        "createdFrom": order_id,
        "subsidiary": order.fields.get("subsidiary"),
        "currency": CURRENCY_IDS[invoice.currency],
        "otherRefNum": order.fields.get("otherRefNum"),
        "total": _money(invoice.total),
        "amountRemaining": _money(remaining),
        "status": "B" if invoice.total > 0 and remaining == 0 else "A",
        "item": [
            line
            for line in order.fields.get("item", [])
            if _line_key(invoice.order_key, line) in invoice.line_keys
        ],
    }
    store.insert("invoice", record_id, _present(fields), at=_day(invoice.invoice_date))


def _line_key(order_key: str, line: dict[str, Any]) -> str:
    return f"{order_key}-{line['line']}"


def _payment(store: RecordStore, payment: Payment, ids: dict[str, str], invoice: Invoice
             ) -> None:  # fmt: skip
    invoice_id = ids[invoice.key]
    customer = store.get("invoice", invoice_id).fields["entity"]  # type: ignore[union-attr]
    fields = {
        "tranId": ids[payment.key],
        "customer": customer,
        "tranDate": payment.paid_on.isoformat(),
        "currency": CURRENCY_IDS[payment.currency],
        "payment": _money(payment.amount),
        "memo": payment.key,
        "apply": [
            {
                "doc": invoice_id,
                "apply": True,
                "amount": _money(payment.amount),
                "due": _money(invoice.total),
            }
        ],
    }
    store.insert("customerPayment", ids[payment.key], fields, at=_day(payment.paid_on))


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None and v != ""}


__all__ = ["FIELD_NAMES", "seed_catalog", "seed_parties", "seed_transactions", "upc"]
