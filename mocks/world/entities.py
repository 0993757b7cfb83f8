"""Frozen records of the canonical business beyond companies (`WorldSettings.full_business`).

Keys are canonical ids ("CT-0000001", "SO-0000001", ...); every reference is a key of another
entity of the same world, except the orphans the defect injector records in the manifest.
Money is held in integer minor units (cents) of the record's ISO 4217 currency, so totals add
up exactly; every timestamp carries a time zone (orders: the customer's local zone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Contact:
    key: str
    company_key: str
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    street: str  # may hold a second line after "\n"
    city: str
    state: str
    postal_code: str
    country: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Product:
    key: str  # the SKU, e.g. "SKU-00001"
    name: str
    family: str
    unit: str  # unit of measure
    description: str
    active: bool


@dataclass(frozen=True, slots=True)
class PriceList:
    key: str  # "PL-STD"
    name: str
    currencies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PriceEntry:
    price_list_key: str
    product_key: str
    currency: str
    unit_price: int  # minor units


@dataclass(frozen=True, slots=True)
class SalesOrder:
    key: str
    customer_key: str
    price_list_key: str
    currency: str
    ordered_at: datetime  # in the customer's local time zone
    status: str
    po_number: str
    total: int  # minor units; the sum of its lines' totals


@dataclass(frozen=True, slots=True)
class OrderLine:
    key: str  # "<order key>-<n>"
    order_key: str
    line_number: int
    product_key: str
    quantity: int | None  # None only as an injected defect
    unit_price: int
    discount: int  # minor units off the line
    total: int  # quantity * unit_price - discount


@dataclass(frozen=True, slots=True)
class Invoice:
    key: str
    order_key: str
    customer_key: str
    currency: str
    invoice_date: date
    due_date: date
    line_keys: tuple[str, ...]  # the order lines billed (all of them unless partial)
    total: int
    partial: bool


@dataclass(frozen=True, slots=True)
class Payment:
    key: str
    invoice_key: str
    customer_key: str
    currency: str
    paid_on: date
    amount: int


@dataclass(frozen=True, slots=True)
class Location:
    key: str  # "LOC-01"
    name: str
    country: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class InventoryLevel:
    product_key: str
    location_key: str
    on_hand: int
    reserved: int
    reorder_point: int


@dataclass
class Business:
    """Every entity of a full-business world, in generation order."""

    contacts: list[Contact] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    price_lists: list[PriceList] = field(default_factory=list)
    price_entries: list[PriceEntry] = field(default_factory=list)
    orders: list[SalesOrder] = field(default_factory=list)
    order_lines: list[OrderLine] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    inventory: list[InventoryLevel] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.__dataclass_fields__}


__all__ = [
    "Business",
    "Contact",
    "InventoryLevel",
    "Invoice",
    "Location",
    "OrderLine",
    "Payment",
    "PriceEntry",
    "PriceList",
    "Product",
    "SalesOrder",
]
