"""Sales orders with lines, their invoices and the payments against them.

Each company places a lognormal number of orders (mean `orders_per_company`, some none) over
the `WINDOW_DAYS` before `as_of`, so every world crosses a year boundary. An order is stamped
in its customer's local time zone and priced from a price list in the customer's currency.
Most orders are invoiced (some only in part), and invoices are paid in full, in part or not at
all, the older ones more often: realistic ageing. Nothing reads the clock.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from mocks.world.business_defects import EntityDefects
from mocks.world.entities import Business, Invoice, OrderLine, Payment, PriceEntry, SalesOrder

if TYPE_CHECKING:
    from mocks.world.generator import Company

WINDOW_DAYS = 426  # 14 months
CURRENCIES = {"en_US": "USD", "en_GB": "GBP", "de_DE": "EUR", "fr_FR": "EUR", "en_CA": "CAD"}
TIME_ZONES = {
    "en_US": ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"),
    "en_GB": ("Europe/London",),
    "de_DE": ("Europe/Berlin",),
    "fr_FR": ("Europe/Paris",),
    "en_CA": ("America/Toronto", "America/Vancouver", "America/Halifax"),
}
_LINE_WEIGHTS = tuple(accumulate((30, 22, 15, 11, 8, 6, 4, 4)))  # 1 to 8 lines, few more often
_TERMS = (14, 30, 30, 30, 45, 60)
_SIGMA = 0.8


class OrderMaker:
    """Composes the orders of one company after another into a `Business`."""

    def __init__(
        self,
        rng: random.Random,
        business: Business,
        entries: list[PriceEntry],
        as_of: datetime,
        mean_orders: float,
        defects: EntityDefects,
    ) -> None:
        self.rng, self.b, self.defects = rng, business, defects
        self.prices = {(e.price_list_key, e.product_key, e.currency): e.unit_price for e in entries}
        self.products = [p.key for p in business.products if p.active] or [
            p.key for p in business.products
        ]
        self.as_of = as_of
        self.as_of_date = as_of.date()
        self.mu = math.log(mean_orders) - _SIGMA**2 / 2 if mean_orders > 0 else None
        self.zones = {z: ZoneInfo(z) for zones in TIME_ZONES.values() for z in zones}
        self.orders = self.invoices = self.payments = 0

    def for_company(self, company: Company) -> None:
        rng = self.rng
        count = int(rng.lognormvariate(self.mu, _SIGMA) + 0.5) if self.mu is not None else 0
        zones = TIME_ZONES[company.locale]
        zone = self.zones[zones[int(rng.random() * len(zones))]]
        currency = CURRENCIES[company.locale]
        price_list = "PL-WHS" if company.employees > 500 else "PL-STD"
        window = WINDOW_DAYS * 86_400
        for _ in range(count):
            ordered = self.as_of - timedelta(seconds=1 + int(rng.random() * window))
            self._order(company, ordered.astimezone(zone), currency, price_list)

    def _order(self, company: Company, ordered: datetime, currency: str, price_list: str) -> None:
        rng, b, draw = self.rng, self.b, self.rng.random
        self.orders += 1
        key = f"SO-{self.orders:07d}"
        n_lines = bisect(_LINE_WEIGHTS, draw() * _LINE_WEIGHTS[-1]) + 1
        lines = []
        products = self.products
        for n in range(1, n_lines + 1):
            product = products[int(len(products) * draw() ** 2)]  # a few sell most
            price = self.prices[(price_list, product, currency)]
            quantity = min(int(rng.lognormvariate(1.0, 1.0)) + 1, 500)
            discount = quantity * price * (5 + int(draw() * 16)) // 100 if draw() < 0.15 else 0
            line_key = f"{key}-{n}"
            stored, total = self.defects.line(line_key, quantity, quantity * price - discount)
            lines.append(OrderLine(line_key, key, n, product, stored, price, discount, total))
        b.order_lines.extend(lines)
        total = sum(line.total for line in lines)
        age = (self.as_of - ordered).days
        customer = self.defects.order_customer(key, company.key)
        if customer != company.key:  # an orphan: nobody invoices a customer that is not there
            status, invoice = "pending_billing", None
        elif age > 30 and draw() < 0.02:
            status, invoice = "cancelled", None
        else:
            invoice = self._invoice(company, key, ordered.date(), currency, lines)
            if invoice is None:
                status = "pending_fulfilment" if age < 7 else "pending_billing"
            else:
                status = "partially_billed" if invoice.partial else "billed"
        b.orders.append(
            SalesOrder(
                key=key,
                customer_key=customer,
                price_list_key=price_list,
                currency=currency,
                ordered_at=ordered,
                status=status,
                po_number=f"PO-{1000 + int(draw() * 999_000)}" if draw() < 0.6 else "",
                total=self.defects.order_total(key, total),
            )
        )
        if invoice is not None:
            b.invoices.append(invoice)
            self._payments(invoice)

    def _invoice(
        self, company: Company, order_key: str, ordered: date, currency: str, lines: list[OrderLine]
    ) -> Invoice | None:
        rng = self.rng
        invoiced = ordered + timedelta(days=int(rng.random() * 15))
        if invoiced > self.as_of_date or rng.random() < 0.08:
            return None
        partial = len(lines) > 1 and rng.random() < 0.1
        billed = lines[: rng.randint(1, len(lines) - 1)] if partial else lines
        self.invoices += 1
        return Invoice(
            key=f"INV-{self.invoices:07d}",
            order_key=order_key,
            customer_key=company.key,
            currency=currency,
            invoice_date=invoiced,
            due_date=invoiced + timedelta(days=_TERMS[int(rng.random() * len(_TERMS))]),
            line_keys=tuple(line.key for line in billed),
            total=sum(line.total for line in billed),
            partial=partial,
        )

    def _payments(self, invoice: Invoice) -> None:
        """Full, partial or none; the longer an invoice has been out, the likelier it is paid."""
        rng = self.rng
        age = (self.as_of_date - invoice.invoice_date).days
        full, partial = (0.85, 0.08) if age > 90 else (0.7, 0.12) if age > 30 else (0.4, 0.1)
        roll = rng.random()
        if roll < full:
            amounts = [invoice.total]
            if invoice.total > 100 and rng.random() < 0.15:  # two instalments
                first = invoice.total * rng.randint(30, 70) // 100
                amounts = [first, invoice.total - first]
        elif roll < full + partial:
            amounts = [max(invoice.total * rng.randint(10, 80) // 100, 1)]
        else:
            return
        paid = invoice.invoice_date
        for amount in amounts:
            paid += timedelta(days=int(rng.lognormvariate(3.0, 0.6)))
            if paid > self.as_of_date or amount <= 0:
                return  # not paid yet on the as-of date
            self.payments += 1
            self.b.payments.append(
                Payment(
                    f"PAY-{self.payments:07d}",
                    invoice.key,
                    invoice.customer_key,
                    invoice.currency,
                    paid,
                    amount,
                )
            )


__all__ = ["CURRENCIES", "TIME_ZONES", "WINDOW_DAYS", "OrderMaker"]
