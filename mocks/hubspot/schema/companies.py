"""Companies: HubSpot's standard company properties and the ERP customer's custom ones."""

from __future__ import annotations

from dataclasses import replace

from mocks.hubspot.schema.common import ADDRESS, LIFECYCLE_STAGES, OWNER
from mocks.hubspot.schema.industries import INDUSTRY_LABELS, INDUSTRY_VALUES
from mocks.hubspot.schema.spec import (
    ObjectSpec,
    custom,
    enum,
    number,
    stamp_properties,
    text,
)

COMPANIES = ObjectSpec(
    name="companies",
    type_id="0-2",
    singular="company",
    label="Company",
    properties=(
        *stamp_properties("hs_lastmodifieddate"),
        text("name", "Company name"),
        text("domain", "Company Domain Name"),
        text("website", "Website URL"),
        text("phone", "Phone Number"),
        ADDRESS[0],
        text("address2", "Street Address 2"),
        *ADDRESS[1:],
        enum("industry", "Industry", INDUSTRY_VALUES, option_labels=INDUSTRY_LABELS),
        number("numberofemployees", "Number of Employees", integer=True),
        number("annualrevenue", "Annual Revenue"),
        text("description", "Description", field_type="textarea"),
        enum("lifecyclestage", "Lifecycle Stage", LIFECYCLE_STAGES, field_type="radio"),
        replace(OWNER, label="Company owner"),
        text("hs_merged_object_ids", "Merged Company IDs", read_only=True),
        custom(text("erp_customer_id", "ERP customer id"), unique=True),
        custom(number("erp_credit_limit", "ERP credit limit")),
        custom(text("erp_payment_terms", "ERP payment terms")),
        custom(number("erp_balance", "ERP balance")),
        custom(enum("erp_status", "ERP status", ("Active", "Inactive"))),
    ),
    defaults=("name", "domain"),
    searchable=("name", "domain", "website", "phone"),
)

__all__ = ["COMPANIES"]
