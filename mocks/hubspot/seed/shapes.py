"""The canonical world's records as HubSpot properties (every value a string or null)."""

from __future__ import annotations

from typing import Any

from mocks.hubspot.schema.industries import hubspot_industry
from mocks.hubspot.schema.values import iso
from mocks.world.entities import Contact, OrderLine, Product, SalesOrder
from mocks.world.generator import Company

DEAL_STAGES = {"cancelled": "closedlost", "pending_fulfilment": "contractsent"}
# Canonical field -> HubSpot property, for the ground truth's `vendor_field`.
FIELD_NAMES = {
    "name": "name",
    "phone": "phone",
    "website": "website",
    "industry": "industry",
    "street": "address",
    "city": "city",
    "state": "state",
    "postal_code": "zip",
    "country": "country",
    "employees": "numberofemployees",
    "annual_revenue": "annualrevenue",
    "description": "description",
    "contact.company_key": "associations.company",
    "contact.first_name": "firstname",
    "contact.last_name": "lastname",
    "contact.email": "email",
    "contact.phone": "phone",
    "contact.title": "jobtitle",
    "contact.street": "address",
    "contact.city": "city",
    "contact.state": "state",
    "contact.postal_code": "zip",
    "contact.country": "country",
    "order.customer_key": "associations.company",
    "order.total": "amount",
    "order_line.quantity": "quantity",
    "order_line.total": "amount",
}


def text(value: Any) -> str | None:
    """A value as HubSpot stores it: blanks null, whole numbers without a decimal point."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0")
    return str(value)


def money(cents: int | None) -> str | None:
    return None if cents is None else text(round(cents / 100, 2))


def domain_of(website: str) -> str | None:
    host = website.strip().lower().split("://")[-1].split("/")[0]
    return (host[4:] if host.startswith("www.") else host) or None


def _lines(street: str) -> tuple[str | None, str | None]:
    first, _, second = street.partition("\n")
    return text(first.strip()), text(second.strip())


def company_properties(company: Company, erp_id: str | None, customer: bool) -> dict[str, Any]:
    address, address2 = _lines(company.street)
    props = {
        "name": company.name,
        "domain": domain_of(company.website),
        "website": company.website,
        "phone": company.phone,
        "address": address,
        "address2": address2,
        "city": company.city,
        "state": company.state,
        "zip": company.postal_code,
        "country": company.country,
        "industry": hubspot_industry(company.industry),
        "numberofemployees": company.employees,
        "annualrevenue": company.annual_revenue,
        "description": company.description,
        "lifecyclestage": "customer" if customer else "lead",
        "erp_customer_id": erp_id,
    }
    return {k: text(v) for k, v in props.items()}


def contact_properties(
    contact: Contact, company: Company | None, erp_id: str | None, customer: bool
) -> dict[str, Any]:
    address, _ = _lines(contact.street)
    props = {
        "email": contact.email.strip().lower(),
        "firstname": contact.first_name,
        "lastname": contact.last_name,
        "phone": contact.phone,
        "jobtitle": contact.title,
        "address": address,
        "city": contact.city,
        "state": contact.state,
        "zip": contact.postal_code,
        "country": contact.country,
        "company": company.name if company else None,
        "lifecyclestage": "customer" if customer else "lead",
        "erp_contact_id": erp_id,
    }
    return {k: text(v) for k, v in props.items()}


def deal_properties(order: SalesOrder, company: Company, erp_id: str | None) -> dict[str, Any]:
    props = {
        "dealname": f"{company.name} - {order.key}",
        "amount": money(order.total),
        "dealstage": DEAL_STAGES.get(order.status, "closedwon"),
        "pipeline": "default",
        "closedate": iso(order.ordered_at),
        "deal_currency_code": order.currency,
        "po_number": order.po_number,
        "order_number": order.key,
        "erp_order_id": erp_id,
    }
    return {k: text(v) for k, v in props.items()}


def line_properties(line: OrderLine, product: Product, product_id: str | None) -> dict[str, Any]:
    props = {
        "name": product.name,
        "quantity": line.quantity,
        "price": money(line.unit_price),
        "amount": money(line.total),
        "discount": money(line.discount) if line.discount else None,
        "hs_product_id": product_id,
        "hs_sku": product.key,
        "hs_position_on_quote": line.line_number,
    }
    return {k: text(v) for k, v in props.items()}


def product_properties(product: Product, price: int | None, erp_id: str | None) -> dict[str, Any]:
    props = {
        "name": product.name,
        "description": product.description,
        "price": money(price),
        "hs_sku": product.key,
        "erp_item_id": erp_id,
        "erp_item_code": product.key,
        "erp_unit": product.unit,
        "erp_active": product.active,
        "erp_price_currency": "USD" if price is not None else None,
        "erp_price_active": True if price is not None else None,
    }
    return {k: text(v) for k, v in props.items()}


__all__ = [
    "FIELD_NAMES",
    "company_properties",
    "contact_properties",
    "deal_properties",
    "domain_of",
    "line_properties",
    "money",
    "product_properties",
    "text",
]
