"""What the org computes or refuses when commerce records are saved.

- Auto-number fields (Order.OrderNumber, OrderItem.OrderItemNumber, Inventory_Level__c.Name)
  are numbered on insert.
- PricebookEntry: one entry per price book, product and currency (DUPLICATE_VALUE); an entry
  in a custom price book needs the product's standard price in that currency first
  (STANDARD_PRICE_NOT_DEFINED); Name and ProductCode come from the product.
- OrderItem: the price-book entry must be in the order's price book
  (FIELD_INTEGRITY_EXCEPTION); Product2Id and ListPrice come from the entry; TotalPrice =
  Quantity x UnitPrice - Discount__c.
- Order.TotalAmount is the roll-up of its items' TotalPrice (`order_totals`), and deleting an
  order deletes its items (master-detail).

`Lookup` reads a record's fields by object and id, the store's or a write planned earlier in
the same request.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mocks.salesforce import lookup_index
from mocks.salesforce.ids import make_id
from mocks.salesforce.schema import SOBJECTS
from mocks.salesforce.schema.base import SObjectDef
from mocks.salesforce.values import RecordError
from mocks.store import RecordStore, StoredRecord

Lookup = Callable[[str, str], dict[str, Any] | None]
STANDARD_PRICEBOOK_ID = make_id("01s", 1)
STANDARD_PRICEBOOK_NAME = "Standard Price Book"


# Objects whose use needs the standard price book to exist.
PRICEBOOK_USERS = frozenset({"Pricebook2", "PricebookEntry", "Order", "OrderItem"})


def ensure_standard_pricebook(store: RecordStore, obj: str = "Pricebook2") -> None:
    """Every org has its standard price book (it cannot be created through the API): made on
    first use of an object that refers to price books, so other objects' feeds stay quiet."""
    if obj not in PRICEBOOK_USERS:
        return
    if store.get("Pricebook2", STANDARD_PRICEBOOK_ID, include_deleted=True) is None:
        fields = {"Name": STANDARD_PRICEBOOK_NAME, "IsActive": True, "IsStandard": True}
        store.insert("Pricebook2", STANDARD_PRICEBOOK_ID, fields)


def _cents(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def line_total(fields: dict[str, Any]) -> float | None:
    """TotalPrice of an order item: Quantity x UnitPrice - Discount__c."""
    quantity, price = fields.get("Quantity"), fields.get("UnitPrice")
    if quantity is None or price is None:
        return None
    total = Decimal(str(quantity)) * Decimal(str(price)) - _cents(fields.get("Discount__c"))
    return float(total.quantize(Decimal("0.01"), ROUND_HALF_UP))


def auto_numbers(sobject: SObjectDef, values: dict[str, Any], taken: int) -> None:
    """Fill auto-number fields; `taken` is how many records of the object were numbered."""
    for fd in sobject.fields:
        if fd.auto_number is not None:
            fmt, first = fd.auto_number
            values[fd.name] = fmt.format(first + taken)


def on_create(sobject: SObjectDef, values: dict[str, Any], lookup: Lookup,
              entries: Callable[[Any], list[dict[str, Any]]]) -> None:  # fmt: skip
    """Check and complete a new record of a commerce object (in place)."""
    if sobject.name == "PricebookEntry":
        _pricebook_entry(values, lookup, entries(values.get("Product2Id")))
    elif sobject.name == "OrderItem":
        _order_item(values, lookup)
    elif sobject.name in ("Order", "Invoice__c") and values.get("CurrencyIsoCode") is None:
        values["CurrencyIsoCode"] = "USD"


def on_update(sobject: SObjectDef, current: dict[str, Any], values: dict[str, Any]) -> None:
    """Recompute what depends on the changed fields (in place)."""
    if sobject.name == "OrderItem" and {"Quantity", "UnitPrice", "Discount__c"} & set(values):
        values["TotalPrice"] = line_total({**current, **values})


def _pricebook_entry(values: dict[str, Any], lookup: Lookup, entries: list[dict[str, Any]]
                     ) -> None:  # fmt: skip
    if values.get("CurrencyIsoCode") is None:
        values["CurrencyIsoCode"] = "USD"
    book, product = values.get("Pricebook2Id"), values.get("Product2Id")
    currency = values["CurrencyIsoCode"]
    same = [e for e in entries if e.get("Product2Id") == product
            and e.get("CurrencyIsoCode") == currency]  # fmt: skip
    if any(e.get("Pricebook2Id") == book for e in same):
        raise RecordError.one(
            "DUPLICATE_VALUE",
            "This price definition already exists in this price book",
            ["Pricebook2Id", "Product2Id"],
        )
    pricebook = lookup("Pricebook2", str(book)) or {}
    if not pricebook.get("IsStandard") and not any(
        e.get("Pricebook2Id") == STANDARD_PRICEBOOK_ID for e in same
    ):
        raise RecordError.one(
            "STANDARD_PRICE_NOT_DEFINED",
            "Before creating a custom price, create a standard price.",
            ["Product2Id"],
        )
    found = lookup("Product2", str(product)) or {}
    values["Name"] = found.get("Name")
    values["ProductCode"] = found.get("ProductCode")


def _order_item(values: dict[str, Any], lookup: Lookup) -> None:
    entry = lookup("PricebookEntry", str(values.get("PricebookEntryId"))) or {}
    order = lookup("Order", str(values.get("OrderId"))) or {}
    if not order.get("Pricebook2Id") or order.get("Pricebook2Id") != entry.get("Pricebook2Id"):
        raise RecordError.one(
            "FIELD_INTEGRITY_EXCEPTION",
            "field integrity exception: PricebookEntryId (pricebook entry is in a different"
            " pricebook than the one assigned to the order, or Order has no pricebook"
            " assigned)",
            ["PricebookEntryId"],
        )
    if values.get("Product2Id") not in (None, entry.get("Product2Id")):
        raise RecordError.one(
            "FIELD_INTEGRITY_EXCEPTION",
            "field integrity exception: Product2Id (the product must be the price book"
            " entry's product)",
            ["Product2Id"],
        )
    values["Product2Id"] = entry.get("Product2Id")
    values["ListPrice"] = entry.get("UnitPrice")
    values["TotalPrice"] = line_total(values)


def order_items(store: RecordStore, order_ids: Collection[str]) -> list[StoredRecord]:
    """Live order items, those of `order_ids` at least, in store order: from the org's
    index (a scan of every item per saved batch made an order load quadratic)."""
    fd = SOBJECTS["OrderItem"].field("OrderId")
    assert fd is not None
    rows = lookup_index.candidates(store, "OrderItem", fd, order_ids, include_deleted=False)
    return store.records("OrderItem") if rows is None else rows


def order_totals(store: RecordStore, order_ids: set[str], at: Any) -> None:
    """Roll each order's live items' TotalPrice up into its TotalAmount."""
    if not order_ids:
        return
    sums: dict[str, Decimal] = {oid: Decimal(0) for oid in order_ids}
    for item in order_items(store, order_ids):
        order_id = item.fields.get("OrderId")
        if order_id in sums:
            sums[order_id] += _cents(item.fields.get("TotalPrice"))
    for order_id, total in sums.items():
        order = store.get("Order", order_id)
        if order is not None and order.fields.get("TotalAmount") != float(total):
            store.update("Order", order_id, {"TotalAmount": float(total)}, at=at)
