"""The services the mock serves, by name (SAP matches service names without regard to case),
and where each entity set lives."""

from __future__ import annotations

from mocks.sap.odata.model import EntityType, Service
from mocks.sap.schema import accounting, billing, partner, product, sales

SERVICES: dict[str, Service] = {
    s.name: s
    for s in (
        partner.SERVICE,
        product.SERVICE,
        sales.SERVICE,
        billing.BILLING_SERVICE,
        billing.STOCK_SERVICE,
        accounting.SERVICE,
    )
}
# Every entity set name is unique across the services: the store keeps one object per set.
ENTITY_TYPES: dict[str, EntityType] = {t.set_name: t for s in SERVICES.values() for t in s.types}


def find_service(name: str) -> Service | None:
    """The service called `name`, case aside (`api_business_partner` is the same service)."""
    return SERVICES.get(name.upper())


__all__ = ["ENTITY_TYPES", "SERVICES", "find_service"]
