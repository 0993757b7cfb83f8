"""Sales objects beside Account and Contact: Lead and Opportunity.

Field lengths and required fields follow a standard org's describe; the picklists are the
values a new org ships with.
"""

from __future__ import annotations

from mocks.salesforce.schema.base import (
    FieldDef,
    SObjectDef,
    audit_fields,
    full_name_field,
    system_field,
)
from mocks.salesforce.schema.base import text_field as _text

LEAD_STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted",
                 "Closed - Not Converted")  # fmt: skip
LEAD_SOURCES = ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")
RATINGS = ("Hot", "Warm", "Cold")
STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
          "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
          "Negotiation/Review", "Closed Won", "Closed Lost")  # fmt: skip
OPPORTUNITY_TYPES = ("Existing Customer - Upgrade", "Existing Customer - Replacement",
                     "Existing Customer - Downgrade", "New Customer")  # fmt: skip
FORECASTS = ("Omitted", "Pipeline", "Best Case", "Commit", "Closed")


def _head(label: str) -> tuple[FieldDef, ...]:
    return (
        system_field("Id", f"{label} ID", "id", "id", id_lookup=True),
        system_field("IsDeleted", "Deleted", "boolean", "deleted"),
    )


def _address() -> tuple[FieldDef, ...]:
    return (
        _text("Street", "Street", 255, "textarea"),
        _text("City", "City", 40),
        _text("State", "State/Province", 80),
        _text("PostalCode", "Zip/Postal Code", 20),
        _text("Country", "Country", 80),
    )


def _read_only_flag(name: str, label: str) -> FieldDef:
    return FieldDef(name, label, "boolean", nillable=False, createable=False, updateable=False,
                    defaulted_on_create=True)  # fmt: skip


LEAD = SObjectDef(
    name="Lead",
    label="Lead",
    label_plural="Leads",
    key_prefix="00Q",
    compound_name=("Name", ("FirstName", "LastName")),
    fields=(
        *_head("Lead"),
        _text("LastName", "Last Name", 80, nillable=False),
        _text("FirstName", "First Name", 40),
        _text(
            "Salutation",
            "Salutation",
            40,
            "picklist",
            picklist=("Mr.", "Ms.", "Mrs.", "Dr.", "Prof."),
        ),
        full_name_field(),
        _text("Title", "Title", 128),
        _text("Company", "Company", 255, nillable=False),
        *_address(),
        _text("Phone", "Phone", 40, "phone"),
        _text("MobilePhone", "Mobile Phone", 40, "phone"),
        _text("Email", "Email", 80, "email", id_lookup=True),
        _text("Website", "Website", 255, "url"),
        _text("Description", "Description", 32000, "textarea", filterable=False, sortable=False),
        _text("LeadSource", "Lead Source", 40, "picklist", picklist=LEAD_SOURCES),
        _text(
            "Status",
            "Status",
            40,
            "picklist",
            picklist=LEAD_STATUSES,
            nillable=False,
            defaulted_on_create=True,
        ),
        _text("Industry", "Industry", 40, "picklist"),
        _text("Rating", "Rating", 40, "picklist", picklist=RATINGS),
        FieldDef("AnnualRevenue", "Annual Revenue", "currency", precision=18, scale=2),
        FieldDef("NumberOfEmployees", "Employees", "int", digits=8),
        _read_only_flag("IsConverted", "Converted"),
        FieldDef(
            "ConvertedAccountId",
            "Converted Account ID",
            "reference",
            reference_to=("Account",),
            relationship_name="ConvertedAccount",
            createable=False,
            updateable=False,
        ),
        FieldDef(
            "ConvertedContactId",
            "Converted Contact ID",
            "reference",
            reference_to=("Contact",),
            relationship_name="ConvertedContact",
            createable=False,
            updateable=False,
        ),
        *audit_fields(),
    ),
)

OPPORTUNITY = SObjectDef(
    name="Opportunity",
    label="Opportunity",
    label_plural="Opportunities",
    key_prefix="006",
    fields=(
        *_head("Opportunity"),
        FieldDef(
            "AccountId",
            "Account ID",
            "reference",
            reference_to=("Account",),
            relationship_name="Account",
        ),
        _text("Name", "Name", 120, nillable=False, name_field=True),
        _text("Description", "Description", 32000, "textarea", filterable=False, sortable=False),
        _text("StageName", "Stage", 255, "picklist", picklist=STAGES, nillable=False),
        FieldDef("Amount", "Amount", "currency", precision=18, scale=2),
        FieldDef("Probability", "Probability (%)", "percent", precision=3, scale=0),
        FieldDef("CloseDate", "Close Date", "date", nillable=False),
        _text("Type", "Opportunity Type", 40, "picklist", picklist=OPPORTUNITY_TYPES),
        _text("NextStep", "Next Step", 255),
        _text("LeadSource", "Lead Source", 40, "picklist", picklist=LEAD_SOURCES),
        _read_only_flag("IsClosed", "Closed"),
        _read_only_flag("IsWon", "Won"),
        _text("ForecastCategoryName", "Forecast Category", 40, "picklist", picklist=FORECASTS),
        *audit_fields(),
    ),
)

SALES_SOBJECTS = (LEAD, OPPORTUNITY)
