"""Project the canonical world into Salesforce Accounts (the seeder given to MockContext)."""

from __future__ import annotations

from typing import Any

from mocks.salesforce.ids import make_id
from mocks.salesforce.schema import ACCOUNT
from mocks.store import RecordStore
from mocks.world.generator import Company, World


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


# Canonical company field -> Account field, for the ground truth's `vendor_field`.
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
}


def seed_salesforce(store: RecordStore, world: World) -> dict[str, int]:
    """Insert one Account per company, created at the company's creation time, and tell the
    world the Account ids so its ground truth names them. The company key is kept in
    `AccountNumber`, so defects can be joined on either.

    Ids are numbered in world order, so the same world always gets the same ids.
    """
    ids: dict[str, str] = {}
    for number, company in enumerate(world.companies, start=1):
        record_id = make_id(ACCOUNT.key_prefix, number)
        store.insert(ACCOUNT.name, record_id, account_fields(company), at=company.created_at)
        ids[company.key] = record_id
    world.project("salesforce", ids, FIELD_NAMES)
    for fd in ACCOUNT.external_id_fields:
        store.ensure_index(ACCOUNT.name, fd.name)
    return {ACCOUNT.name: len(world.companies)}
