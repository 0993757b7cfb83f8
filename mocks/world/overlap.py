"""Which records of a full-business world both systems already share, and the ids each
system gave them: the footprint of the integration that ran before the harness arrived.

Both seeders of a pair read this one plan, so the CRM ids the ERP holds as external ids are
the ids the CRM seeder really assigns, and the ERP ids the CRM holds are the ERP seeder's:
each side's ids come from its mock pack (`MockPack.ids_for`), which the plan asks for the
pair the world is seeded into (`WorldSettings.crm` and `.erp`). The rules, all pure
functions of the world:

- An order is in the ERP once it left the CRM's hands: every order of a real customer except
  the `pending_fulfilment` ones (the last week's, which the sync under test must push).
  Orphan orders (no such customer) are in neither system's books as orders of a customer:
  a CRM requires an order's customer, and the ERP never got them.
- A company is an ERP customer when it has an ERP order; its contacts created more than
  `CONTACT_SYNC_LAG` before `as_of` were synced too (a loadable CRM contact only).
- Invoices, payments, locations, inventory and items live in the ERP. The CRM received the
  products its orders use plus four in five of the rest, the invoices older than
  `INVOICE_SYNC_LAG`, and the inventory levels of the products it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from mocks.world.entities import Contact, Invoice, OrderLine, Payment, SalesOrder
from mocks.world.generator import Company, World
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP

CONTACT_SYNC_LAG = timedelta(days=30)
INVOICE_SYNC_LAG = timedelta(days=30)
PRODUCT_SHARE_SKIPPED = 5  # one product in five the CRM has not received (unless ordered)


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
    # canonical key -> the ERP's record id (customers, contacts, items, locations, orders,
    # invoices, payments), as the ERP pack's seeder gives them
    erp_ids: dict[str, str] = field(default_factory=dict)
    # canonical key -> the CRM's record id (companies, contacts, orders, lines)
    crm_ids: dict[str, str] = field(default_factory=dict)


def plan(world: World) -> Overlap:
    """The overlap of a world with its business, with each side's record ids from the mock
    packs of the pair the world is seeded into."""
    from mocks.registry import mock_pack  # the registry loads the packs, which import this

    out = membership(world)
    settings = world.settings
    out.crm_ids = mock_pack(settings.crm or DEFAULT_CRM, "crm").ids_for(world)
    out.erp_ids = mock_pack(settings.erp or DEFAULT_ERP, "erp").ids_for(world)
    return out


def membership(world: World) -> Overlap:
    """Which records both sides hold (no ids): what a pack needs to number its own records.
    Computed once per world; each caller gets its own `Overlap` to fill ids into."""
    if world.overlap is None:
        world.overlap = _membership(world)
    return replace(world.overlap)


def _membership(world: World) -> Overlap:
    business = world.business
    if business is None:
        raise ValueError("the overlap needs the world's business: call ensure_business()")
    out = Overlap()
    companies = {c.key for c in world.companies}
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
    ordered = {line.product_key for line in business.order_lines}
    out.crm_products = {
        p.key for i, p in enumerate(business.products, start=1)
        if p.key in ordered or i % PRODUCT_SHARE_SKIPPED
    }  # fmt: skip
    # The CRM holds every order of a real customer (it cannot save an orphan).
    crm_orders = {o.key for o in business.orders if o.customer_key in companies}
    invoice_cutoff = (world.settings.as_of - INVOICE_SYNC_LAG).date()
    out.crm_invoices = {
        i.key for i in out.invoices.values()
        if i.invoice_date <= invoice_cutoff and i.order_key in crm_orders
    }  # fmt: skip
    return out


__all__ = ["DEFAULT_CRM", "DEFAULT_ERP", "Overlap", "membership", "plan"]
