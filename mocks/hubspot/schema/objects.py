"""The five CRM objects of the portal, one module each: HubSpot's standard properties
(VENDORS.md 2.7) and the integration team's custom ones (group `erp_integration`), as both
packs agreed them."""

from __future__ import annotations

from mocks.hubspot.schema.common import CURRENCIES, DEAL_STAGES, LIFECYCLE_STAGES
from mocks.hubspot.schema.companies import COMPANIES
from mocks.hubspot.schema.contacts import CONTACTS
from mocks.hubspot.schema.deals import DEALS
from mocks.hubspot.schema.line_items import LINE_ITEMS
from mocks.hubspot.schema.products import PRODUCTS
from mocks.hubspot.schema.spec import ObjectSpec

OBJECTS: dict[str, ObjectSpec] = {
    spec.name: spec for spec in (COMPANIES, CONTACTS, DEALS, PRODUCTS, LINE_ITEMS)
}
# Every spelling a path may use for an object type: plural, singular, type id.
ALIASES: dict[str, str] = {
    alias: spec.name
    for spec in OBJECTS.values()
    for alias in (spec.name, spec.singular, spec.type_id)
}
ALIASES["lineitems"] = ALIASES["lineitem"] = "line_items"

__all__ = [
    "ALIASES",
    "COMPANIES",
    "CONTACTS",
    "CURRENCIES",
    "DEALS",
    "DEAL_STAGES",
    "LIFECYCLE_STAGES",
    "LINE_ITEMS",
    "OBJECTS",
    "PRODUCTS",
]
