"""The full business around the companies: integrity by construction, totals, dates, realism."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from mocks.world.commerce import CURRENCIES, TIME_ZONES, WINDOW_DAYS
from mocks.world.generator import World, WorldSettings, generate_world
from mocks.world.people import CONTACT_LAST_NAME_LIMIT, company_domain

AS_OF = datetime(2025, 3, 15, 9, 30, tzinfo=UTC)
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


@pytest.fixture(scope="module")
def dirty() -> World:
    return generate_world(
        WorldSettings(seed=11, accounts=400, dirty=0.2, as_of=AS_OF, full_business=True)
    )


@pytest.fixture(scope="module")
def clean() -> World:
    return generate_world(WorldSettings(seed=11, accounts=400, as_of=AS_OF, full_business=True))


def _flagged(world: World, entity: str, fld: str | None = None) -> set[str]:
    return {
        d["key"]
        for d in world.defects
        if d["entity"] == entity and (fld is None or d["field"] == fld)
    }


def test_companies_only_worlds_do_not_generate_the_business() -> None:
    world = generate_world(WorldSettings(seed=11, accounts=50))
    assert world.business is None
    business = world.ensure_business()
    assert business.orders and world.ensure_business() is business


def test_every_reference_resolves_except_the_orphans_in_the_manifest(dirty: World) -> None:
    b = dirty.business
    assert b is not None
    companies = {c.key for c in dirty.companies}
    products = {p.key for p in b.products}
    orders = {o.key: o for o in b.orders}
    lines = {line.key: line for line in b.order_lines}
    invoices = {i.key: i for i in b.invoices}
    orphan_contacts = {c.key for c in b.contacts if c.company_key not in companies}
    orphan_orders = {o.key for o in b.orders if o.customer_key not in companies}
    assert orphan_contacts and orphan_contacts == _flagged(dirty, "contact", "company_key")
    assert orphan_orders and orphan_orders == _flagged(dirty, "order", "customer_key")
    assert all(line.order_key in orders and line.product_key in products for line in lines.values())
    for invoice in b.invoices:
        assert invoice.customer_key in companies
        assert orders[invoice.order_key].customer_key == invoice.customer_key
        assert all(lines[k].order_key == invoice.order_key for k in invoice.line_keys)
    assert all(p.invoice_key in invoices for p in b.payments)
    assert all(p.customer_key == invoices[p.invoice_key].customer_key for p in b.payments)
    locations = {loc.key for loc in b.locations}
    assert {(i.product_key, i.location_key) for i in b.inventory} == {
        (p, loc) for p in products for loc in locations
    }
    priced = {(e.price_list_key, e.product_key, e.currency) for e in b.price_entries}
    for line in b.order_lines:
        order = orders[line.order_key]
        assert (order.price_list_key, line.product_key, order.currency) in priced


def test_totals_add_up_except_the_injected_mismatches(dirty: World) -> None:
    b = dirty.business
    assert b is not None
    bad_lines = _flagged(dirty, "order_line", "total")
    blank = _flagged(dirty, "order_line", "quantity")
    bad_orders = _flagged(dirty, "order", "total")
    assert bad_lines and blank and bad_orders
    by_order: dict[str, int] = defaultdict(int)
    line_totals = {}
    for line in b.order_lines:
        by_order[line.order_key] += line.total
        line_totals[line.key] = line.total
        if line.key in blank:
            assert line.quantity is None
            continue
        assert line.quantity is not None and line.quantity >= 1
        adds_up = line.total == line.quantity * line.unit_price - line.discount
        assert adds_up == (line.key not in bad_lines), line
    for order in b.orders:
        assert (order.total == by_order[order.key]) == (order.key not in bad_orders), order
    paid: dict[str, int] = defaultdict(int)
    for payment in b.payments:
        assert payment.amount > 0
        paid[payment.invoice_key] += payment.amount
    for invoice in b.invoices:
        assert invoice.total == sum(line_totals[k] for k in invoice.line_keys)
        assert paid[invoice.key] <= invoice.total
    outcomes = Counter(
        "none" if not paid[i.key] else "full" if paid[i.key] == i.total else "part"
        for i in b.invoices
    )
    assert min(outcomes.values()) > 0.03 * len(b.invoices), outcomes
    assert any(i.partial for i in b.invoices)


def test_dates_lie_in_the_window_before_as_of_and_cross_a_year(clean: World) -> None:
    b = clean.business
    assert b is not None
    start = AS_OF - timedelta(days=WINDOW_DAYS)
    by_key = {c.key: c for c in clean.companies}
    years = Counter()
    for order in b.orders:
        assert start <= order.ordered_at < AS_OF
        zone = getattr(order.ordered_at.tzinfo, "key", None)
        assert zone in TIME_ZONES[by_key[order.customer_key].locale]
        assert order.currency == CURRENCIES[by_key[order.customer_key].locale]
        years[order.ordered_at.year] += 1
    assert len(years) >= 2 and min(years.values()) > 0.1 * len(b.orders)
    orders = {o.key: o for o in b.orders}
    for invoice in b.invoices:
        assert orders[invoice.order_key].ordered_at.date() <= invoice.invoice_date
        assert invoice.invoice_date <= AS_OF.date() and invoice.due_date > invoice.invoice_date
    invoices = {i.key: i for i in b.invoices}
    for payment in b.payments:
        assert invoices[payment.invoice_key].invoice_date < payment.paid_on <= AS_OF.date()
    for contact in b.contacts:
        assert by_key[contact.company_key].created_at <= contact.created_at <= AS_OF


def test_a_clean_business_is_valid_and_realistic(clean: World) -> None:
    b = clean.business
    assert b is not None and clean.defects == []
    per_company = Counter(c.company_key for c in b.contacts)
    assert set(per_company.values()) == {1, 2, 3, 4, 5}
    assert set(per_company) == {c.key for c in clean.companies}
    by_key = {c.key: c for c in clean.companies}
    for contact in b.contacts:
        assert EMAIL.match(contact.email), contact.email
        assert contact.email.endswith("@" + company_domain(by_key[contact.company_key]))
        assert contact.first_name and 0 < len(contact.last_name) <= CONTACT_LAST_NAME_LIMIT
    names = [f"{c.first_name} {c.last_name}" for c in b.contacts]
    assert any("'" in n for n in names) and any(re.search(r"[éèêëäöüßçôïÉ]", n) for n in names)
    assert any(len(c.last_name) >= CONTACT_LAST_NAME_LIMIT - 10 for c in b.contacts)
    assert any("\n" in c.street for c in b.contacts)
    assert len({o.currency for o in b.orders}) == 4
    assert 3.0 < len(b.orders) / len(clean.companies) < 5.0
    lines_per_order = Counter(x.order_key for x in b.order_lines)
    assert set(lines_per_order) == {o.key for o in b.orders}
    assert set(lines_per_order.values()) == set(range(1, 9))
    assert len(b.products) >= 200 and len({p.family for p in b.products}) == 6
    assert any(240 <= len(p.name) <= 255 for p in b.products)
    assert {o.status for o in b.orders} >= {"billed", "partially_billed", "pending_billing"}


def test_injected_contact_defects_are_what_the_manifest_says(dirty: World) -> None:
    b = dirty.business
    assert b is not None
    contacts = {c.key: c for c in b.contacts}
    kinds = Counter((d["kind"], d["entity"]) for d in dirty.defects if d["entity"] != "company")
    assert set(kinds) == {
        ("orphan", "contact"),
        ("orphan", "order"),
        ("missing_value", "contact"),
        ("missing_value", "order_line"),
        ("invalid_email", "contact"),
        ("total_mismatch", "order_line"),
        ("total_mismatch", "order"),
    }
    for d in dirty.defects:
        if d["entity"] != "contact":
            continue
        contact = contacts[d["key"]]
        if d["kind"] == "missing_value":
            assert contact.last_name == ""
        elif d["kind"] == "invalid_email":
            assert not EMAIL.match(contact.email) and contact.email == d["details"]["value"]
        else:
            assert contact.company_key == ""
    flagged = _flagged(dirty, "contact")
    assert all(EMAIL.match(c.email) and c.last_name for c in b.contacts if c.key not in flagged)
    share = len(flagged) / len(b.contacts)
    assert 0.02 < share < 0.09


@pytest.mark.parametrize(
    ("knob", "value"),
    [
        ("contacts_per_company", 0),
        ("products", -1),
        ("locations", 1.5),
        ("orders_per_company", -2),
        ("full_business", "yes"),
    ],
)
def test_settings_reject_bad_business_knobs(knob: str, value: object) -> None:
    with pytest.raises(ValueError, match=knob):
        WorldSettings.from_mapping({knob: value})


def test_the_knobs_shape_the_business() -> None:
    settings = WorldSettings(
        seed=3,
        accounts=30,
        full_business=True,
        contacts_per_company=1,
        orders_per_company=0,
        products=12,
        locations=8,
    )
    b = generate_world(settings).business
    assert b is not None
    assert len(b.contacts) == 30 and b.orders == [] and b.invoices == []
    assert len(b.products) == 12 and len(b.locations) == 8 and len(b.inventory) == 96
    assert len({loc.name for loc in b.locations}) == 8
