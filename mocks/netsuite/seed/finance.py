"""The credit side of the ERP customers a full-business world seeds: credit limit, payment
terms and open balance, which the ERP owns and the CRM only mirrors (`customer_finance` flow).

The world has no credit policy of its own, so the values are derived from it, deterministic
by company: a credit limit of about 5% of annual revenue (rounded to the thousand, between
5,000 and 500,000), terms drawn from the company key (mostly Net 30, as in most ledgers) and
the balance the ERP's open invoices leave (total minus the payments applied, in units).
"""

from __future__ import annotations

import zlib
from typing import Any

from mocks.world.generator import Company
from mocks.world.overlap import Overlap

# Term internal ids (`mocks.netsuite.schema.TERMS`), weighted towards Net 30.
_TERM_CHOICES = ("5", "5", "5", "5", "4", "6", "7", "3")
CREDIT_SHARE = 0.05
CREDIT_FLOOR, CREDIT_CEILING = 5_000, 500_000


def credit_limit(company: Company) -> float:
    """About 5% of the company's annual revenue, to the thousand, within the floor and ceiling."""
    raw = round(company.annual_revenue * CREDIT_SHARE, -3)
    return float(min(max(raw, CREDIT_FLOOR), CREDIT_CEILING))


def terms(company: Company) -> str:
    """The company's payment terms (a term internal id), stable for its key."""
    return _TERM_CHOICES[zlib.crc32(company.key.encode()) % len(_TERM_CHOICES)]


def open_balances(overlap: Overlap) -> dict[str, float]:
    """Customer key -> what its invoices in the ERP still ask for (currency units)."""
    owed: dict[str, int] = {}
    for order in overlap.orders:
        invoice = overlap.invoices.get(order.key)
        if invoice is None:
            continue
        paid = sum(p.amount for p in overlap.payments.get(invoice.key, []))
        owed[order.customer_key] = owed.get(order.customer_key, 0) + max(invoice.total - paid, 0)
    return {key: round(cents / 100, 2) for key, cents in owed.items()}


def finance_fields(overlap: Overlap) -> dict[str, dict[str, Any]]:
    """Customer key -> the finance fields its ERP customer record carries."""
    balances = open_balances(overlap)
    return {
        company.key: {
            "creditLimit": credit_limit(company),
            "terms": terms(company),
            "balance": balances.get(company.key, 0.0),
        }
        for company in overlap.customers
    }


__all__ = ["credit_limit", "finance_fields", "open_balances", "terms"]
