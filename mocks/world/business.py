"""The whole business around the companies: `generate_business(settings, companies)`.

Generated only when asked (`WorldSettings.full_business`, or `World.ensure_business()`), so a
companies-only world, the demo's and the seeders', does not pay for it. It is a pure function
of the settings and the companies and draws from its own `random.Random` streams, so the
companies are the same with or without it, and the business is the same whether generated
with the world or later. Defects (`mocks.world.business_defects`) are returned in the ground
truth's format, for the world to append to its manifest.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mocks.world.business_defects import EntityDefects
from mocks.world.catalog import make_inventory, make_locations, make_price_lists, make_products
from mocks.world.commerce import OrderMaker
from mocks.world.entities import Business, Contact
from mocks.world.people import ContactMaker
from mocks.world.pools import LOCALE_WEIGHTS, build_pools
from mocks.world.settings import WorldSettings

if TYPE_CHECKING:
    from mocks.world.generator import Company


def generate_business(
    settings: WorldSettings, companies: Sequence[Company]
) -> tuple[Business, list[dict[str, Any]]]:
    """Contacts, catalogue, price lists, inventory, orders, invoices, payments; and defects."""
    seed = settings.seed
    # The same pools as the companies' (cached by locale and seed in `build_pools`).
    pools = {loc: build_pools(loc, seed + i) for i, loc in enumerate(LOCALE_WEIGHTS)}
    phrases = pools["en_US"].phrases
    business = Business()
    catalog_rng = random.Random(f"catalog-{seed}")
    business.products = make_products(catalog_rng, settings.products, phrases)
    business.price_lists, business.price_entries = make_price_lists(catalog_rng, business.products)
    business.locations = make_locations(settings.locations)
    business.inventory = make_inventory(catalog_rng, business.products, business.locations)

    defects = EntityDefects(
        random.Random(f"business-defects-{seed}"), settings.dirty, settings.accounts
    )
    people = ContactMaker(
        random.Random(f"contacts-{seed}"), pools, seed, settings.contacts_per_company
    )
    orders = OrderMaker(
        random.Random(f"orders-{seed}"),
        business,
        business.price_entries,
        settings.as_of,
        settings.orders_per_company,
        defects,
    )
    as_of_seconds = settings.as_of.timestamp()
    contacts = business.contacts
    for company in companies:
        for values in people.for_company(company, as_of_seconds):
            defects.contact(values)
            contacts.append(Contact(**values))
        orders.for_company(company)
    return business, defects.defects


__all__ = ["generate_business"]
