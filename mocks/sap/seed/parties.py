"""Business partners: the ERP customers an earlier integration created (organisations with
address, e-mail, phone, customer roles, the customer and its company code) and their
contact persons (person partners linked by a contact relationship).

A dirty world adds SAP-flavoured defects, each logged as a world defect: partners without
the customer role (so no `A_Customer`), names split over `OrganizationBPName1..4` at a
migration's fixed width, and region codes that belong to another country. A clean world
seeds none."""

from __future__ import annotations

import random
import uuid
from datetime import datetime
from typing import Any

from mocks.sap.seed.common import COUNTRY_BY_NAME, COUNTRY_CODES, at, day, partner_stamps
from mocks.sap.seed.regions import foreign_region, region_code
from mocks.store import RecordStore
from mocks.world.generator import Company, World
from mocks.world.overlap import Overlap

DEFECTS = ("no_customer_role", "split_name", "region_mismatch")
FAR_FUTURE = "9999-12-31T00:00:00"
SPLIT_WIDTH = 20  # the legacy migration cut names into 20-character pieces


def pick_defects(world: World, customers: list[Company]) -> dict[str, str]:
    """company key -> the SAP defect it carries (dirty worlds only; seeded choice)."""
    rate = world.settings.dirty
    if rate <= 0:
        return {}
    rng = random.Random(f"{world.settings.seed}:sap-defects")
    chosen: dict[str, str] = {}
    for company in customers:
        if rng.random() >= rate:
            continue
        kind = rng.choice(DEFECTS)
        if kind == "split_name" and len(company.name) <= SPLIT_WIDTH:
            kind = "region_mismatch"  # a short name fits one piece: nothing to split
        chosen[company.key] = kind
    return chosen


def _names(name: str, split: bool) -> dict[str, str]:
    width = SPLIT_WIDTH if split else 40
    pieces = [name[i : i + width] for i in range(0, len(name), width)][:4] or [""]
    return {f"OrganizationBPName{n}": p for n, p in enumerate(pieces, start=1) if p}


def _address(
    partner: str, address_id: str, company: Any, country: str, region: str | None
) -> dict[str, Any]:
    street = (company.street or "").split("\n")[0]
    return {
        "BusinessPartner": partner,
        "AddressID": address_id,
        "StreetName": street[:60] or None,
        "CityName": (company.city or "")[:40] or None,
        "PostalCode": (company.postal_code or "")[:10] or None,
        "Region": region,
        "Country": country,
        "Language": "EN",
    }


def _communication(
    store: RecordStore, address_id: str, email: str, phone: str, country: str, when: Any
) -> None:
    key = f"{address_id}||1"
    if email:
        store.insert(
            "A_AddressEmailAddress",
            key,
            {
                "AddressID": address_id,
                "Person": "",
                "OrdinalNumber": "1",
                "IsDefaultEmailAddress": True,
                "EmailAddress": email[:241],
            },
            at=when,
        )
    if phone:
        store.insert(
            "A_AddressPhoneNumber",
            key,
            {
                "AddressID": address_id,
                "Person": "",
                "OrdinalNumber": "1",
                "IsDefaultPhoneNumber": True,
                "PhoneNumber": phone[:30],
                "DestinationLocationCountry": country,
                "PhoneNumberType": "1",
            },
            at=when,
        )


def _partner(
    number: str, category: str, name: str, external: str | None, when: datetime
) -> dict[str, Any]:
    """The central data every seeded partner shares."""
    return {
        "BusinessPartner": number,
        "BusinessPartnerCategory": category,
        "BusinessPartnerFullName": name[:81],
        "BusinessPartnerName": name[:81],
        "Language": "EN",
        "BusinessPartnerIDByExtSystem": (external or "")[:20] or None,
        "BusinessPartnerIsBlocked": False,
        "BusinessPartnerUUID": str(uuid.uuid5(uuid.NAMESPACE_OID, number)),
        **partner_stamps(when),
    }


def _customer_role(store: RecordStore, partner: str, name: str, when: datetime) -> None:
    """The customer roles, the customer they make and its company code."""
    for role in ("FLCU00", "FLCU01"):
        store.insert(
            "A_BusinessPartnerRole",
            f"{partner}|{role}",
            {"BusinessPartner": partner, "BusinessPartnerRole": role},
            at=when,
        )
    customer = {
        "Customer": partner,
        "CustomerName": name[:35],
        "CustomerFullName": name[:220],
        "CustomerAccountGroup": "CUST",
        "DeletionIndicator": False,
        "OrderIsBlockedForCustomer": "",
        "CreationDate": day(when),
    }
    store.insert("A_Customer", partner, customer, at=when)
    company = {
        "Customer": partner,
        "CompanyCode": "1010",
        "PaymentTerms": "0001",
        "ReconciliationAccount": "12100000",
        "DeletionIndicator": False,
    }
    store.insert("A_CustomerCompany", f"{partner}|1010", company, at=when)


def seed_customers(store: RecordStore, overlap: Overlap, defects: dict[str, str]) -> None:
    for n, company in enumerate(overlap.customers, start=1):
        partner = overlap.erp_ids[company.key]
        defect = defects.get(company.key)
        when = at(company.created_at)
        country = COUNTRY_CODES.get(company.locale, "US")
        region = region_code(country, company.state)
        if defect == "region_mismatch":
            region = foreign_region(country)
        fields = _partner(partner, "2", company.name, overlap.crm_ids.get(company.key), when)
        fields.update(
            _names(company.name, defect == "split_name"),
            BusinessPartnerGrouping="BPEE",
            SearchTerm1=company.name.upper()[:20],
        )
        address_id = str(n)
        address = _address(partner, address_id, company, country, region)
        store.insert("A_BusinessPartnerAddress", f"{partner}|{address_id}", address, at=when)
        _communication(store, address_id, company.email, company.phone, country, when)
        if defect != "no_customer_role":
            fields["Customer"] = partner
            _customer_role(store, partner, company.name, when)
        store.insert("A_BusinessPartner", partner, fields, at=when)


def seed_contacts(store: RecordStore, overlap: Overlap, first_address: int) -> None:
    for n, contact in enumerate(overlap.contacts):
        person = overlap.erp_ids[contact.key]
        company = overlap.erp_ids[contact.company_key]
        when = at(contact.created_at)
        full = f"{contact.first_name} {contact.last_name}".strip()
        fields = _partner(person, "1", full, overlap.crm_ids.get(contact.key), when)
        fields.update(
            FirstName=contact.first_name[:40] or None,
            LastName=contact.last_name[:40],
            SearchTerm1=contact.last_name.upper()[:20],
        )
        store.insert("A_BusinessPartner", person, fields, at=when)
        address_id = str(first_address + n)
        country = COUNTRY_BY_NAME.get(contact.country, "US")
        region = region_code(country, contact.state)
        address = _address(person, address_id, contact, country, region)
        store.insert("A_BusinessPartnerAddress", f"{person}|{address_id}", address, at=when)
        _communication(store, address_id, contact.email, contact.phone, country, when)
        number = str(n + 1)
        link = {
            "RelationshipNumber": number,
            "BusinessPartnerCompany": company,
            "BusinessPartnerPerson": person,
            "ValidityEndDate": FAR_FUTURE,
            "ValidityStartDate": day(when),
            "IsStandardRelationship": True,
            "RelationshipCategory": "BUR001",
        }
        store.insert(
            "A_BusinessPartnerContact", f"{number}|{company}|{person}|{FAR_FUTURE}", link, at=when
        )


__all__ = ["DEFECTS", "pick_defects", "seed_contacts", "seed_customers"]
