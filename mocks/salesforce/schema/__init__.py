"""sObject and field metadata: the single source for describe, validation and SOQL.

Objects are plain data: an `SObjectDef` with its fields, listed in `SOBJECTS` (Account and
Contact here, the commerce objects from `commerce`, Lead and Opportunity from `sales`, the
org's Organization, User and RecordType from `org`); describe, writes and queries pick it up
from there. Contact's compound `Name` is read-only and joined from FirstName and
LastName on every write (`compound_name`).
"""

from __future__ import annotations

from typing import Any

from mocks.salesforce.schema.base import (
    NUMBER_TYPES,
    STRING_TYPES,
    FieldDef,
    SObjectDef,
    audit_fields,
    full_name_field,
    owner_field,
    system_field,
    text_field,
)
from mocks.salesforce.schema.commerce import COMMERCE_SOBJECTS
from mocks.salesforce.schema.org import ORG_SOBJECTS
from mocks.salesforce.schema.sales import SALES_SOBJECTS

__all__ = [
    "ACCOUNT", "CONTACT", "NUMBER_TYPES", "SOBJECTS", "STRING_TYPES", "FieldDef",
    "SObjectDef", "compound_name", "get_sobject", "sobject_for_id",
]  # fmt: skip

_system = system_field
_text = text_field
_audit_fields = audit_fields

ACCOUNT_INDUSTRIES = (
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
    "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
    "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government", "Healthcare",
    "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media", "Not For Profit", "Other",
    "Recreation", "Retail", "Shipping", "Technology", "Telecommunications", "Transportation",
    "Utilities",
)  # fmt: skip
ACCOUNT_TYPES = (
    "Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
    "Installation Partner", "Technology Partner", "Other",
)  # fmt: skip

# The harness org's finance picklists: the ERP's term names (unrestricted, so a term added
# in the ERP is not refused) and the customer's standing there.
PAYMENT_TERMS = ("1% 10 Net 30", "2% 10 Net 30", "Due on receipt", "Net 15", "Net 30",
                 "Net 45", "Net 60")  # fmt: skip
ACCOUNT_STATUSES = ("Active", "Inactive")


def _address(kind: str) -> tuple[FieldDef, ...]:
    return (
        _text(f"{kind}Street", f"{kind} Street", 255, "textarea"),
        _text(f"{kind}City", f"{kind} City", 40),
        _text(f"{kind}State", f"{kind} State/Province", 80),
        _text(f"{kind}PostalCode", f"{kind} Zip/Postal Code", 20),
        _text(f"{kind}Country", f"{kind} Country", 80),
    )


ACCOUNT = SObjectDef(
    name="Account",
    label="Account",
    label_plural="Accounts",
    key_prefix="001",
    children=(
        ("Contacts", "Contact", "AccountId"),
        ("Opportunities", "Opportunity", "AccountId"),
        ("Orders", "Order", "AccountId"),
        ("ChildAccounts", "Account", "ParentId"),
    ),
    fields=(
        _system("Id", "Account ID", "id", "id", id_lookup=True),
        _system("IsDeleted", "Deleted", "boolean", "deleted"),
        _text("Name", "Account Name", 255, nillable=False, id_lookup=True, name_field=True),
        _text("Type", "Account Type", 40, "picklist", picklist=ACCOUNT_TYPES),
        FieldDef(
            "ParentId",
            "Parent Account ID",
            "reference",
            reference_to=("Account",),
            relationship_name="Parent",
        ),
        *_address("Billing"),
        *_address("Shipping"),
        _text("Phone", "Account Phone", 40, "phone"),
        _text("Fax", "Account Fax", 40, "phone"),
        _text("AccountNumber", "Account Number", 40),
        _text("Website", "Website", 255, "url"),
        _text("Site", "Account Site", 80),
        _text("Industry", "Industry", 40, "picklist", picklist=ACCOUNT_INDUSTRIES),
        FieldDef("AnnualRevenue", "Annual Revenue", "currency", precision=18, scale=2),
        FieldDef("NumberOfEmployees", "Employees", "int", digits=8),
        _text(
            "Description",
            "Account Description",
            32000,
            "textarea",
            filterable=False,
            sortable=False,
        ),
        owner_field(),
        _system("CreatedDate", "Created Date", "datetime", "created"),
        _system(
            "CreatedById",
            "Created By ID",
            "reference",
            "user",
            reference_to=("User",),
            relationship_name="CreatedBy",
        ),
        _system("LastModifiedDate", "Last Modified Date", "datetime", "modified"),
        _system(
            "LastModifiedById",
            "Last Modified By ID",
            "reference",
            "user",
            reference_to=("User",),
            relationship_name="LastModifiedBy",
        ),
        _system("SystemModstamp", "System Modstamp", "datetime", "modified"),
        _text(
            "External_Id__c",
            "External Id",
            255,
            external_id=True,
            unique=True,
            id_lookup=True,
            case_sensitive=True,
            custom=True,
        ),
        _text("Billing_Email__c", "Billing Email", 80, "email", custom=True),
        # Finance fields the ERP owns: the customer_finance flow fills them from NetSuite.
        FieldDef("Credit_Limit__c", "Credit Limit", "currency", precision=18, scale=2, custom=True),
        _text(
            "Payment_Terms__c",
            "Payment Terms",
            255,
            "picklist",
            picklist=PAYMENT_TERMS,
            custom=True,
        ),
        FieldDef("Balance__c", "Balance", "currency", precision=18, scale=2, custom=True),
        _text(
            "Account_Status__c",
            "Account Status",
            255,
            "picklist",
            picklist=ACCOUNT_STATUSES,
            restricted_picklist=True,
            custom=True,
        ),
    ),
)

CONTACT_SALUTATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")


CONTACT = SObjectDef(
    name="Contact",
    label="Contact",
    label_plural="Contacts",
    key_prefix="003",
    compound_name=("Name", ("FirstName", "LastName")),
    fields=(
        _system("Id", "Contact ID", "id", "id", id_lookup=True),
        _system("IsDeleted", "Deleted", "boolean", "deleted"),
        FieldDef(
            "AccountId",
            "Account ID",
            "reference",
            reference_to=("Account",),
            relationship_name="Account",
        ),
        _text("LastName", "Last Name", 80, nillable=False),
        _text("FirstName", "First Name", 40),
        _text("Salutation", "Salutation", 40, "picklist", picklist=CONTACT_SALUTATIONS),
        full_name_field(),
        *_address("Mailing"),
        _text("Phone", "Business Phone", 40, "phone"),
        _text("MobilePhone", "Mobile Phone", 40, "phone"),
        _text("Email", "Email", 80, "email", id_lookup=True),
        _text("Title", "Title", 128),
        _text("Department", "Department", 80),
        _text(
            "Description",
            "Contact Description",
            32000,
            "textarea",
            filterable=False,
            sortable=False,
        ),
        *_audit_fields(),
    ),
)


def compound_name(sobject: SObjectDef, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with the object's compound name (if any) joined from its parts, as the server
    computes it on save: non-blank parts, space-separated."""
    if sobject.compound_name is None:
        return fields
    target, parts = sobject.compound_name
    joined = " ".join(str(v) for p in parts if (v := fields.get(p)) not in (None, ""))
    return {**fields, target: joined or None}


SOBJECTS: dict[str, SObjectDef] = {
    s.name: s for s in (ACCOUNT, CONTACT, *COMMERCE_SOBJECTS, *SALES_SOBJECTS, *ORG_SOBJECTS)
}
_BY_LOWER = {name.lower(): s for name, s in SOBJECTS.items()}
_BY_PREFIX = {s.key_prefix: s for s in SOBJECTS.values()}


def get_sobject(name: str) -> SObjectDef | None:
    """The sObject called `name` (case-insensitive), or None when the org has no such type."""
    return _BY_LOWER.get(name.lower())


def sobject_for_id(record_id: str) -> SObjectDef | None:
    """The sObject whose key prefix starts `record_id`."""
    return _BY_PREFIX.get(record_id[:3])
