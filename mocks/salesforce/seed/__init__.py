"""Project the canonical world into Salesforce Accounts and, when the world has its business
(`WorldSettings.full_business`), Contacts and the commerce objects (`seed_commerce`): the
seeder given to MockContext.

A contact whose company is missing (an injected orphan) is stored without AccountId. A contact
without a last name is left out: Salesforce requires LastName and refuses the row, so the
seeder does what a data loader would - skips it - and the ground truth keeps its defect with
`not_loaded: "REQUIRED_FIELD_MISSING"` and no record id (no profile of Salesforce can see it).
Other defects (invalid emails, over-long values) are stored as generated, bypassing the save
validation as a legacy import would.
"""

from __future__ import annotations

from typing import Any

from mocks.salesforce.ids import make_id
from mocks.salesforce.schema import ACCOUNT, CONTACT, SOBJECTS, compound_name
from mocks.salesforce.seed.commerce import FIELD_NAMES as COMMERCE_FIELD_NAMES
from mocks.salesforce.seed.commerce import seed_commerce
from mocks.store import RecordStore
from mocks.world.entities import Contact
from mocks.world.generator import Company, World
from mocks.world.overlap import plan


def account_fields(company: Company) -> dict[str, Any]:
    """A company as the Account a sales team typed in; blanks are null, as Salesforce stores
    empty strings. Values are kept as generated, over-long ones included (they are defects
    the world injected on purpose, and Salesforce itself never truncates)."""
    fields: dict[str, Any] = {
        "Name": company.name,
        "AccountNumber": company.key,
        "Phone": company.phone,
        "Website": company.website,
        "Industry": company.industry,
        "BillingStreet": company.street,
        "BillingCity": company.city,
        "BillingState": company.state,
        "BillingPostalCode": company.postal_code,
        "BillingCountry": company.country,
        "NumberOfEmployees": company.employees,
        "AnnualRevenue": company.annual_revenue,
        "Description": company.description,
        "Billing_Email__c": company.email,
    }
    return {k: (None if v == "" else v) for k, v in fields.items()}


def contact_fields(contact: Contact, account_id: str | None) -> dict[str, Any]:
    """A contact as the Contact record its account's owner typed in; blanks are null."""
    fields: dict[str, Any] = {
        "AccountId": account_id,
        "FirstName": contact.first_name,
        "LastName": contact.last_name,
        "Email": contact.email,
        "Phone": contact.phone,
        "Title": contact.title,
        "MailingStreet": contact.street,
        "MailingCity": contact.city,
        "MailingState": contact.state,
        "MailingPostalCode": contact.postal_code,
        "MailingCountry": contact.country,
    }
    return compound_name(CONTACT, {k: (None if v == "" else v) for k, v in fields.items()})


# Canonical field -> Salesforce field, for the ground truth's `vendor_field` (company fields
# bare, contact fields as "contact.<field>").
FIELD_NAMES = {
    "key": "AccountNumber",
    "name": "Name",
    "phone": "Phone",
    "website": "Website",
    "email": "Billing_Email__c",
    "industry": "Industry",
    "street": "BillingStreet",
    "city": "BillingCity",
    "state": "BillingState",
    "postal_code": "BillingPostalCode",
    "country": "BillingCountry",
    "employees": "NumberOfEmployees",
    "annual_revenue": "AnnualRevenue",
    "description": "Description",
    "contact.company_key": "AccountId",
    "contact.first_name": "FirstName",
    "contact.last_name": "LastName",
    "contact.email": "Email",
    "contact.phone": "Phone",
    "contact.title": "Title",
    "contact.street": "MailingStreet",
    "contact.city": "MailingCity",
    "contact.state": "MailingState",
    "contact.postal_code": "MailingPostalCode",
    "contact.country": "MailingCountry",
}


def seed_salesforce(store: RecordStore, world: World) -> dict[str, int]:
    """Insert one Account per company, created at the company's creation time, then (with
    the world's business) one Contact per contact, and tell the world the record ids so its
    ground truth names them. The company key is kept in `AccountNumber`, so defects can be
    joined on either.

    Ids are numbered in world order (a skipped contact keeps its number unused), so the same
    world always gets the same ids.
    """
    ids: dict[str, str] = {}
    for number, company in enumerate(world.companies, start=1):
        record_id = make_id(ACCOUNT.key_prefix, number)
        store.insert(ACCOUNT.name, record_id, account_fields(company), at=company.created_at)
        ids[company.key] = record_id
    counts = {ACCOUNT.name: len(world.companies)}
    skipped: dict[str, str] = {}
    if world.business is not None and world.business.contacts:
        counts[CONTACT.name] = _seed_contacts(store, world.business.contacts, ids, skipped)
    if world.business is not None:
        more, commerce_ids, left_out = seed_commerce(store, world, world.business, plan(world))
        counts.update(more)
        ids.update(commerce_ids)
        skipped.update(left_out)
    world.project("salesforce", ids, {**FIELD_NAMES, **COMMERCE_FIELD_NAMES}, skipped)
    for sobject in SOBJECTS.values():
        for fd in sobject.external_id_fields:
            store.ensure_index(sobject.name, fd.name)
    return counts


def _seed_contacts(
    store: RecordStore, contacts: list[Contact], ids: dict[str, str], skipped: dict[str, str]
) -> int:
    """Insert the contacts (adding their ids to `ids`, skipped ones to `skipped`)."""
    loaded = 0
    for number, contact in enumerate(contacts, start=1):
        if not contact.last_name.strip():
            skipped[contact.key] = "REQUIRED_FIELD_MISSING"
            continue
        record_id = make_id(CONTACT.key_prefix, number)
        fields = contact_fields(contact, ids.get(contact.company_key))
        store.insert(CONTACT.name, record_id, fields, at=contact.created_at)
        ids[contact.key] = record_id
        loaded += 1
    return loaded
