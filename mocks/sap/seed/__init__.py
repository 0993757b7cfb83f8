"""What a fresh SAP system holds: the communication user's business partner, and for a world
with its full business the ERP's side of it (`mocks.sap.seed.business`). A companies-only
world leaves the system without customers: they reach it only through the sync under test."""

from __future__ import annotations

from datetime import UTC, datetime

from mocks.sap.config import COMMUNICATION_USER
from mocks.sap.schema import ENTITY_TYPES
from mocks.sap.seed.accounting import amount_due, post_payment
from mocks.sap.seed.common import partner_stamps
from mocks.store import RecordStore
from mocks.world.generator import World

# Fields the navigation properties look records up by: indexed for O(1) `find`.
INDEXED = {
    "A_BusinessPartnerAddress": ("BusinessPartner",),
    "A_AddressEmailAddress": ("AddressID",),
    "A_AddressPhoneNumber": ("AddressID",),
    "A_BusinessPartnerRole": ("BusinessPartner",),
    "A_Customer": ("Customer",),
    "A_CustomerCompany": ("Customer",),
    "A_BusinessPartnerContact": ("BusinessPartnerCompany",),
    "A_ProductDescription": ("Product",),
    "A_SalesOrderItem": ("SalesOrder",),
    "A_BillingDocumentItem": ("BillingDocument",),
    "A_OperationalAcctgDocItemCube": ("OriginalReferenceDocument", "InvoiceReference"),
}


def ensure_indexes(store: RecordStore) -> None:
    for obj, names in INDEXED.items():
        for name in names:
            store.ensure_index(obj, name)


# Since S/4HANA 1909 every user has a business partner (employee role BUP003): the system
# holds the communication user's before any customer arrives.
SYSTEM_USER_PARTNER = "9980000001"


def seed_base(store: RecordStore) -> None:
    """The communication user's business partner, unless the store already holds it."""
    ensure_indexes(store)
    if store.get("A_BusinessPartner", SYSTEM_USER_PARTNER, include_deleted=True) is not None:
        return
    at = datetime(2020, 1, 1, tzinfo=UTC)
    store.insert(
        "A_BusinessPartner",
        SYSTEM_USER_PARTNER,
        {
            "BusinessPartner": SYSTEM_USER_PARTNER,
            "BusinessPartnerCategory": "1",
            "FirstName": "Communication",
            "LastName": "User",
            "BusinessPartnerFullName": "Communication User",
            "BusinessPartnerName": "Communication User",
            "SearchTerm1": COMMUNICATION_USER[:20],
            "BusinessPartnerIsBlocked": False,
            **partner_stamps(at),
        },
        at=at,
    )
    store.insert(
        "A_BusinessPartnerRole",
        f"{SYSTEM_USER_PARTNER}|BUP003",
        {"BusinessPartner": SYSTEM_USER_PARTNER, "BusinessPartnerRole": "BUP003"},
        at=at,
    )


def seed_sap(store: RecordStore, world: World) -> dict[str, int]:
    """The `MockContext` seeder: the base, then the world's business when it has one."""
    seed_base(store)
    if world.business is not None:
        from mocks.sap.seed.business import seed_business

        seed_business(store, world)
    return {name: store.count(name) for name in ENTITY_TYPES if store.count(name)}


__all__ = [
    "SYSTEM_USER_PARTNER",
    "amount_due",
    "ensure_indexes",
    "post_payment",
    "seed_base",
    "seed_sap",
]
