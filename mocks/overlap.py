"""Which records of a full-business world both systems already share, and the ids each
system gave them: the footprint of the integration that ran before the harness arrived.

Both seeders read this one plan, so the CRM ids the ERP holds as `externalId` are the ids the
CRM seeder really assigns, and the ERP ids the CRM holds in `NetSuite_Id__c` are the ERP
seeder's. The rules, all pure functions of the world:

- An order is in the ERP once it left the CRM's hands: every order of a real customer except
  the `pending_fulfilment` ones (the last week's, which the sync under test must push).
  Orphan orders (no such customer) are in neither system's books as orders of a customer:
  the CRM cannot save them (Order.AccountId is required) and the ERP never got them.
- A company is an ERP customer when it has an ERP order; its contacts created more than
  `CONTACT_SYNC_LAG` before `as_of` were synced too (a loadable CRM contact only).
- Invoices, payments, locations, inventory and items live in the ERP. The CRM received the
  products its orders use plus four in five of the rest, the invoices older than
  `INVOICE_SYNC_LAG`, and the inventory levels of the products it has.

Ids: Salesforce ids are numbered in world order per object (`crm_id`); NetSuite entity and
item ids count from 1 per type in world order; transactions share one sequence (an order,
then its invoice, then that invoice's payments).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from mocks.world.entities import Business, Contact, Invoice, OrderLine, Payment, SalesOrder
from mocks.world.generator import Company, World

CONTACT_SYNC_LAG = timedelta(days=30)
INVOICE_SYNC_LAG = timedelta(days=30)
PRODUCT_SHARE_SKIPPED = 5  # one product in five the CRM has not received (unless ordered)
# Locale of a company -> (NetSuite subsidiary id, ISO country) of the ERP customer.
SUBSIDIARY_BY_LOCALE: dict[str, tuple[str, str]] = {
    "en_US": ("1", "US"),
    "en_GB": ("2", "GB"),
    "de_DE": ("3", "DE"),
    "fr_FR": ("4", "FR"),
    "en_CA": ("5", "CA"),
}
# Salesforce key prefixes of the objects the plan numbers.
CRM_PREFIXES = {"account": "001", "contact": "003", "order": "801", "order_line": "802"}


def crm_id(kind: str, number: int) -> str:
    """The Salesforce id the CRM seeder gives the `number`-th (1-based) record of `kind`."""
    # Imported here: `mocks.salesforce` imports its seeder, which imports this module.
    from mocks.salesforce.ids import make_id

    return make_id(CRM_PREFIXES[kind], number)


@dataclass
class Overlap:
    """The plan: what each side holds, in world order, with the ids each side assigns."""

    customers: list[Company] = field(default_factory=list)  # ERP customers
    contacts: list[Contact] = field(default_factory=list)  # ERP contacts
    orders: list[SalesOrder] = field(default_factory=list)  # ERP sales orders
    lines: dict[str, list[OrderLine]] = field(default_factory=dict)  # order key -> lines
    invoices: dict[str, Invoice] = field(default_factory=dict)  # order key -> invoice
    payments: dict[str, list[Payment]] = field(default_factory=dict)  # invoice key -> payments
    crm_products: set[str] = field(default_factory=set)  # product keys the CRM holds
    crm_invoices: set[str] = field(default_factory=set)  # invoice keys the CRM holds
    # canonical key -> NetSuite internal id (customers, contacts, items, locations, orders,
    # invoices, payments)
    erp_ids: dict[str, str] = field(default_factory=dict)
    # canonical key -> Salesforce id (accounts, contacts, orders; lines by line key)
    crm_ids: dict[str, str] = field(default_factory=dict)


def plan(world: World) -> Overlap:
    """The overlap of a world with its business (`World.ensure_business()` first)."""
    business = world.business
    if business is None:
        raise ValueError("the overlap needs the world's business: call ensure_business()")
    out = Overlap()
    companies = {c.key: c for c in world.companies}
    _crm_ids(world, business, out)
    for line in business.order_lines:
        out.lines.setdefault(line.order_key, []).append(line)
    for invoice in business.invoices:
        out.invoices[invoice.order_key] = invoice
    for payment in business.payments:
        out.payments.setdefault(payment.invoice_key, []).append(payment)
    out.orders = [
        o for o in business.orders
        if o.customer_key in companies and o.status != "pending_fulfilment"
    ]  # fmt: skip
    customer_keys = {o.customer_key for o in out.orders}
    out.customers = [c for c in world.companies if c.key in customer_keys]
    cutoff = world.settings.as_of - CONTACT_SYNC_LAG
    out.contacts = [
        c for c in business.contacts
        if c.company_key in customer_keys and c.last_name.strip() and c.created_at <= cutoff
    ]  # fmt: skip
    _erp_ids(business, out)
    ordered = {line.product_key for line in business.order_lines}
    out.crm_products = {
        p.key for i, p in enumerate(business.products, start=1)
        if p.key in ordered or i % PRODUCT_SHARE_SKIPPED
    }  # fmt: skip
    invoice_cutoff = (world.settings.as_of - INVOICE_SYNC_LAG).date()
    out.crm_invoices = {
        i.key for i in out.invoices.values()
        if i.invoice_date <= invoice_cutoff and i.order_key in out.crm_ids
    }  # fmt: skip
    return out


def _crm_ids(world: World, business: Business, out: Overlap) -> None:
    """Salesforce ids: accounts by company, contacts by contact, orders and lines by order."""
    for number, company in enumerate(world.companies, start=1):
        out.crm_ids[company.key] = crm_id("account", number)
    for number, contact in enumerate(business.contacts, start=1):
        if contact.last_name.strip():
            out.crm_ids[contact.key] = crm_id("contact", number)
    companies = {c.key for c in world.companies}
    for number, order in enumerate(business.orders, start=1):
        if order.customer_key in companies:
            out.crm_ids[order.key] = crm_id("order", number)
    for number, line in enumerate(business.order_lines, start=1):
        if line.order_key in out.crm_ids and line.quantity is not None:
            out.crm_ids[line.key] = crm_id("order_line", number)


def _erp_ids(business: Business, out: Overlap) -> None:
    for number, company in enumerate(out.customers, start=1):
        out.erp_ids[company.key] = str(number)
    for number, contact in enumerate(out.contacts, start=1):
        out.erp_ids[contact.key] = str(number)
    for number, product in enumerate(business.products, start=1):
        out.erp_ids[product.key] = str(number)
    for number, location in enumerate(business.locations, start=1):
        out.erp_ids[location.key] = str(number)
    counter = 0
    for order in out.orders:
        counter += 1
        out.erp_ids[order.key] = str(counter)
        invoice = out.invoices.get(order.key)
        if invoice is None:
            continue
        counter += 1
        out.erp_ids[invoice.key] = str(counter)
        for payment in out.payments.get(invoice.key, []):
            counter += 1
            out.erp_ids[payment.key] = str(counter)


__all__ = ["CRM_PREFIXES", "SUBSIDIARY_BY_LOCALE", "Overlap", "crm_id", "plan"]
